"""Small typed readers for one JSON object: each wrong value becomes a Problem naming where it is and what to do.

Why not the JSON Schema at run time: a schema library reports "'x' is not of type 'number'" at a JSON pointer; an
organizer needs "elements[3] (id "role"): max_size: ... Set it to a number of points from 6 to 200". The schema file
(templates/design.schema.json) is the published contract and is tested to agree with these checks.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from badge_renderer.designs import HEX_COLOR

COLOR_ROLES = ("background", "accent", "text", "muted", "on_accent")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
MAX_TEXT = 1_000  # characters in any string of a document (formats, titles, condition values)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document: `where` (e.g. 'elements[3] (id "role")'), the property, what and what to do."""

    where: str
    prop: str
    message: str

    def __str__(self) -> str:
        place = f"{self.where}: {self.prop}" if self.where and self.prop else self.where or self.prop
        return f"{place}: {self.message}" if place else self.message


class Reader:
    """Reads properties of one object at `where`, recording problems instead of raising, so all are reported."""

    def __init__(self, obj: Mapping[str, Any], where: str, problems: list[Problem], prefix: str = "") -> None:
        self.obj = obj
        self.where = where
        self.problems = problems
        self.prefix = prefix  # "box.": properties of a nested object are named as the path from the element

    def problem(self, prop: str, message: str) -> None:
        self.problems.append(Problem(self.where, self.prefix + prop, message))

    def only(self, allowed: Collection[str]) -> None:
        """Unknown properties are mistakes (a typo prints nothing): name them and suggest the closest known one."""
        for key in self.obj:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), list(allowed), n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"allowed here: {', '.join(sorted(allowed))}"
                self.problem(str(key), f"is not a property of this object ({hint})")

    def present(self, prop: str) -> bool:
        return prop in self.obj

    def number(self, prop: str, default: float, lo: float, hi: float, unit: str = "") -> float:
        value = self.obj.get(prop, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            self.problem(prop, f"{_shown(value)} is not allowed; set it to a number{unit} from {lo:g} to {hi:g}")
            return default
        return float(value)

    def whole(self, prop: str, default: int, lo: int, hi: int) -> int:
        value = self.obj.get(prop, default)
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            self.problem(prop, f"{_shown(value)} is not allowed; set it to a whole number from {lo} to {hi}")
            return default
        return value

    def flag(self, prop: str, default: bool) -> bool:
        value = self.obj.get(prop, default)
        if not isinstance(value, bool):
            self.problem(prop, f"{_shown(value)} is not allowed; set it to true or false")
            return default
        return value

    def text(self, prop: str, default: str = "", *, required: bool = False, limit: int = MAX_TEXT) -> str:
        if prop not in self.obj:
            if required:
                self.problem(prop, "is missing; add it")
            return default
        value = self.obj[prop]
        if not isinstance(value, str):
            self.problem(prop, f"{_shown(value)} is not text; write it in quotes")
            return default
        if len(value) > limit:
            self.problem(prop, f"is {len(value):,} characters long; at most {limit:,} are allowed")
            return default
        return value

    def choice(self, prop: str, default: str, choices: Collection[str]) -> str:
        value = self.obj.get(prop, default)
        if value not in choices:
            self.problem(prop, f"{_shown(value)} is not allowed; choose one of: {', '.join(map(str, choices))}")
            return default
        return str(value)

    def color(self, prop: str, default: str | None, *, allow_none: bool = False) -> str | None:
        value = self.obj.get(prop, default)
        if value is None or (allow_none and value == "none"):
            return None
        if isinstance(value, str) and (value in COLOR_ROLES or HEX_COLOR.match(value)):
            return value
        self.problem(
            prop,
            f"{_shown(value)} is not a colour; use #rrggbb or a colour role ({', '.join(COLOR_ROLES)})"
            + (' or "none"' if allow_none else ""),
        )
        return default

    def mapping(self, prop: str, *, required: bool = False) -> Mapping[str, Any] | None:
        if prop not in self.obj:
            if required:
                self.problem(prop, "is missing; add it")
            return None
        value = self.obj[prop]
        if not isinstance(value, Mapping):
            self.problem(prop, f"{_shown(value)} is not an object; write it as {{...}}")
            return None
        return value

    def sequence(self, prop: str, limit: int) -> list[Any] | None:
        if prop not in self.obj:
            return None
        value = self.obj[prop]
        if not isinstance(value, list):
            self.problem(prop, f"{_shown(value)} is not a list; write it as [...]")
            return None
        if len(value) > limit:
            self.problem(prop, f"has {len(value):,} entries; at most {limit:,} are allowed")
            return None
        return value


def _shown(value: Any) -> str:
    """A value as the organizer wrote it, short enough for a message."""
    import json

    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
