"""A design document (docs/design-format.md) -> a BadgeDesign that compose draws, or every problem with it.

Hostile input: the size is capped before JSON is parsed, every list and string is capped, assets are decoded with
a cap and SVG artwork is sanitised here (nothing in a document can make the renderer read a file or a URL).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from badge_renderer import limits
from badge_renderer.design_document.checks import ID_PATTERN, Problem, Reader
from badge_renderer.design_document.model import Asset, Background, Condition, DocumentParts, Override
from badge_renderer.designs import ALIGNS, SMALLEST_TEXT_PT, BadgeDesign, Box, Element
from badge_renderer.errors import DesignError

FORMAT = "badgeforge-design"
VERSION = 1
TEXT_KINDS = ("text", "name", "event_name")
SHAPE_KINDS = ("rect", "ellipse", "line", "polygon")
KINDS = (*TEXT_KINDS, "image", "photo", "qr", *SHAPE_KINDS)
SIDES = ("front", "back")
FITS = ("shrink", "wrap", "ellipsis")
IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif")
SVG_TYPE = "image/svg+xml"
_COMMON = ("id", "kind", "side", "box", "rotation", "opacity", "when", "visible")
_TEXT_PROPS = (
    "family",
    "weight",
    "style",
    "max_size",
    "min_size",
    "fit",
    "max_lines",
    "align",
    "valign",
    "color",
    "uppercase",
    "option",
    "grows_into",
)
_PROPS: dict[str, tuple[str, ...]] = {
    "text": (*_TEXT_PROPS, "text", "column"),
    "name": (*_TEXT_PROPS, "emphasis"),
    "event_name": _TEXT_PROPS,
    "image": ("asset",),
    "photo": ("column", "focus"),
    "qr": ("data",),
    "rect": ("fill", "stroke", "stroke_width_mm", "radius_mm"),
    "ellipse": ("fill", "stroke", "stroke_width_mm"),
    "line": ("stroke", "stroke_width_mm"),
    "polygon": ("fill", "stroke", "stroke_width_mm", "points"),
}
_TOP = (
    "format",
    "version",
    "name",
    "title",
    "description",
    "size",
    "sides",
    "safe_area_mm",
    "dark",
    "colors",
    "backgrounds",
    "assets",
    "elements",
    "overrides",
)


class DesignDocumentError(DesignError):
    """A design document that cannot be used; `problems` lists every one (the message shows the first few)."""

    problems: list[Problem]


def read_document(path: str | Path) -> BadgeDesign:
    """Read and parse a design document file (DesignError when it cannot be read or is not valid)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limits.DESIGN_MAX_BYTES:
            raise _too_big(size, path.name)
        data = path.read_bytes()
    except OSError as err:
        raise DesignError(f"Cannot read {path}: {err.strerror}", column="design_file") from err
    return parse_document(data, filename=path.name)


def parse_document(data: bytes | str | Mapping[str, Any], *, filename: str = "design document") -> BadgeDesign:
    """The BadgeDesign for a document (bytes, text or already-parsed JSON); DesignDocumentError lists problems."""
    raw = _load_json(data, filename)
    problems: list[Problem] = []
    design = _Parser(problems).document(raw)
    if problems or design is None:
        raise _error(problems, filename)
    return design


def document_problems(data: bytes | str | Mapping[str, Any], *, filename: str = "design document") -> list[str]:
    """Every problem with a document as text (empty when it is valid): what `badgeforge designs validate` prints."""
    try:
        parse_document(data, filename=filename)
    except DesignDocumentError as err:
        return [str(p) for p in err.problems]
    except DesignError as err:
        return [err.message + (f". {err.hint}" if err.hint else "")]
    return []


def _load_json(data: bytes | str | Mapping[str, Any], filename: str) -> Any:
    if isinstance(data, Mapping):
        return data
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > limits.DESIGN_MAX_BYTES:
        raise _too_big(size, filename)
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as err:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        where = f" (line {err.lineno}, column {err.colno})" if isinstance(err, json.JSONDecodeError) else ""
        raise DesignError(
            f"The design document is not valid JSON{where}",
            hint="Export a design with `badgeforge designs export NAME -o FILE` to see the format.",
            file=filename,
        ) from err


