"""Designs are data: templates/<name>/manifest.json (fields, colours, boxes) + static.svg.j2 (the artwork).

Boxes are fractions of the badge, so one design serves every badge size; the static SVG is drawn once per
(design, ticket group) and only the attendee's text and QR are drawn per badge.

manifest.json: name, title, description, default_badge_size ("4x3in"), safe_area_mm (text boxes are clipped to it),
colors {background, accent, text, muted?, on_accent?, ticket_types {type: "#rrggbb"}}, elements [...] and optionally
back {elements [...]} with static_back.svg.j2. An element: kind (name | text | qr | logo | event_name), box [x, y, w, h]
as fractions, and for text kinds: format (text only), family, weight (regular | bold), max_size, min_size,
max_lines, align (left | center | right | start | end), valign, color (a colour role or "#rrggbb"), uppercase,
option ("pronouns"), grows_into (["logo", "event_name"]: a name box that takes over their room above it when the
job has no logo or event name, so the layout closes up instead of leaving a hole).

format: "{field}" placeholders, any attendee field ("{organization} · {role}"); "{role|ticket_type}" is the first
non-empty of the fields (most exports have a ticket type but no role column, so a role line falls back to it).
A text element that would print the same words (ignoring case) as an earlier text element of the same side is left
out, so list the ticket-type label before the role line: a "SPEAKER" band and a role line falling back to "Speaker"
never print twice. Empty parts around " · " disappear.
align "start"/"end" follow the line's direction: an Arabic or Hebrew organisation starts at the right edge.
static.svg.j2 gets width/height (points; viewBox 0 0 width height), colors, ticket_type, event_name, has_logo,
has_background_image, side; the renderer paints the background colour/image under it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from badge_renderer.errors import DesignError

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
NOT_DESIGNS = {"fonts", "email"}
HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
ELEMENT_KINDS = {"name", "text", "qr", "logo", "event_name"}
_FIELD_NAME = r"[^{}|]+"  # any column name, as the CSV spells it ("Table no.")
FORMAT_FIELD = re.compile(rf"\{{({_FIELD_NAME}(?:\s*\|\s*{_FIELD_NAME})*)\}}")  # "{role}" or "{role|ticket_type}"
ALIGNS = ("left", "center", "right", "start", "end")  # as badge_renderer.text.draw_text
SLANT = math.tan(math.radians(12))  # "italic" text: the bundled fonts have no italic faces, so stamps are slanted
SMALLEST_TEXT_PT = 6.0  # nothing smaller reads on a badge: no element's min_size may go below it


@dataclass(frozen=True)
class Box:
    """A rectangle as fractions (0..1) of the badge width and height, top-left origin."""

    x: float
    y: float
    w: float
    h: float

    def scaled(self, width: float, height: float) -> tuple[float, float, float, float]:
        return self.x * width, self.y * height, self.w * width, self.h * height


@dataclass(frozen=True)
class Element:
    """One thing drawn per badge (name, text, qr) or once per design (logo, event_name)."""

    kind: str
    box: Box
    format: str = ""  # text: "{role|ticket_type}" or "{organization} · {role}"; unknown fields print empty
    family: str | None = None  # None: the render option's font family
    weight: str = "bold"
    max_size: float = 36.0
    min_size: float = 8.0
    max_lines: int = 2
    align: str = "center"
    valign: str = "middle"
    color: str = "text"  # a colour role of the design ("text", "accent", "muted", "on_accent") or "#rrggbb"
    uppercase: bool = False
    option: str | None = None  # "pronouns": shown only when RenderOptions.show_pronouns
    # kinds ("logo", "event_name") whose room above this box it takes over when they print nothing
    grows_into: tuple[str, ...] = ()
    # Design documents (badge_renderer.design_document) add the fields below; bundled manifests leave the defaults.
    id: str = ""
    when: tuple[Any, ...] = ()  # design_document.conditions.Condition: all must hold for the element to print
    hidden: bool = False  # printed only for the ticket types whose override shows it
    rotation: float = 0.0  # degrees clockwise about the box centre
    style: str = "normal"  # "italic": a slanted stamp (the bundled fonts have no italic faces)
    emphasis: bool = True  # name: first-name emphasis when the job asks for it
    opacity: float = 1.0
    fill: str | None = None  # shapes: a colour role or "#rrggbb"; None: no fill
    stroke: str | None = None
    stroke_width_mm: float = 0.0
    radius_mm: float = 0.0  # rect: rounded corners
    points: tuple[tuple[float, float], ...] = ()  # polygon: corners as fractions of its box
    asset: str | None = None  # image: a document asset id; None (kind "logo"): the job's logo
    column: str | None = None  # photo: the column naming the attendee's file in the photo ZIP
    focus: tuple[float, float] = (0.5, 0.5)  # photo: the point of the photo kept in view when it is cropped
    qr_field: str | None = None  # qr: this column instead of the job's QR option
    qr_vcard: bool = False  # qr: a vCard instead of the job's QR option


@dataclass(frozen=True)
class BadgeDesign:
    """A parsed design. `colors` holds roles (background, accent, text, muted, on_accent)."""

    name: str
    title: str
    description: str
    default_badge_size: str
    colors: Mapping[str, str]
    ticket_accents: Mapping[str, str]
    safe_area_mm: float
    elements: tuple[Element, ...]
    directory: Path
    back_elements: tuple[Element, ...] = ()  # a design with its own back (static_back.svg.j2); else the front
    dark: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)
    # Set for a design document (badge_renderer.design_document): it draws its artwork from elements and
    # backgrounds instead of static.svg.j2, and its ticket-type overrides may change more than the accent.
    document: Any = None

    @property
    def is_document(self) -> bool:
        return self.document is not None

    @property
    def has_back(self) -> bool:
        return bool(self.back_elements) or (self.document is not None and self.document.has_back)

    def side_elements(self, side: str) -> tuple[Element, ...]:
        return self.back_elements if side == "back" and self.has_back else self.elements

    def template_name(self, side: str) -> str:
        return (
            f"{self.name}/static_back.svg.j2" if side == "back" and self.back_elements else f"{self.name}/static.svg.j2"
        )

    @property
    def static_template(self) -> Path:
        return self.directory / "static.svg.j2"

    @property
    def preview(self) -> Path:
        return self.directory / "preview.png"

    def accent_for(self, ticket_type: str) -> str | None:
        """The design's accent for a ticket type (case-insensitive), or None for the default accent."""
        key = ticket_type.strip().lower()
        return next((c for t, c in self.ticket_accents.items() if t.lower() == key), None) if key else None


