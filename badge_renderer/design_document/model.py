"""What a parsed design document adds to a BadgeDesign: backgrounds, ticket-type overrides, assets, conditions.

The elements themselves become designs.Element (boxes as fractions of the badge), so compose draws a document with
the same code as a bundled design; these objects carry only what a bundled manifest cannot say.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Condition:
    """One rule an element needs to print. kind: "not_empty" / "equals" (an attendee column), "job" (the job has
    a logo or an event name), "any" (one of `any` holds)."""

    kind: str
    column: str = ""
    value: str = ""
    any: tuple[Condition, ...] = ()

    @property
    def per_attendee(self) -> bool:
        """True when the answer depends on the attendee (so the element cannot be drawn once per ticket group)."""
        return self.kind in ("not_empty", "equals") or any(c.per_attendee for c in self.any)

    def holds(self, value_of: Callable[[str], str], job_has: Callable[[str], bool]) -> bool:
        if self.kind == "not_empty":
            return bool(value_of(self.column).strip())
        if self.kind == "equals":
            return value_of(self.column).strip().casefold() == self.value.strip().casefold()
        if self.kind == "job":
            return job_has(self.column)
        return any(c.holds(value_of, job_has) for c in self.any)


@dataclass(frozen=True)
class Background:
    """A side's background, painted in order: colour, image (cover), SVG artwork (by its preserveAspectRatio)."""

    color: str = "background"  # a colour role or "#rrggbb"
    image: str | None = None  # asset id
    svg: str | None = None  # asset id of sanitised SVG artwork, fitted to the badge by its preserveAspectRatio


@dataclass(frozen=True)
class Override:
    """What one ticket type changes: colour roles, backgrounds per side, elements hidden or shown (by id)."""

    colors: Mapping[str, str] = field(default_factory=dict)
    backgrounds: Mapping[str, Background] = field(default_factory=dict)
    hide: frozenset[str] = frozenset()
    show: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Asset:
    """An uploaded file carried inside the document (base64 there, bytes here); images are checked when drawn."""

    media_type: str  # image/png | image/jpeg | image/webp | image/gif | image/svg+xml
    data: bytes = field(repr=False)


@dataclass(frozen=True, eq=False)
class DocumentParts:
    """Everything of a design document beyond its elements. `source` is the validated JSON, as exported again."""

    size_mm: tuple[float, float]
    sides: tuple[str, ...]
    backgrounds: Mapping[str, Background]
    overrides: Mapping[str, Override]  # keys are casefolded ticket types
    assets: Mapping[str, Asset]
    source: Mapping[str, Any] = field(repr=False)
    digest: bytes = b""  # of the document's JSON: composers and previews are cached by it

    @property
    def has_back(self) -> bool:
        return "back" in self.sides

    def override_for(self, ticket_type: str) -> Override | None:
        return self.overrides.get(ticket_type.strip().casefold()) if ticket_type.strip() else None

    def background(self, side: str, ticket_type: str) -> Background:
        override = self.override_for(ticket_type)
        if override and side in override.backgrounds:
            return override.backgrounds[side]
        return self.backgrounds.get(side, Background())