def _too_big(size: int, filename: str) -> DesignError:
    cap = limits.describe_bytes(limits.DESIGN_MAX_BYTES)
    return DesignError(
        f"The design document is {limits.describe_bytes(size)}, more than {cap}",
        hint="Use smaller images in it (300 dpi of the badge is plenty).",
        file=filename,
    )


def _error(problems: list[Problem], filename: str) -> DesignDocumentError:
    shown = "; ".join(str(p) for p in problems[:3])
    more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    err = DesignDocumentError(
        f"The design document is not valid: {shown}{more}",
        hint="`badgeforge designs validate FILE` lists every problem; docs/design-format.md describes the format.",
        file=filename,
        column="design_file",
    )
    err.problems = problems or [Problem("", "", "the document is empty")]
    return err


class _Parser:
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.size = (100.0, 100.0)
        self.sides: tuple[str, ...] = ("front",)
        self.assets: dict[str, Asset] = {}

    def document(self, raw: Any) -> BadgeDesign | None:
        if not isinstance(raw, Mapping):
            self.problems.append(Problem("", "", "the document must be a JSON object {...}"))
            return None
        top = Reader(raw, "", self.problems)
        top.only(_TOP)
        if raw.get("format") != FORMAT:
            top.problem("format", f'must be "{FORMAT}" (this file is not a BadgeForge design document)')
        if raw.get("version") != VERSION:
            top.problem("version", f"{raw.get('version')!r} is not a version this BadgeForge reads; use {VERSION}")
        name = top.text("name", "custom", limit=64)
        if not ID_PATTERN.match(name):
            top.problem("name", "use letters, digits, '-' and '_' only (up to 64)")
        self.size = self._size(top)
        self.sides = self._sides(top)
        colors = self._colors(top.mapping("colors"), "colors", full=True)
        self.assets = self._assets(top.mapping("assets"))
        backgrounds = self._backgrounds(top.mapping("backgrounds"), "backgrounds")
        elements = self._elements(top.sequence("elements", limits.DESIGN_MAX_ELEMENTS), "elements" in raw)
        ids = {e.id for e in elements}
        overrides = self._overrides(top.mapping("overrides"), ids)
        title = top.text("title", name, limit=200)
        description = top.text("description", "")
        safe_area = top.number("safe_area_mm", 3.0, 0, 20, " of mm")
        dark = top.flag("dark", False)
        if self.problems:
            return None
        parts = DocumentParts(
            size_mm=self.size,
            sides=self.sides,
            backgrounds=backgrounds,
            overrides=overrides,
            assets=self.assets,
            source=raw,
            digest=_digest(raw),
        )
        accents = {t: o.colors["accent"] for t, o in overrides.items() if "accent" in o.colors}
        return BadgeDesign(
            name=name,
            title=title,
            description=description,
            default_badge_size=f"{self.size[0]:g}x{self.size[1]:g}mm",
            colors=colors,
            ticket_accents=accents,
            safe_area_mm=safe_area,
            elements=tuple(e for e in elements if e.id not in self._back_ids),
            directory=Path("."),
            back_elements=tuple(e for e in elements if e.id in self._back_ids),
            dark=dark,
            document=parts,
        )

    # ---- top level ---------------------------------------------------------------------------------------
    def _size(self, top: Reader) -> tuple[float, float]:
        size = top.mapping("size", required=True)
        if size is None:
            return self.size
        reader = Reader(size, "size", self.problems)
        reader.only(("width_mm", "height_mm"))
        lo, hi = limits.DESIGN_MIN_SIDE_MM, limits.DESIGN_MAX_SIDE_MM
        return reader.number("width_mm", 100.0, lo, hi, " of mm"), reader.number("height_mm", 100.0, lo, hi, " of mm")

    def _sides(self, top: Reader) -> tuple[str, ...]:
        sides = top.sequence("sides", 2)
        if sides is None:
            return ("front",)
        if sides not in (["front"], ["front", "back"]):
            top.problem("sides", f'{sides!r} is not allowed; use ["front"] or ["front", "back"]')
            return ("front",)
        return tuple(sides)

    def _colors(self, raw: Mapping[str, Any] | None, where: str, *, full: bool) -> dict[str, str]:
        from badge_renderer.design_document.checks import COLOR_ROLES

        colors: dict[str, str] = {}
        if raw is not None:
            reader = Reader(raw, where, self.problems)
            reader.only(COLOR_ROLES)
            for role in raw:
                if role in COLOR_ROLES:
                    value = reader.color(role, None)
                    if value is not None and not value.startswith("#"):
                        reader.problem(role, f"{value!r} is a role; a role's own colour must be #rrggbb")
                    elif value:
                        colors[role] = value
        if full:
            for role in ("background", "accent", "text"):
                colors.setdefault(role, "#000000" if role != "background" else "#ffffff")
            colors.setdefault("muted", colors["text"])
            colors.setdefault("on_accent", "#ffffff")
        return colors

    def _assets(self, raw: Mapping[str, Any] | None) -> dict[str, Asset]:
        from badge_renderer.design_document.svg_safety import sanitise_svg

        assets: dict[str, Asset] = {}
        if raw is None:
            return assets
        if len(raw) > limits.DESIGN_MAX_ASSETS:
            self.problems.append(
                Problem("assets", "", f"has {len(raw)} assets; at most {limits.DESIGN_MAX_ASSETS} are allowed")
            )
            return assets
        for key, value in raw.items():
            where = f'assets["{key}"]'
            if not ID_PATTERN.match(str(key)):
                self.problems.append(Problem(where, "", "an asset id uses letters, digits, '-' and '_' only"))
                continue
            if not isinstance(value, Mapping):
                self.problems.append(Problem(where, "", 'must be an object {"media_type": ..., "data": base64}'))
                continue
            reader = Reader(value, where, self.problems)
            reader.only(("media_type", "data"))
            media = reader.choice("media_type", "", (*IMAGE_TYPES, SVG_TYPE))
            encoded = reader.text("data", required=True, limit=limits.DESIGN_MAX_BYTES)
            if len(encoded) * 3 // 4 > limits.IMAGE_MAX_BYTES:
                reader.problem(
                    "data", f"is more than {limits.describe_bytes(limits.IMAGE_MAX_BYTES)}; use a smaller file"
                )
                continue
            try:
                data = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                reader.problem("data", "is not base64; encode the file's bytes as base64")
                continue
            if media == SVG_TYPE:
                try:
                    data = sanitise_svg(data)
                except DesignError as err:
                    reader.problem("data", f"{err.message}. {err.hint}".strip())
                    continue
            if media and data:
                assets[str(key)] = Asset(media, data)
            elif not data:
                reader.problem("data", "is empty; embed the file's bytes")
        return assets

    def _asset_ref(self, reader: Reader, prop: str, media: tuple[str, ...]) -> str | None:
        ref = reader.text(prop, limit=64) if reader.present(prop) else None
        if ref is None:
            return None
        asset = self.assets.get(ref)
        if asset is None:
            known = ", ".join(sorted(self.assets)) or "none"
            reader.problem(prop, f"names the asset {ref!r}, which is not in assets (known: {known}); add it there")
            return None
        if asset.media_type not in media:
            reader.problem(prop, f"asset {ref!r} is {asset.media_type}; this needs {' or '.join(media)}")
            return None
        return ref

    def _backgrounds(self, raw: Mapping[str, Any] | None, where: str) -> dict[str, Background]:
        backgrounds: dict[str, Background] = {}
        if raw is None:
            return backgrounds
        outer = Reader(raw, where, self.problems)
        outer.only(self.sides)
        for side in self.sides:
            value = outer.mapping(side)
            if value is None:
                continue
            reader = Reader(value, f"{where}.{side}", self.problems)
            reader.only(("color", "image", "svg"))
            backgrounds[side] = Background(
                color=reader.color("color", "background") or "background",
                image=self._asset_ref(reader, "image", IMAGE_TYPES),
                svg=self._asset_ref(reader, "svg", (SVG_TYPE,)),
            )
        return backgrounds

    def _overrides(self, raw: Mapping[str, Any] | None, ids: set[str]) -> dict[str, Override]:
        overrides: dict[str, Override] = {}
        if raw is None:
            return overrides
        if len(raw) > limits.DESIGN_MAX_OVERRIDES:
            self.problems.append(
                Problem("overrides", "", f"has {len(raw)} ticket types; at most {limits.DESIGN_MAX_OVERRIDES}")
            )
            return overrides
        for ticket, value in raw.items():
            where = f'overrides["{ticket}"]'
            if not isinstance(value, Mapping) or not str(ticket).strip() or len(str(ticket)) > 200:
                self.problems.append(Problem(where, "", "must be a ticket type mapped to an object {...}"))
                continue
            reader = Reader(value, where, self.problems)
            reader.only(("colors", "backgrounds", "hide", "show"))
            shown: dict[str, frozenset[str]] = {}
            for prop in ("hide", "show"):
                listed = reader.sequence(prop, limits.DESIGN_MAX_ELEMENTS) or []
                unknown = [i for i in listed if i not in ids]
                if unknown:
                    reader.problem(prop, f"names elements that do not exist: {unknown[:5]}; use element ids")
                shown[prop] = frozenset(i for i in listed if i in ids)
            overrides[str(ticket).strip().casefold()] = Override(
                colors=self._colors(reader.mapping("colors"), f"{where}.colors", full=False),
                backgrounds=self._backgrounds(reader.mapping("backgrounds"), f"{where}.backgrounds"),
                hide=shown["hide"],
                show=shown["show"],
            )
        return overrides

    # ---- elements ----------------------------------------------------------------------------------------
    def _elements(self, raw: list[Any] | None, given: bool) -> list[Element]:
        self._back_ids: set[str] = set()
        if raw is None:
            if not given:
                self.problems.append(Problem("", "elements", "is missing; add a list of elements (it may be empty)"))
            return []
        elements: list[Element] = []
        seen: set[str] = set()
        for index, value in enumerate(raw):
            element_id = value.get("id") if isinstance(value, Mapping) else None
            where = f'elements[{index}] (id "{element_id}")' if isinstance(element_id, str) else f"elements[{index}]"
            if not isinstance(value, Mapping):
                self.problems.append(Problem(where, "", "must be an object {...}"))
                continue
            if isinstance(element_id, str) and element_id in seen:
                self.problems.append(Problem(where, "id", "is used by an earlier element; give each element its own"))
                continue
            element = self._element(Reader(value, where, self.problems))
            if element is not None:
                seen.add(element.id)
                elements.append(element)
        return elements

    def _element(self, reader: Reader) -> Element | None:
        element_id = reader.text("id", required=True, limit=64)
        if element_id and not ID_PATTERN.match(element_id):
            reader.problem("id", "use letters, digits, '-' and '_' only (up to 64)")
        kind = reader.obj.get("kind")
        if kind not in KINDS:
            reader.problem("kind", f"{kind!r} is not an element kind; choose one of: {', '.join(KINDS)}")
            return None
        reader.only((*_COMMON, *_PROPS[kind]))
        side = reader.choice("side", "front", self.sides)
        if side == "back":
            self._back_ids.add(element_id)
        box = self._box(reader, kind)
        common: dict[str, Any] = {
            "id": element_id,
            "rotation": reader.number("rotation", 0.0, -360, 360, " of degrees"),
            "opacity": reader.number("opacity", 1.0, 0, 1),
            "when": self._conditions(reader),
            "hidden": not reader.flag("visible", True),
        }
        if kind in TEXT_KINDS:
            return self._text(reader, kind, box, common)
        if kind == "image":
            asset = self._asset_ref(reader, "asset", IMAGE_TYPES)
            return Element(kind="image" if asset else "logo", box=box, asset=asset, **common)
        if kind == "photo":
            column = reader.text("column", required=True, limit=200)
            focus = self._focus(reader)
            return Element(kind="photo", box=box, column=column, focus=focus, **common)
        if kind == "qr":
            return self._qr(reader, box, common)
        return self._shape(reader, kind, box, common)

    def _box(self, reader: Reader, kind: str) -> Box:
        raw = reader.mapping("box", required=True)
        if raw is None:
            return Box(0, 0, 1, 1)
        box = Reader(raw, reader.where, self.problems, prefix="box.")
        box.only(("x", "y", "width", "height"))
        width_mm, height_mm = self.size
        big = 2 * max(self.size)
        x = box.number("x", 0.0, -big, big, " of mm")
        y = box.number("y", 0.0, -big, big, " of mm")
        w = box.number("width", 1.0, 0, big, " of mm")
        h = box.number("height", 1.0, 0, big, " of mm")
        fractions = Box(x / width_mm, y / height_mm, w / width_mm, h / height_mm)
        if kind in SHAPE_KINDS:
            if (w <= 0 and h <= 0) or (kind != "line" and (w <= 0 or h <= 0)):
                reader.problem("box", "has no area; give it a width and a height above 0 mm")
            elif x >= width_mm or y >= height_mm or x + w <= 0 or y + h <= 0:
                reader.problem("box", "lies wholly outside the badge; move it onto the badge")
            return fractions
        eps = 0.01
        inside = x >= -eps and y >= -eps and x + w <= width_mm + eps and y + h <= height_mm + eps
        if w <= 0 or h <= 0 or not inside:
            reader.problem(
                "box",
                f"must lie inside the {width_mm:g} x {height_mm:g} mm badge with a width and height above 0 mm "
                f"(it is x {x:g}, y {y:g}, {w:g} x {h:g} mm); move or shrink it",
            )
        return fractions

    def _conditions(self, reader: Reader) -> tuple[Condition, ...]:
        raw = reader.sequence("when", 8)
        return tuple(c for c in (self._condition(reader, item, 0) for item in raw or ()) if c is not None)

    def _condition(self, reader: Reader, raw: Any, depth: int) -> Condition | None:
        bad = (
            'each condition is {"column": C, "not_empty": true}, {"column": C, "equals": V}, '
            '{"job": "logo" | "event_name"} or {"any": [conditions]}'
        )
        if not isinstance(raw, Mapping) or depth > 2:
            reader.problem("when", bad)
            return None
        keys = set(raw)
        if keys == {"column", "not_empty"} and raw["not_empty"] is True and _short_text(raw["column"]):
            return Condition("not_empty", column=raw["column"])
        if keys == {"column", "equals"} and _short_text(raw["column"]) and _short_text(raw["equals"]):
            return Condition("equals", column=raw["column"], value=raw["equals"])
        if keys == {"job"} and raw["job"] in ("logo", "event_name"):
            return Condition("job", column=raw["job"])
        if keys == {"any"} and isinstance(raw["any"], list) and 0 < len(raw["any"]) <= 8:
            inner = [self._condition(reader, item, depth + 1) for item in raw["any"]]
            return Condition("any", any=tuple(c for c in inner if c is not None)) if all(inner) else None
        reader.problem("when", f"{raw!r:.60} is not a condition; {bad}")
        return None

    def _text(self, reader: Reader, kind: str, box: Box, common: dict[str, Any]) -> Element:
        fmt = ""
        if kind == "text":
            has_text, has_column = reader.present("text"), reader.present("column")
            if has_text == has_column:
                reader.problem(
                    "text", 'give exactly one of "text" (a format like "{first_name} {last_name}") or "column"'
                )
            column = "" if has_text else reader.text("column", limit=200)
            if any(c in column for c in "{}|"):
                reader.problem("column", f"{column!r}: a column name with {{, }} or | cannot be placed; rename it")
            fmt = reader.text("text") if has_text else "{" + column + "}"
        from badge_renderer.render_support import font_families

        family = reader.obj.get("family")
        if family is not None and family not in font_families():
            reader.problem(
                "family", f"{family!r} is not a bundled font family; choose one of: {', '.join(font_families())}"
            )
            family = None
        max_size = reader.number("max_size", 36.0, SMALLEST_TEXT_PT, 200, " of points")
        min_size = reader.number("min_size", min(8.0, max_size), SMALLEST_TEXT_PT, 200, " of points")
        if min_size > max_size:
            reader.problem("min_size", f"{min_size:g} is above max_size {max_size:g}; make it at most max_size")
            min_size = max_size
        fit = reader.choice("fit", "wrap", FITS)
        max_lines = reader.whole("max_lines", 1 if fit == "shrink" else 2, 1, 10)
        if fit == "shrink" and max_lines != 1:
            reader.problem("max_lines", 'fit "shrink" keeps one line; remove max_lines or use fit "wrap"')
        if fit == "ellipsis":
            min_size = max_size  # print at one size and end with an ellipsis instead of shrinking
        grows = reader.sequence("grows_into", 2) or []
        if not set(grows) <= {"logo", "event_name"}:
            reader.problem("grows_into", 'may name only "logo" and "event_name"')
            grows = []
        option = reader.obj.get("option")
        if option not in (None, "pronouns"):
            reader.problem(
                "option", '"pronouns" is the only option (the element then follows the job\'s pronouns choice)'
            )
        return Element(
            kind=kind,
            box=box,
            format=fmt,
            family=family,
            weight=reader.choice("weight", "bold", ("regular", "bold")),
            style=reader.choice("style", "normal", ("normal", "italic")),
            max_size=max_size,
            min_size=min_size,
            max_lines=max_lines,
            align=reader.choice("align", "center", ALIGNS),
            valign=reader.choice("valign", "middle", ("top", "middle", "bottom")),
            color=reader.color("color", "text") or "text",
            uppercase=reader.flag("uppercase", False),
            option=option if option == "pronouns" else None,
            grows_into=tuple(grows),
            emphasis=reader.choice("emphasis", "first_name", ("first_name", "none")) == "first_name",
            **common,
        )

    def _focus(self, reader: Reader) -> tuple[float, float]:
        raw = reader.mapping("focus")
        if raw is None:
            return (0.5, 0.5)
        focus = Reader(raw, reader.where, self.problems, prefix="focus.")
        focus.only(("x", "y"))
        return focus.number("x", 0.5, 0, 1), focus.number("y", 0.5, 0, 1)

    def _qr(self, reader: Reader, box: Box, common: dict[str, Any]) -> Element:
        raw = reader.mapping("data")
        field_name, vcard = None, False
        if raw is not None:
            if set(raw) == {"column"} and _short_text(raw["column"]):
                field_name = raw["column"]
            elif raw == {"vcard": True}:
                vcard = True
            else:
                reader.problem(
                    "data", 'use {"column": "ticket_id"} or {"vcard": true}, or leave it out for the job\'s QR choice'
                )
        return Element(kind="qr", box=box, qr_field=field_name, qr_vcard=vcard, **common)

    def _shape(self, reader: Reader, kind: str, box: Box, common: dict[str, Any]) -> Element:
        fill = None if kind == "line" else reader.color("fill", None, allow_none=True)
        stroke = reader.color("stroke", "text" if kind == "line" else None, allow_none=True)
        width = reader.number("stroke_width_mm", 0.5 if kind == "line" else 0.0, 0, 50, " of mm")
        if fill is None and (stroke is None or width <= 0):
            reader.problem("fill", "the shape draws nothing; give it a fill, or a stroke with stroke_width_mm above 0")
        points: tuple[tuple[float, float], ...] = ()
        if kind == "polygon":
            raw = reader.sequence("points", 64) or []
            if len(raw) < 3 or not all(_is_fraction_pair(p) for p in raw):
                reader.problem("points", "needs 3 to 64 [x, y] pairs, each a fraction 0..1 of the box")
            else:
                points = tuple((float(p[0]), float(p[1])) for p in raw)
        radius = reader.number("radius_mm", 0.0, 0, 100, " of mm") if kind == "rect" else 0.0
        return Element(
            kind=kind,
            box=box,
            fill=fill,
            stroke=stroke,
            stroke_width_mm=width,
            radius_mm=radius,
            points=points,
            **common,
        )


def _digest(raw: Mapping[str, Any]) -> bytes:
    import hashlib

    return hashlib.blake2b(json.dumps(raw, sort_keys=True).encode("utf-8"), digest_size=16).digest()


def _short_text(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 200


def _is_fraction_pair(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1 for v in value)
    )