def list_designs() -> list[BadgeDesign]:
    """Every design under templates/, sorted by name."""
    names = (
        sorted(
            p.name
            for p in TEMPLATES_DIR.iterdir()
            if p.is_dir() and p.name not in NOT_DESIGNS and (p / "manifest.json").is_file()
        )
        if TEMPLATES_DIR.is_dir()
        else []
    )
    return [load_design(name) for name in names]


def design_for(options: Any) -> BadgeDesign:
    """The design a job draws: its design document when it brought one, else the bundled design it names."""
    document = getattr(options, "design_document", None)
    return document if document is not None else load_design(options.design)


def design_names() -> tuple[str, ...]:
    return tuple(d.name for d in list_designs())


@lru_cache(maxsize=32)
def load_design(name: str) -> BadgeDesign:
    """Load and validate templates/<name>; unknown or malformed designs raise DesignError."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name or ""):
        raise DesignError(f"Unknown design '{name}'", hint=_known_hint(), column="design")
    directory = TEMPLATES_DIR / name
    manifest_path = directory / "manifest.json"
    if name in NOT_DESIGNS or not manifest_path.is_file():
        raise DesignError(f"Unknown design '{name}'", hint=_known_hint(), column="design")
    try:
        raw = json.loads(manifest_path.read_text(encoding="utf-8"))
        return _parse_manifest(raw, directory)
    except (ValueError, KeyError, TypeError) as err:
        raise DesignError(f"Design '{name}' has a malformed manifest.json ({err})", file=str(manifest_path)) from err


def _known_hint() -> str:
    names = [p.name for p in sorted(TEMPLATES_DIR.iterdir()) if (p / "manifest.json").is_file()]
    return f"Choose one of: {', '.join(names)} (see `badgeforge designs`)."


def _parse_manifest(raw: Mapping[str, Any], directory: Path) -> BadgeDesign:
    colors = dict(raw["colors"])
    ticket_accents = dict(colors.pop("ticket_types", {}))
    for role, value in [*colors.items(), *ticket_accents.items()]:
        if not HEX_COLOR.match(value):
            raise ValueError(f"colour {role}={value!r} is not #rrggbb")
    for role in ("background", "accent", "text"):
        colors.setdefault(role, "#000000")
    colors.setdefault("muted", colors["text"])
    colors.setdefault("on_accent", "#ffffff")
    elements = tuple(_parse_element(e) for e in raw["elements"])
    back_elements = tuple(_parse_element(e) for e in raw.get("back", {}).get("elements", ()))
    if not (directory / "static.svg.j2").is_file():
        raise ValueError("static.svg.j2 is missing")
    if back_elements and not (directory / "static_back.svg.j2").is_file():
        raise ValueError("the design has a back but static_back.svg.j2 is missing")
    return BadgeDesign(
        name=directory.name,
        title=str(raw.get("title", directory.name)),
        description=str(raw.get("description", "")),
        default_badge_size=str(raw.get("default_badge_size", "4x3in")),
        colors=colors,
        ticket_accents=ticket_accents,
        safe_area_mm=float(raw.get("safe_area_mm", 4.0)),
        elements=elements,
        directory=directory,
        back_elements=back_elements,
        dark=bool(raw.get("dark", False)),
        extra=dict(raw.get("extra", {})),
    )


def _parse_element(raw: Mapping[str, Any]) -> Element:
    kind = raw["kind"]
    if kind not in ELEMENT_KINDS:
        raise ValueError(f"element kind {kind!r} is not one of {sorted(ELEMENT_KINDS)}")
    x, y, w, h = (float(v) for v in raw["box"])
    if not (0 <= x < 1 and 0 <= y < 1 and 0 < w <= 1 - x + 1e-9 and 0 < h <= 1 - y + 1e-9):
        raise ValueError(f"{kind} box {raw['box']} is not inside the badge (fractions 0..1)")
    known = {f for f in Element.__dataclass_fields__ if f not in ("kind", "box")}
    kwargs = {k: v for k, v in raw.items() if k in known}
    if "grows_into" in kwargs:
        kwargs["grows_into"] = tuple(str(kind) for kind in kwargs["grows_into"])
        if not set(kwargs["grows_into"]) <= {"logo", "event_name"}:
            raise ValueError(f"{kind} grows_into {kwargs['grows_into']} may name only logo and event_name")
    element = Element(kind=kind, box=Box(x, y, w, h), **kwargs)
    if kind in ("name", "text", "event_name") and not SMALLEST_TEXT_PT <= element.min_size <= element.max_size:
        raise ValueError(
            f"{kind} min_size {element.min_size} must be at least {SMALLEST_TEXT_PT} pt and at most max_size"
        )
    if element.align not in ALIGNS or element.valign not in ("top", "middle", "bottom"):
        raise ValueError(f"{kind} align/valign {element.align}/{element.valign} is not valid")
    if element.color not in ("text", "accent", "muted", "on_accent", "background") and not HEX_COLOR.match(
        element.color
    ):
        raise ValueError(f"{kind} colour {element.color!r} is not a colour role or #rrggbb")
    return element


def format_fields(template: str) -> tuple[str, ...]:
    """Every field name a format refers to, fallbacks included ("{role|ticket_type}" -> role, ticket_type)."""
    return tuple(name.strip() for group in FORMAT_FIELD.findall(template) for name in group.split("|"))


def fill_format(template: str, value_of: Callable[[str], str]) -> tuple[str, str]:
    """The filled format and the field the first non-empty placeholder came from ("" when none was).

    Each "{a|b}" takes the first of a, b with a non-blank value; empty parts around " · " are dropped.
    """
    used: list[str] = []

    def first_filled(match: re.Match[str]) -> str:
        for name in (n.strip() for n in match.group(1).split("|")):
            value = value_of(name).strip()
            if value:
                used.append(name)
                return value
        return ""

    filled = FORMAT_FIELD.sub(first_filled, template)
    if "·" in template:
        filled = " · ".join(part.strip() for part in filled.split("·") if part.strip())
    return filled.strip(), (used[0] if used else "")


def hex_to_rgb(value: str) -> tuple[float, float, float]:
    """'#rgb' or '#rrggbb' -> (r, g, b) in 0..1."""
    digits = value.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
