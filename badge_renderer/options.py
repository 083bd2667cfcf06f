"""RenderOptions: everything a render job may choose, validated once (from the CLI or from job.json)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

from badge_renderer.errors import BadgeForgeError, OptionsError
from badge_renderer.printable import printable

Sides = Literal["single", "duplex", "foldover"]
_IMAGE_OPTIONS = ("background_image", "logo_image")
# Options that size the machine rather than the badges: a CLI user may choose them for their own computer, but a
# server decides them itself on every path (web form, job.json, custom metadata), never the uploader.
SERVER_SIZED_OPTIONS = ("workers",)
# Options that arrive as files of their own with the upload (a design document, a photo ZIP), not as controls of the
# option form: the form schema (option_schema) leaves them out.
UPLOAD_ONLY_OPTIONS = ("design_document", "photos")


@dataclass(frozen=True)
class RenderOptions:
    """How to render; geometry in mm, colours as '#rrggbb'. Images are the uploaded bytes (checked at render)."""

    design: str = "classic"
    paper: str = "A4"
    badge_size: str | None = None  # None: the design's default size
    preset: str | None = None  # a label sheet preset; overrides paper/badge_size/margins
    margin_mm: float | None = None  # None: automatic (10 mm, down to 4 mm when that fits more per sheet)
    gutter_mm: float = 0
    offset_x_mm: float = 0
    offset_y_mm: float = 0
    crop_marks: bool = False
    one_per_page: bool = False
    rotate: bool = True  # turn badges 90 degrees when that fits more per sheet
    sides: Sides = "single"
    bleed_mm: float = 0  # artwork past the trim (3 mm is usual); pages get TrimBox/BleedBox, neighbours a gutter
    pdfx: bool = False  # PDF/X-4-style file: sRGB OutputIntent, GTS_PDFXVersion in the XMP, /Trapped
    event_name: str = ""
    accent: str | None = None
    accents_by_type: Mapping[str, str] = field(default_factory=dict)
    background_color: str | None = None
    font_family: str = "sans"
    emphasize_first_name: bool = True
    show_pronouns: bool = True
    qr_field: str | None = None
    qr_kind: Literal["text", "vcard"] = "text"
    ticket_types: tuple[str, ...] = ()
    group_by_type: bool = False
    background_image: bytes | None = field(default=None, repr=False)
    logo_image: bytes | None = field(default=None, repr=False)
    workers: int | None = None
    # A design document (design_document.parse_document's BadgeDesign) drawn instead of the bundled `design`.
    design_document: Any = field(default=None, repr=False)
    photos: Any = field(default=None, repr=False)  # photos.PhotoArchive: the ZIP of attendee photos

    def __post_init__(self) -> None:
        # The event name is printed on every badge (through the design's SVG too) and used in the mail subject and
        # the file name: one line of printable characters, whoever built the options (job.json, CLI, a script).
        cleaned = " ".join(printable(self.event_name).text.split()) if isinstance(self.event_name, str) else ""
        if cleaned != self.event_name:
            object.__setattr__(self, "event_name", cleaned)

    def __hash__(self) -> int:  # accents_by_type is a dict, so the generated hash would raise; equal => same hash
        return hash((self.design, self.paper, self.badge_size, self.event_name, self.accent))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, images: Mapping[str, bytes] | None = None) -> RenderOptions:
        """Build from job.json. `images` maps the names used in data["background_image"]/["logo_image"] to bytes.

        Unknown keys, wrong types, bad colours, unknown designs/papers/sizes/fonts raise OptionsError naming the key.
        """
        if not isinstance(data, Mapping):
            raise OptionsError("The options must be a JSON object", column="options")
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise OptionsError(f"Unknown option '{key}'", hint=f"Known options: {', '.join(known)}.", column=key)
            if value is None:
                continue
            values[key] = _coerce(key, value, images or {})
        options = cls(**values)
        options.validate()
        return options

    def with_changes(self, **changes: Any) -> RenderOptions:
        return replace(self, **changes)

    def validate(self) -> None:
        """Check the values that need the designs, layout and fonts (raises OptionsError with `column`)."""
        from badge_renderer.designs import HEX_COLOR, design_for

        for key in ("accent", "background_color"):
            value = getattr(self, key)
            if value is not None and not HEX_COLOR.match(value):
                raise OptionsError(f"'{value}' is not a colour", hint="Use a hex colour like #1f6feb.", column=key)
        for ticket, value in self.accents_by_type.items():
            if not HEX_COLOR.match(str(value)):
                raise OptionsError(
                    f"'{value}' for ticket type '{ticket}' is not a colour",
                    hint="Use a hex colour like #1f6feb.",
                    column="accents_by_type",
                )
        if self.sides not in ("single", "duplex", "foldover"):
            raise OptionsError(f"'{self.sides}' is not single, duplex or foldover", column="sides")
        if self.qr_kind not in ("text", "vcard"):
            raise OptionsError(f"'{self.qr_kind}' is not text or vcard", column="qr_kind")
        for key in ("margin_mm", "gutter_mm"):
            value = getattr(self, key)
            if value is not None and not 0 <= value <= 100:
                raise OptionsError(f"{key} must be between 0 and 100 mm", column=key)
        for key in ("offset_x_mm", "offset_y_mm"):
            if not -50 <= getattr(self, key) <= 50:
                raise OptionsError(f"{key} must be between -50 and 50 mm", column=key)
        from badge_renderer.render_support import layout_module

        layout_module().check_bleed(self.bleed_mm)  # range and type, OptionsError(column="bleed_mm")
        if self.workers is not None and not 1 <= self.workers <= 64:
            raise OptionsError("workers must be between 1 and 64", column="workers")
        try:
            design = design_for(self)
        except BadgeForgeError as err:
            raise OptionsError(err.message, hint=err.hint, column="design") from err
        from badge_renderer.render_support import font_families

        families = font_families()
        if self.font_family not in families:
            raise OptionsError(
                f"Unknown font family '{self.font_family}'",
                hint=f"Choose one of: {', '.join(families)}.",
                column="font_family",
            )
        layout = layout_module()
        try:
            if self.preset:
                layout.find_preset(self.preset)  # forgiving: "Avery 5395" is avery-5395; else OptionsError(preset)
                _check_preset_sides(self)
            else:
                layout.parse_paper(self.paper)
                layout.parse_badge_size(self.badge_size or design.default_badge_size)
        except OptionsError:
            raise
        except BadgeForgeError as err:
            column = "paper" if "paper" in err.message.lower() else "badge_size"
            raise OptionsError(err.message, hint=err.hint, column=err.column or column) from err
        if self.bleed_mm:
            self._check_bleed_fits()

    def _check_bleed_fits(self) -> None:
        """A bleed must fit the sheet (die-cut label gaps, margins): say so before rendering, naming bleed_mm."""
        from badge_renderer.render_support import plan_for

        try:
            plan_for(self)
        except OptionsError:
            raise
        except BadgeForgeError:
            pass  # the badge does not fit the paper at all: render_pdf reports that as before


def _check_preset_sides(options: RenderOptions) -> None:
    """A preset that cannot take these sides (fold-over on spaced labels, duplex on a label printer) is refused
    when the job is submitted, not when it renders."""
    from badge_renderer.errors import DesignError
    from badge_renderer.render_support import layout_module

    try:
        layout_module().plan_preset(options.preset, sides=options.sides)
    except DesignError as err:
        raise OptionsError(err.message, hint=err.hint, column="sides") from err


_TYPES: dict[str, tuple[type, ...]] = {
    "margin_mm": (int, float),
    "gutter_mm": (int, float),
    "offset_x_mm": (int, float),
    "offset_y_mm": (int, float),
    "crop_marks": (bool,),
    "one_per_page": (bool,),
    "rotate": (bool,),
    "emphasize_first_name": (bool,),
    "show_pronouns": (bool,),
    "group_by_type": (bool,),
    "bleed_mm": (int, float),
    "pdfx": (bool,),
    "workers": (int,),
}


def _coerce(key: str, value: Any, images: Mapping[str, bytes]) -> Any:
    if key == "design_document":
        from badge_renderer.design_document import parse_document
        from badge_renderer.designs import BadgeDesign

        if isinstance(value, BadgeDesign) and value.is_document:
            return value
        if isinstance(value, Mapping | bytes | str):
            return parse_document(images[value] if isinstance(value, str) and value in images else value)
        raise OptionsError("design_document must be a design document (JSON object)", column=key)
    if key == "photos":
        from badge_renderer.photos import PhotoArchive

        if isinstance(value, PhotoArchive):
            return value
        if isinstance(value, str) and value in images:
            return PhotoArchive(images[value])
        if isinstance(value, bytes | bytearray):
            return PhotoArchive(bytes(value))
        raise OptionsError(f"The photo ZIP '{value}' was not uploaded with the job", column=key)
    if key in _IMAGE_OPTIONS:
        if isinstance(value, bytes | bytearray):
            return bytes(value)
        if isinstance(value, str) and value in images:
            return images[value]
        raise OptionsError(f"Image '{value}' was not uploaded with the job", column=key)
    if key == "margin_mm" and isinstance(value, str) and value.strip().lower() == "auto":
        return None
    if key in _TYPES:
        expected = _TYPES[key]
        if isinstance(value, bool) and bool not in expected:
            raise OptionsError(f"{key} must be a number, not {value!r}", column=key)
        if not isinstance(value, expected):
            kind = "true or false" if expected == (bool,) else "a number"
            raise OptionsError(f"{key} must be {kind}, not {value!r}", column=key)
        return value
    if key == "accents_by_type":
        if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise OptionsError("accents_by_type must map ticket types to '#rrggbb' colours", column=key)
        return dict(value)
    if key == "ticket_types":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise OptionsError("ticket_types must be a list of ticket type names", column=key)
        return tuple(value)
    if not isinstance(value, str):
        raise OptionsError(f"{key} must be text, not {value!r}", column=key)
    if len(value) > 500:
        raise OptionsError(f"{key} is longer than 500 characters", column=key)
    return value
