"""Composition of one badge: the static layer (artwork, images, event name) recorded ONCE per (design, accent)
and replayed as a vector form; per badge only the attendee's text and QR code are drawn.

Attendee text never passes through SVG/XML: it is shaped and drawn directly with cairo, so markup in a name is
printed literally and cannot load anything.
"""

from __future__ import annotations

import functools
import math
import operator
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from badge_renderer.designs import SLANT, BadgeDesign, Element, design_for, fill_format, hex_to_rgb
from badge_renderer.images import PreparedImage, cairo_surface, prepare_image_cached
from badge_renderer.model import Attendee, RowIssue
from badge_renderer.names import is_east_asian, printed_name, upper_for_print
from badge_renderer.options import RenderOptions
from badge_renderer.qr import (
    GRID_PT,
    MIN_SYMBOL_MM,
    MIN_VCARD_SYMBOL_MM,
    QrDataTooLong,
    draw_qr,
    fit_many,
    fit_qr,
    grid_window,
    qr_payload,
    symbol_mm,
)
from badge_renderer.qr_sheet import QrSheet
from badge_renderer.render_support import text_module

if TYPE_CHECKING:
    from badge_renderer.design_document.drawing import DocumentDrawing


MM = 72 / 25.4
NAME_FIRST_SHARE = 0.62  # of the name box, when the first name is emphasised above the last name
LINE_HEIGHT = 1.15  # fit_text's default, which every element uses
# Name badges are read at a distance: guidance ranges 18-36 pt. Badges this wide (3 in) or wider get at least 18.
BIG_NAME_PT = 18.0
BIG_NAME_FROM_WIDTH = 3 * 72
TEXT_KINDS = ("name", "text", "event_name")
# Organisation, role and event name take a second line rather than shrink below this or lose words to an ellipsis.
WRAP_BELOW_PT = 7.0
CLOSE_UP_GAP = 0.03  # of the badge height, kept below an element that prints when a box grows up towards it
_rgb = functools.lru_cache(maxsize=256)(hex_to_rgb)  # colours are a handful of strings, looked up per element
_TEXT_FIELDS = frozenset(f.name for f in fields(Attendee) if f.type in ("str", str))  # attendee.get == getattr
# Fits, stamps, printed texts and names kept per composer (an entry is ~1 KB); oldest go first. 2,048 holds many
# sheets of duplex backs and every repeating role or organisation; 8,192 held ~15 MB more per process for nothing.
STAMP_CACHE = 2048


# (value, value.casefold(), column, stamp, truncated, missing glyphs, element) of one text element
_Printed = tuple[str, str, str, Any, bool, str, Element]
# (stamps, shortened, column, missing glyphs, element) of one name
_PrintedName = tuple[tuple[Any, ...], bool, str, str, Element]


@dataclass(frozen=True)
class _Palette:
    background: str
    accent: str
    text: str
    muted: str
    on_accent: str

    def rgb(self, role: str) -> tuple[float, float, float]:
        return _rgb(getattr(self, role) if not role.startswith("#") else role)


class BadgeComposer:
    """Draws badges of one design and size; create one per process (it caches static layers and images)."""

    def __init__(self, options: RenderOptions, width: float, height: float) -> None:
        self.options = options
        self.design: BadgeDesign = design_for(options)  # a bundled design, or the job's design document
        self.width, self.height = width, height
        self.bleed = options.bleed_mm * MM  # artwork past the trim on every side (the page code clips neighbours)
        self.text = text_module()
        self._layers: dict[Any, Any] = {}  # (side, palette, ...) -> recording; ("raster", ...) -> image (static_raster)
        self._fit_cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        # Per-badge hot path: what is the same for every badge of a ticket group is worked out once.
        self._palettes: dict[str, _Palette] = {}
        self._boxes: dict[int, tuple[Element, tuple[float, float, float, float]]] = {}
        self._variants: dict[int, tuple[Element, Element]] = {}
        self._stamps: OrderedDict[tuple[Any, ...], tuple[Any, Any]] = OrderedDict()
        self._text_stamps: OrderedDict[tuple[Any, ...], tuple[Element, _Palette, Any]] = OrderedDict()
        self._formats: dict[str, Callable[[Attendee], tuple[str, ...]]] = {}
        self._qr_codes: dict[tuple[str, int, float, bool], tuple[Any, int] | None] = {}
        self._qr_sheet: QrSheet | None = None  # this sheet's codes in one image (expect_sheet)
        self._qr_requests: dict[tuple[int, int], tuple[Attendee, tuple[str, str, float, int] | None]] = {}
        self._filled_cache: OrderedDict[tuple[str, ...], tuple[str, str]] = OrderedDict()
        # What a text element or a name prints for given field values: a repeated role, organisation or (a duplex
        # back's) name costs one dict lookup and the stamps' draw calls.
        self._printed: OrderedDict[tuple[Any, ...], _Printed] = OrderedDict()
        self._names: OrderedDict[tuple[Any, ...], _PrintedName] = OrderedDict()
        self._layer_keys: dict[tuple[str, str], Any] = {}
        # a forked own-writer worker's stand-in for every static layer: the parent's part holds the forms (parallel)
        self.layer_stand_in: Callable[[str, str], Any] | None = None
        self._min_sizes: dict[int, tuple[Element, float]] = {}
        self._covered: dict[str, frozenset[str]] = {}  # family -> what its own regular font draws
        self._library = self.text.FontLibrary.default()  # once: default() re-checks the fonts folder per call
        self._small_qr_reported = False
        self._codes_on_top: set[int] = set()  # ids of QR elements no later per-badge element overlaps (_painters)
        self._qr_slots: dict[tuple[int, int], _QrSlot] = {}  # (id(slot matrix), id(element)) -> see _write_qr
        # (id(attendee), id(element)) -> (attendee, payload, its code or None, box pixels): expect_codes
        self._sheet_codes: dict[tuple[int, int], tuple[Attendee, str, tuple[Any, int] | None, int]] = {}
        self._writing = False  # the own PDF writer is drawing (write): new quick stamps need no cairo arrays
        self._missing: OrderedDict[tuple[str, str], str] = OrderedDict()  # organisations and roles repeat across badges
        inset_x, inset_y = _safe_insets(self.design, width, height)
        self._safe = (inset_x, inset_y, width - inset_x, height - inset_y)
        self.background = self._prepare(options.background_image, "background_image", (width, height), cover=True)
        logo = next((e for e in self.design.elements if e.kind == "logo"), None)
        logo_box = logo.box.scaled(width, height)[2:] if logo else (width / 3, height / 4)
        self.logo = self._prepare(options.logo_image, "logo_image", logo_box, cover=False)
        self.document: DocumentDrawing | None = None
        if self.design.is_document:
            from badge_renderer.design_document.drawing import DocumentDrawing

            self.document = DocumentDrawing(self)

    @staticmethod
    def _prepare(data: bytes | None, label: str, box: tuple[float, float], *, cover: bool) -> PreparedImage | None:
        if not data:
            return None
        return prepare_image_cached(data, box_width_pt=box[0], box_height_pt=box[1], label=label, cover=cover)

    # ---- colours -------------------------------------------------------------------------------------------
    def palette(self, ticket_type: str) -> _Palette:
        palette = self._palettes.get(ticket_type)
        if palette is None:
            palette = self._palettes[ticket_type] = self._make_palette(ticket_type)
        return palette

    def _make_palette(self, ticket_type: str) -> _Palette:
        colors = self.document.colors(ticket_type) if self.document else self.design.colors
        accent = (
            _lookup(self.options.accents_by_type, ticket_type)
            or self.design.accent_for(ticket_type)
            or self.options.accent
            or colors["accent"]
        )
        return _Palette(
            background=self.options.background_color or colors["background"],
            accent=accent,
            text=colors["text"],
            muted=colors["muted"],
            on_accent=colors["on_accent"],
        )

    # ---- static layer --------------------------------------------------------------------------------------
    def static_layer(self, ticket_type: str, side: str = "front") -> Any:
        """A cairo RecordingSurface with everything that is the same for every badge of this ticket group."""
        palette = self.palette(ticket_type)
        side = "back" if side == "back" and self.design.has_back else "front"
        if self.layer_stand_in is not None:
            return self.layer_stand_in(ticket_type, side)
        # a document's ticket-type override may change backgrounds and elements, not only colours
        key = (side, palette, self.document.group(ticket_type) if self.document else "")
        layer = self._layers.get(key)
        if layer is None:
            layer = self._layers[key] = self._record_static(palette, ticket_type, side)
        return layer

    def _record_static(self, palette: _Palette, ticket_type: str, side: str) -> Any:
        import cairocffi as cairo

        from badge_renderer.svg_layer import render_svg_layer

        w, h, b = self.width, self.height, self.bleed
        layer = cairo.RecordingSurface(cairo.CONTENT_COLOR_ALPHA, (-b, -b, w + 2 * b, h + 2 * b))
        ctx = cairo.Context(layer)
        self.text.stamps.prepare_context(ctx)
        # cairo rounds a recording's extents out to whole points (a 90 mm badge becomes 256 pt wide): clip to the
        # exact artwork box so nothing reaches past the trim (or the bleed) by that rounding.
        ctx.rectangle(-b, -b, w + 2 * b, h + 2 * b)
        ctx.clip()
        if self.document:
            self.document.record_static(ctx, palette, ticket_type, side)
            return layer
        ctx.set_source_rgb(*palette.rgb("background"))
        ctx.paint()
        if self.background:
            _paint_image(ctx, self.background, -b, -b, w + 2 * b, h + 2 * b, cover=True)
        artwork = render_svg_layer(
            self.design,
            width=w,
            height=h,
            colors=palette.__dict__,
            ticket_type=ticket_type,
            event_name=self.options.event_name,
            has_background_image=self.background is not None,
            has_logo=self.logo is not None,
            side=side,
        )
        _paint_with_bleed(ctx, artwork, w, h, b)
        for element in self.design.side_elements(side):
            x, y, bw, bh = self._box(element)
            if element.kind == "logo" and self.logo:
                _paint_image(ctx, self.logo, x, y, bw, bh, cover=False)
            elif element.kind == "event_name" and self.options.event_name:
                self._draw_line(ctx, self.options.event_name, element, palette, (x, y, bw, bh))
        return layer

    # ---- per badge -----------------------------------------------------------------------------------------
    def static_raster(self, ticket_type: str, side: str, scale: float) -> Any:
        """White and the static layer drawn once into an RGB24 image of the badge at `scale` pixels per point: a
        PNG badge starts as a copy of it (the same pixels as painting the layer again, without re-scaling the
        background photo and the artwork for every badge)."""
        import cairocffi as cairo

        key = ("raster", ticket_type, side, scale)
        raster = self._layers.get(key)
        if raster is None:
            raster = cairo.ImageSurface(
                cairo.FORMAT_RGB24, max(1, round(self.width * scale)), max(1, round(self.height * scale))
            )
            ctx = cairo.Context(raster)
            ctx.set_source_rgb(1, 1, 1)
            ctx.paint()
            ctx.scale(scale, scale)
            ctx.set_source_surface(self.static_layer(ticket_type, side), 0, 0)
            ctx.paint()
            raster.flush()
            rasters = [k for k in self._layers if k[0] == "raster"]
            if len(rasters) >= 4:  # a few sizes (preview dpi, print dpi) per ticket group: ~4 MB each at 300 dpi
                del self._layers[rasters[0]]
            self._layers[key] = raster
        return raster

    def draw(
        self,
        ctx: Any,
        attendee: Attendee,
        x: float,
        y: float,
        rotation: int = 0,
        side: str = "front",
        *,
        static: bool = True,
        codes: bool | None = None,
    ) -> list[RowIssue]:
        """Draw one badge side in the slot whose top-left corner is (x, y), turned `rotation` degrees clockwise
        (90/270: on its side, the slot is the badge's height wide); returns warnings (text shortened, ...).

        The back repeats the front (names readable whichever way a badge flips) unless the design has a back.
        static=False leaves out the static layer (the caller already put static_raster in place). codes=False
        draws all but the QR codes, codes=True only them (a copied duplex back draws its codes on its own page
        grid, see duplex_backs); a design document draws everything with codes=False, nothing with True.
        """
        issues: list[RowIssue] = []
        self._writing = False
        # direct libcairo calls, bound once (cairo's status is checked once, at the end)
        save, restore, translate, rotate, set_source_surface, paint = _calls()
        pointer = ctx._pointer
        save(pointer)
        translate(pointer, x, y)
        # (x, y) is the slot's top-left corner on the page; turn the badge about it so it fills the slot.
        if rotation:
            if rotation == 180:
                translate(pointer, self.width, self.height)
            elif rotation == 90:
                translate(pointer, self.height, 0)
            elif rotation == 270:
                translate(pointer, 0, self.width)
            rotate(pointer, math.radians(rotation))
        layer, palette, painters = self._layer_keys.get((attendee.ticket_type, side)) or self._side(attendee, side)
        if static and not codes:
            set_source_surface(pointer, layer._pointer, 0, 0)
            paint(pointer)
        self.text.stamps.prepare_context(ctx)
        printed: set[str] = set()  # text already on this side, so a fallback never repeats a label
        if self.document is not None:  # a design document: its adapter picks what this attendee gets
            if not codes:
                self.document.draw_per_badge(ctx, attendee, side, palette, issues, printed)
        else:
            for draw_element, element in painters:
                if codes is None or (element.kind == "qr") == codes:  # a copied duplex front: codes apart
                    draw_element(self, ctx, attendee, element, palette, issues, printed)
        restore(pointer)
        self.text.stamps.check_context(ctx)
        return issues

    def write(self, page: Any, attendee: Attendee, side: str = "front") -> list[RowIssue]:
        """draw() for BadgeForge's own PDF writer (pdf_write): the badge the caller began on `page` gets its static
        layer and the same per-badge elements, with the same warnings, as operators. Bundled designs only."""
        layer, palette, painters = self._layer_keys.get((attendee.ticket_type, side)) or self._side(attendee, side)
        self._writing = True
        page.static(layer)
        issues: list[RowIssue] = []
        printed: set[str] = set()
        for draw_element, element in painters:
            draw_element(self, page, attendee, element, palette, issues, printed)
        return issues

    def _side(
        self, attendee: Attendee, side: str
    ) -> tuple[Any, _Palette, tuple[tuple[Callable[..., None], Element], ...]]:
        """(static layer, palette, painters) of the attendee's ticket group and side, worked out once."""
        key = (attendee.ticket_type, side)
        found = self._layer_keys[key] = (
            self.static_layer(*key),
            self.palette(attendee.ticket_type),
            self._painters(side),
        )
        return found

    def _painters(self, side: str) -> tuple[tuple[Callable[..., None], Element], ...]:
        """(draw method, element) of each element of a bundled design's side that prints per badge, worked out
        once per side and ticket group: the per-badge loop makes one call per printed element, no dispatch on
        kinds, and none for the logo and event name (in the static layer) or pronouns the job leaves out."""
        painters: list[tuple[Callable[..., None], Element]] = []
        for element in self.design.side_elements(side):
            paint = self._painter(element)
            if paint is not None and (element.kind != "qr" or self._codes_in(element)):
                painters.append((paint, element))  # no QR painter where no badge has a code
        for i, (_, element) in enumerate(painters):
            if element.kind == "qr" and not any(self._overlap(element, later) for _, later in painters[i + 1 :]):
                self._codes_on_top.add(id(element))  # the element is pinned by the design the composer holds
        return tuple(painters)

    def _overlap(self, below: Element, above: Element) -> bool:
        """Whether `above`'s box, with a margin for ink past it (italic overhangs), meets `below`'s."""
        x, y, w, h = self._box(below)
        ax, ay, aw, ah = self._box(above)
        margin = 2.0
        return ax - margin < x + w and x < ax + aw + margin and ay - margin < y + h and y < ay + ah + margin

    def _draw_element(
        self,
        ctx: Any,
        attendee: Attendee,
        element: Element,
        palette: _Palette,
        issues: list[RowIssue],
        printed: set[str],
    ) -> None:
        """One per-badge element (name, text, QR code); the static layer already holds the others."""
        paint = self._painter(element)
        if paint is not None:
            paint(self, ctx, attendee, element, palette, issues, printed)

    def _painter(self, element: Element) -> Callable[..., None] | None:
        """The draw method of a per-badge element, or None (drawn in the static layer, or pronouns left out)."""
        if element.kind == "text" and element.option == "pronouns" and not self.options.show_pronouns:
            return None
        # plain functions, called with the composer: bound methods kept in _layer_keys made the composer a cycle
        # (composer -> painters -> composer), so a job's caches waited for the cyclic collector to be freed
        return _PAINTERS.get(element.kind)

    def _draw_text(
        self,
        ctx: Any,
        attendee: Attendee,
        element: Element,
        palette: _Palette,
        issues: list[RowIssue],
        printed: set[str],
    ) -> None:
        value, folded, column, stamp, truncated, missing, _ = self._printed_text(attendee, element, palette)
        if value and folded not in printed:
            printed.add(folded)
            if ctx._pointer is None:  # a page of the own PDF writer: one call less per element and badge
                ctx.write_stamp(stamp)
            else:
                stamp.draw(ctx)
            if truncated:
                issues.append(_shortened(attendee, column, value))
            if missing:
                issues.append(unprintable(attendee.row, column, missing))

    def _draw_qr_element(
        self,
        ctx: Any,
        attendee: Attendee,
        element: Element,
        palette: _Palette,
        issues: list[RowIssue],
        printed: set[str],
    ) -> None:
        issue = self._draw_qr(ctx, attendee, element)
        if issue:
            issues.append(issue)

    def _printed_text(self, attendee: Attendee, element: Element, palette: _Palette) -> _Printed:
        """What a text element prints for this attendee's values (remembered per element, accent and values)."""
        values = self._formats.get(element.format) or self._values(element.format)  # no call once it is made
        key = (id(element), palette.accent, *values(attendee))
        found = self._printed.get(key)
        if found is None or found[6] is not element:  # the element pins its id while the entry lives
            value, column = self._filled(element.format, attendee)
            column = column or _first_field(element.format)
            stamp, truncated, missing = None, False, ""
            if value:
                stamp = self._text_stamp(value, element, palette, self._box(element))
                truncated = stamp.truncated
                missing = self._missing_in(value, element)
            found = (value, value.casefold(), column, stamp, truncated, missing, element)
            _remember(self._printed, key, found)
        return found

    def _draw_name(
        self,
        ctx: Any,
        attendee: Attendee,
        element: Element,
        palette: _Palette,
        issues: list[RowIssue],
        printed: set[str] | None = None,
    ) -> None:
        key = (id(element), palette.accent, attendee.first_name, attendee.last_name, attendee.full_name)
        found = self._names.get(key)
        if found is None or found[4] is not element:
            found = self._plan_name(attendee, element, palette)
            _remember(self._names, key, found)
        stamps, cut, column, missing, _ = found
        if ctx._pointer is None:
            for stamp in stamps:
                ctx.write_stamp(stamp)
        else:
            for stamp in stamps:
                stamp.draw(ctx)
        if cut:
            issues.append(_shortened(attendee, column, attendee.display_name))
        if missing:
            issues.append(unprintable(attendee.row, column, missing))

    def _plan_name(self, attendee: Attendee, element: Element, palette: _Palette) -> _PrintedName:
        """The stamps of a name (first name emphasised above the last, else the whole name on up to max_lines)."""
        x, y, w, h = self._box(element)
        first, last = attendee.first_name.strip(), attendee.last_name.strip()
        # Emphasis needs a known first name: never guess it by splitting a full name (order differs by culture).
        full = " ".join(attendee.full_name.split())
        split = bool(self.options.emphasize_first_name and element.emphasis and first and last)
        split = split and full in ("", f"{first} {last}")
        split = split and not is_east_asian(first + last)  # "王小明" is one unit, family name first
        cut = True
        if split:
            first_h = h * NAME_FIRST_SHARE
            last_el = self._last_name_element(element)
            stamps: tuple[Any, ...] = (
                self._text_stamp(first, element, palette, (x, y, w, first_h), max_lines=1, valign="bottom"),
                self._text_stamp(last, last_el, palette, (x, y + first_h, w, h - first_h), max_lines=1, valign="top"),
            )
            small = stamps[0].size < self.min_size(element) - 0.01 or stamps[1].size < self.min_size(last_el) - 0.01
            # else: the whole name on up to max_lines lines reads better than an ellipsis
            cut = stamps[0].truncated or stamps[1].truncated or small
        display = attendee.full_name or printed_name(attendee.first_name, attendee.last_name)  # display_name
        if cut:
            stamps = (self._text_stamp(display, element, palette, (x, y, w, h)),)
            cut = stamps[0].truncated
        column = "full_name" if attendee.full_name else "first_name"
        return stamps, cut, column, self._missing_in(display, element), element

    def _missing_in(self, value: str, element: Element) -> str:
        """Characters of `value` no bundled font has (they print as blank boxes): the warning's text, or ''."""
        family = element.family or self.options.font_family
        covered = self._covered.get(family)
        if covered is None:  # FontLibrary.missing's own first check, without a cache entry per distinct name
            covered = self._covered[family] = self._library.chain(family, "regular")[0].chars
        if covered.issuperset(value):
            return ""
        key = (value, family)
        missing = self._missing.get(key)
        if missing is None:
            missing = self.text.missing_glyphs(*key, library=self._library)
            _remember(self._missing, key, missing)
        return missing

    def _values(self, template: str) -> Callable[[Attendee], tuple[str, ...]]:
        """The attendee's values of the format's fields, as a tuple (made once per format)."""
        values = self._formats.get(template)
        if values is None:
            from badge_renderer.designs import format_fields

            fields = format_fields(template)
            if all(name in _TEXT_FIELDS for name in fields):  # plain attributes: one C call reads them all
                getter: Callable[[Attendee], Any] = operator.attrgetter(*fields)  # one field: a bare value
                values = self._formats[template] = getter if len(fields) > 1 else lambda a: (getter(a),)
            else:
                values = self._formats[template] = lambda a: tuple(a.get(name) for name in fields)
        return values

    def _filled(self, template: str, attendee: Attendee) -> tuple[str, str]:
        """fill_format, remembered per (format, the values of its fields): roles and organizations repeat."""
        key = (template, *self._values(template)(attendee))
        filled = self._filled_cache.get(key)
        if filled is None:
            filled = fill_format(template, attendee.get)
            _remember(self._filled_cache, key, filled)
        return filled

    def _last_name_element(self, element: Element) -> Element:
        """The name element's smaller, regular-weight variant for the last name (made once per element)."""
        cached = self._variants.get(id(element))
        if cached is None or cached[0] is not element:
            cached = self._variants[id(element)] = (
                element,
                _with(
                    element,
                    max_size=max(element.max_size * 0.5, min(self.min_size(element), BIG_NAME_PT)),
                    weight="regular",
                ),
            )
        return cached[1]

    def _draw_line(
        self,
        ctx: Any,
        value: str,
        element: Element,
        palette: _Palette,
        box: tuple[float, float, float, float],
        *,
        max_lines: int | None = None,
        valign: str | None = None,
    ) -> bool:
        """Fit and draw `value` in `box`; True when it had to be shortened."""
        fitted = self._fit(value, element, box[2], box[3], max_lines=max_lines)
        self._draw_fitted(ctx, fitted, element, palette, box, valign=valign)
        return bool(fitted.truncated)

    def _text_stamp(
        self,
        value: str,
        element: Element,
        palette: _Palette,
        box: tuple[float, float, float, float],
        *,
        max_lines: int | None = None,
        valign: str | None = None,
    ) -> Any:
        """The TextStamp of `value` fitted in `box` (with its fit's size and ellipsis), cached per value, element,
        box and colour: one dict lookup for a repeated first name, and the quick path (text/quick.py) for a new
        one-line Latin name instead of fit_text + make_stamp."""
        key = (value, id(element), id(palette), box, max_lines, valign)
        found = self._text_stamps.get(key)
        if found is not None and found[0] is element and found[1] is palette:  # they pin their ids while it lives
            return found[2]
        printed = upper_for_print(value) if element.uppercase else value
        lines = max_lines or element.max_lines
        smallest = self.min_size(element)
        if element.kind == "name":
            floor, gain = smallest, self.text.fitting.WRAP_GAIN
        else:
            floor, gain = min(max(smallest, WRAP_BELOW_PT), element.max_size), math.inf
        stamp = self.text.quick.quick_stamp(
            printed,
            self._library,
            element.family or self.options.font_family,
            element.weight,
            box,
            max_size=element.max_size,
            min_size=floor,
            max_lines=lines,
            wrap_gain=gain,
            color=palette.rgb(element.color),
            align=element.align,
            valign=valign or element.valign,
            line_height=LINE_HEIGHT,
            arrays=not self._writing,
        )
        if stamp is None:
            fitted = self._fit(value, element, box[2], box[3], max_lines=max_lines)
            stamp = self._stamp(fitted, element, palette, box, valign=valign)
        _remember(self._text_stamps, key, (element, palette, stamp))
        return stamp

    def _fit(self, value: str, element: Element, w: float, h: float, *, max_lines: int | None = None) -> Any:
        """FittedText for `value` in a w x h box, cached (names repeat: first names, organizations, roles)."""
        if element.uppercase:
            value = upper_for_print(value)
        family = element.family or self.options.font_family
        lines = max_lines or element.max_lines
        key = (value, family, element.weight, element.max_size, self.min_size(element), lines, w, h)
        fitted = self._fit_cache.get(key)
        if fitted is None:
            fitted = self._fit_uncached(value, element, family, lines, w, h)
            _remember(self._fit_cache, key, fitted)
        return fitted

    def _fit_uncached(self, value: str, element: Element, family: str, lines: int, w: float, h: float) -> Any:
        """Names grow onto more lines when that is clearly bigger; other text wraps only to stay at 7 pt or more
        (then, if even two lines cannot, one line down to the element's own min_size before any ellipsis)."""
        fit = self.text.fit_text
        args = {
            "box_width": w,
            "box_height": h,
            "family": family,
            "weight": element.weight,
            "max_lines": lines,
            "library": self._library,
        }
        smallest = self.min_size(element)
        if element.kind == "name":  # keywords spelled out: a fresh name comes here on every badge
            fitted = fit(
                value,
                box_width=w,
                box_height=h,
                family=family,
                weight=element.weight,
                max_lines=lines,
                library=self._library,
                max_size=element.max_size,
                min_size=smallest,
            )
            if fitted.truncated and element.min_size < smallest:  # the whole name, smaller, beats an ellipsis
                whole = fit(value, max_size=element.max_size, min_size=element.min_size, **args)
                fitted = fitted if whole.truncated else whole
            return fitted
        floor = min(max(smallest, WRAP_BELOW_PT), element.max_size)
        fitted = fit(value, max_size=element.max_size, min_size=floor, wrap_gain=math.inf, **args)
        if fitted.truncated and smallest < floor:
            single = fit(value, max_size=element.max_size, min_size=smallest, **{**args, "max_lines": 1})
            if not single.truncated:
                return single
        return fitted

    def _draw_fitted(
        self,
        ctx: Any,
        fitted: Any,
        element: Element,
        palette: _Palette,
        box: tuple[float, float, float, float],
        *,
        valign: str | None = None,
    ) -> None:
        self._stamp(fitted, element, palette, box, valign=valign).draw(ctx)

    def _stamp(
        self,
        fitted: Any,
        element: Element,
        palette: _Palette,
        box: tuple[float, float, float, float],
        *,
        valign: str | None = None,
    ) -> Any:
        """The TextStamp of `fitted` in `box` in the element's colour (cached per fitted text, box and colour)."""
        valign = valign or element.valign
        key = (id(fitted), box, palette.rgb(element.color), element.align, valign)
        cached = self._stamps.get(key)
        if cached is None or cached[0] is not fitted:  # the fitted object pins its id while the entry lives
            x, y, w, h = box
            stamp = self.text.stamps.make_stamp(fitted, x, y, w, h, color=key[2], align=element.align, valign=valign)
            cached = (fitted, stamp)
            _remember(self._stamps, key, cached)
        return cached[1]

    def expect_sheet(self, attendees: Sequence[Attendee], sides: Sequence[str], ctx: Any) -> None:
        """Encode the QR codes of the badges of one sheet, drawn next on `ctx`, into one image (see qr_sheet); the
        next call replaces it, an empty `attendees` drops it. Design documents draw each code on its own."""
        if self._qr_sheet is not None:
            self._qr_sheet.close()
        self._qr_sheet, self._qr_requests = None, {}
        if not attendees or self.document is not None:
            return
        elements = {
            id(e): e for side in sides for e in self.design.side_elements(side) if e.kind == "qr" and self._codes_in(e)
        }
        wanted_codes: list[tuple[str, int, float]] = []
        requests: dict[tuple[int, int], tuple[Attendee, tuple[str, str, float, int] | None]] = {}
        for attendee in attendees:
            for element in elements.values():
                request = self._qr_request(attendee, element)
                requests[id(attendee), id(element)] = (attendee, request)  # asked again when the badge is drawn
                if request is not None:
                    wanted_codes.append((request[0], request[3], request[2]))
        codes = self._codes_for(wanted_codes, msb=False)
        entries = [(key, *fitted) for key in wanted_codes if (fitted := codes[key]) is not None]
        if entries:
            self._qr_sheet = QrSheet(entries, ctx)
            self._qr_requests = requests

    def expect_codes(self, attendees: Sequence[Attendee], sides: Sequence[str]) -> None:
        """For the own PDF writer: the payloads and codes of the badges drawn next (whole sheets, on `sides`),
        encoded together (qr.fit_many: numpy's fixed cost per call shared by them); the next call replaces them. A
        code whose slot turns its box by other than a quarter (fewer pixels) is encoded when it is drawn."""
        self._sheet_codes = {}
        elements = {  # a back without elements of its own repeats the front's: each element once
            id(e): e for side in sides for e in self.design.side_elements(side) if e.kind == "qr" and self._codes_in(e)
        }
        members: list[tuple[tuple[int, int], Attendee, tuple[str, int, float]]] = []
        for element in elements.values():
            kind, field, _, wanted, pixels = self._qr_fixed(element)
            if kind is not None:
                members += [((id(a), id(element)), a, (qr_payload(a, field, kind), pixels, wanted)) for a in attendees]
        codes = self._codes_for([request for _, _, request in members if request[0]], msb=True)
        for key, attendee, request in members:
            self._sheet_codes[key] = (attendee, request[0], codes.get(request), request[1])

    def _codes_for(
        self, wanted: Sequence[tuple[str, int, float]], *, msb: bool
    ) -> dict[tuple[str, int, float], tuple[Any, int] | None]:
        """The code of each (payload, box pixels, minimum mm), encoded together per box (qr.fit_many), as
        expect_sheet and expect_codes use them; None where no code fits (see _qr_code)."""
        by_box: dict[tuple[int, float], dict[str, None]] = {}
        for payload, pixels, mm in wanted:
            by_box.setdefault((pixels, mm), {})[payload] = None
        found: dict[tuple[str, int, float], tuple[Any, int] | None] = {}
        for (pixels, mm), payloads in by_box.items():
            for payload, fitted in zip(payloads, fit_many(list(payloads), pixels, mm, msb=msb), strict=True):
                found[(payload, pixels, mm)] = fitted
        return found

    def draws_codes(self) -> bool:
        """Whether any badge of this job may get a QR code (a QR element with data to encode)."""
        return any(e.kind == "qr" and self._codes_in(e) for e in self.design.elements)

    def _codes_in(self, element: Element) -> bool:
        """False when the QR element prints no code for anyone in this job: no QR column, not a vCard."""
        return bool(element.qr_field or element.qr_vcard or self.options.qr_field or self.options.qr_kind == "vcard")

    def _qr_request(self, attendee: Attendee, element: Element) -> tuple[str, str, float, int] | None:
        """(payload, column, minimum size in mm, box side in whole 150 dpi pixels) of the attendee's code in
        `element`, or None when it has none. The pixels hold wherever the badge sits (one fewer than the box: a
        box that is not on the grid loses part of a pixel at each end), so a sheet's codes are chosen before they
        are placed."""
        kind, field, column, wanted, pixels = self._qr_fixed(element)
        if kind is None:
            return None
        payload = qr_payload(attendee, field, kind)
        return (payload, column, wanted, pixels) if payload else None

    def _draw_qr(self, ctx: Any, attendee: Attendee, element: Element) -> RowIssue | None:
        """Draw the attendee's code, or say why there is none (too much data to scan at this size)."""
        if ctx._pointer is None:  # a page of the own PDF writer
            return self._write_qr(ctx, attendee, element)
        known = self._qr_requests.get((id(attendee), id(element)))
        request = known[1] if known is not None and known[0] is attendee else self._qr_request(attendee, element)
        if request is None:
            return None
        payload, column, wanted, pixels = request
        window = grid_window(ctx, self._box(element))
        pixels = min(pixels, window.pixels)  # the same unless the box is turned by other than a quarter
        key = (payload, pixels, wanted)
        sheet = self._qr_sheet
        fitted = sheet.get(key, ctx) if sheet is not None else None
        if fitted is None:
            fitted = self._qr_code(payload, pixels, wanted)
            sheet = None
        if fitted is None:
            return _qr_too_long(attendee, column, payload)
        code, per_module = fitted
        x, y, side = window.square(code.size * per_module)
        # Modules stay black on a white square (quiet zone included) whatever the design's colours.
        if sheet is not None:
            sheet.draw(ctx, key, x, y, side, (0, 0, 0))
        else:
            draw_qr(ctx, code, x, y, side, (0, 0, 0))
        return self._small_qr(symbol_mm(code, side), wanted)

    def _write_qr(self, page: Any, attendee: Attendee, element: Element) -> RowIssue | None:
        """_draw_qr for a page of the own PDF writer (`write_qr`, in the image bit order): per badge only the
        payload, its code and two lookups. The request's fixed parts, the grid window and the square depend only on
        the element and the slot (a sheet's slots repeat); worked out per badge they cost ~35 K instructions."""
        slot = self._qr_slots.get((id(page.matrix), id(element)))
        if slot is None or slot.matrix is not page.matrix or slot.element is not element:
            slot = self._qr_slot(page.matrix, element, grid_window(page, self._box(element)))
        if slot.kind is None:
            return None
        known = self._sheet_codes.get((id(attendee), id(element)))
        if known is not None and known[0] is attendee and known[3] == slot.pixels:
            payload, fitted = known[1], known[2]
            if not payload:
                return None
        else:
            payload = qr_payload(attendee, slot.field, slot.kind)
            if not payload:
                return None
            fitted = self._qr_code(payload, slot.pixels, slot.wanted, msb=True)
        if fitted is None:
            return _qr_too_long(attendee, slot.column, payload)
        code, per_module = fitted
        placed = slot.squares.get((code.size, per_module))
        if placed is None:
            x, y, side = slot.window.square(code.size * per_module)
            placed = slot.squares[(code.size, per_module)] = (x, y, side, symbol_mm(code, side))
        page.write_qr(code, placed[0], placed[1], placed[2], on_top=slot.on_top)
        return self._small_qr(placed[3], slot.wanted)

    def _qr_slot(self, matrix: tuple[float, ...], element: Element, window: Any) -> _QrSlot:
        """What _write_qr keeps per (slot, element): _qr_request's fixed parts and the window."""
        kind, field, column, wanted, pixels = self._qr_fixed(element)
        slot = _QrSlot(
            matrix,
            element,
            kind,
            field,
            column,
            wanted,
            min(pixels, window.pixels),  # the same unless the box is turned by other than a quarter (_draw_qr)
            window,
            id(element) in self._codes_on_top,
            {},
        )
        if len(self._qr_slots) >= 1024:  # bounded: a few slots per sheet layout
            self._qr_slots.clear()
        self._qr_slots[(id(matrix), id(element))] = slot
        return slot

    def _qr_fixed(self, element: Element) -> tuple[str | None, str, str, float, int]:
        """(kind or None when the job prints no code, field, column, minimum symbol mm, box pixels) of a QR
        element: what _qr_request, _qr_slot and expect_codes need that does not depend on the attendee."""
        field, kind = self.options.qr_field, self.options.qr_kind
        if element.qr_field or element.qr_vcard:  # a design document's QR element names its own data
            field, kind = (None, "vcard") if element.qr_vcard else (element.qr_field, "text")
        _, _, w, h = self._box(element)
        return (
            None if not field and kind != "vcard" else kind,
            field or "",
            field or "email",
            MIN_VCARD_SYMBOL_MM if kind == "vcard" else MIN_SYMBOL_MM,
            max(0, math.floor(min(w, h) / GRID_PT + 1e-6) - 1),
        )

    def _small_qr(self, printed: float, wanted: float) -> RowIssue | None:
        """fit_qr reaches the minimum whenever the box holds it at some whole number of pixels per module; below
        it, every code of the job is small (the box decides, not the row): say so once."""
        if printed + 1e-6 < wanted and not self._small_qr_reported:
            self._small_qr_reported = True
            return RowIssue(
                None,
                "badge_size",
                f"QR codes print {printed:.1f} mm wide at this badge size, under the {wanted:g} mm that phones "
                "scan reliably; choose a larger badge size or the design's default size.",
            )
        return None

    def _qr_code(self, payload: str, pixels: int, wanted: float, *, msb: bool = False) -> tuple[Any, int] | None:
        """The payload's code for a square of `pixels` grid pixels, encoded once: a warm preview, a duplex back or a
        repeated value reuse it. None when no QR version holds it with modules of at least MIN_PIXELS. `msb`: for
        the own PDF writer (its image bit order), else cairo's."""
        key = (payload, pixels, wanted, msb)
        if key in self._qr_codes:
            return self._qr_codes[key]
        try:
            fitted = fit_qr(payload, pixels, wanted, msb=msb)
        except QrDataTooLong:
            fitted = None
        if len(self._qr_codes) < 256:
            self._qr_codes[key] = fitted
        return fitted

    def _closed_up(self, element: Element) -> tuple[float, float, float, float]:
        """The element's box, its top moved up over the `grows_into` elements above it that print nothing, but
        never above the bottom of one that prints (modern with an event name but no logo: up to the event name)."""
        x, y, w, h = element.box.scaled(self.width, self.height)
        above = [e for e in self.design.elements if e.kind in element.grows_into and e.box.y < element.box.y]
        absent = [e.box.y for e in above if _absent(self, e.kind)]
        if not absent:
            return x, y, w, h
        present = [e.box.y + e.box.h + CLOSE_UP_GAP for e in above if not _absent(self, e.kind)]
        top = max([min(absent), *present]) * self.height
        return x, min(y, top), w, h + max(0.0, y - top)

    def min_size(self, element: Element) -> float:
        """The smallest size this element may print at on this badge: its min_size, 18 pt for names on big badges.
        Worked out once per element (a fresh name asks four times)."""
        found = self._min_sizes.get(id(element))
        if found is None or found[0] is not element:  # the element pins its id while the entry lives
            size = element.min_size
            if element.kind == "name" and self.width >= BIG_NAME_FROM_WIDTH - 1e-6:
                size = max(element.min_size, min(BIG_NAME_PT, element.max_size))
            found = self._min_sizes[id(element)] = (element, size)
        return found[1]

    def fitted(self, value: str, element: Element) -> Any:
        """`value` fitted in the element's box as it would print (for job-level checks)."""
        box = self._box(element)
        return self._fit(value, element, box[2], box[3])

    def box(self, element: Element) -> tuple[float, float, float, float]:
        """The element's box in points as text is fitted into it (see _box)."""
        return self._box(element)

    def _box(self, element: Element) -> tuple[float, float, float, float]:
        """The element's box in points, clipped to the safe area (text never reaches the trim edge) and, for text,
        at least one line of min_size tall (grown about its centre, kept in the safe area): a band squeezed by the
        safe area must not print its text as a speck. Computed once per element."""
        cached = self._boxes.get(id(element))
        if cached is None or cached[0] is not element:  # the element pins its id while the entry lives
            cached = self._boxes[id(element)] = (element, self._safe_box(element))
        return cached[1]

    def _safe_box(self, element: Element) -> tuple[float, float, float, float]:
        x, y, w, h = self._closed_up(element)
        if element.kind not in ("name", "text", "event_name", "qr"):  # logo, photo, images and shapes: as placed
            return x, y, w, h
        left, top, right, bottom = self._safe
        x0, y0 = max(x, left), max(y, top)
        x1, y1 = min(x + w, right), min(y + h, bottom)
        w, h = max(1.0, x1 - x0), max(1.0, y1 - y0)
        need = self.min_size(element) * LINE_HEIGHT
        if element.kind in TEXT_KINDS and h < need:
            grown = min(need, bottom - top)
            y0 = min(max(y0 - (grown - h) / 2, top), bottom - grown)
            h = grown
        if element.style == "italic":  # slanted about the bottom edge: its top leans SLANT x h to the right
            w = max(1.0, w - SLANT * h)
        return x0, y0, w, h


_PAINTERS: dict[str, Callable[..., None]] = {
    "name": BadgeComposer._draw_name,
    "text": BadgeComposer._draw_text,
    "qr": BadgeComposer._draw_qr_element,
}


@functools.cache
def _cairo_lib() -> Any:
    import cairocffi

    return cairocffi.cairo


@functools.cache
def _calls() -> tuple[Any, ...]:
    """libcairo's save, restore, translate, rotate, set_source_surface and paint as bound functions: reading one
    from cffi's library object runs a Python attribute hook (~330 instructions) on every access."""
    lib = _cairo_lib()
    return (
        lib.cairo_save,
        lib.cairo_restore,
        lib.cairo_translate,
        lib.cairo_rotate,
        lib.cairo_set_source_surface,
        lib.cairo_paint,
    )


def _absent(composer: BadgeComposer, kind: str) -> bool:
    """True when an element of this kind prints nothing in this job (no logo image, no event name)."""
    return composer.logo is None if kind == "logo" else not composer.options.event_name


def _safe_insets(design: BadgeDesign, width: float, height: float) -> tuple[float, float]:
    """The design's safe area on a badge of this size, across and down: all of it at the design's size or larger
    (cutting tolerance does not grow with the badge), proportionally less where the badge is smaller, as every
    element box scales. A fixed 5 mm inset on a 54 x 70 mm label printer label squeezed a bottom band's text to 4 pt.
    """
    from badge_renderer.errors import BadgeForgeError
    from badge_renderer.render_support import layout_module

    inset = design.safe_area_mm * MM
    try:
        drawn_for = layout_module().parse_badge_size(design.default_badge_size)
    except BadgeForgeError:  # a design's size is checked when it is loaded; never fail a render over the inset
        return inset, inset
    return inset * min(1.0, width / drawn_for.width), inset * min(1.0, height / drawn_for.height)


def _paint_with_bleed(ctx: Any, artwork: Any, w: float, h: float, bleed: float) -> None:
    """Paint the design artwork inside the trim, and into the bleed as its mirror image across each edge.

    Mirroring continues every band, bar and background shape that touches an edge with no design changes; only the
    outer `bleed` of the artwork is mirrored, which designs keep free of text (their safe area is at least 3 mm).
    """
    for mx in (0,) if not bleed else (-1, 0, 1):
        for my in (0,) if not bleed else (-1, 0, 1):
            x0, x1 = ((-bleed, 0.0), (0.0, w), (w, w + bleed))[mx + 1]
            y0, y1 = ((-bleed, 0.0), (0.0, h), (h, h + bleed))[my + 1]
            ctx.save()
            ctx.rectangle(x0, y0, x1 - x0, y1 - y0)
            ctx.clip()
            # Mirror across x = 0 (mx = -1) or x = w (mx = 1); likewise for y.
            ctx.translate(0 if mx <= 0 else 2 * w, 0 if my <= 0 else 2 * h)
            ctx.scale(-1 if mx else 1, -1 if my else 1)
            ctx.set_source_surface(artwork, 0, 0)
            ctx.paint()
            ctx.restore()


def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any) -> None:
    """Keep `value`, dropping the oldest entry when full: a duplex back, drawn a page after its front, still
    finds its text here after 50,000 distinct names (a cache that stopped filling missed every one).
    An OrderedDict, because `del d[next(iter(d))]` on a plain dict scans the holes earlier deletes left at its
    front (4x slower per call; ~4 % of a 100,000-badge run's samples)."""
    if len(cache) >= STAMP_CACHE:
        cache.popitem(last=False)
    cache[key] = value


def _paint_image(ctx: Any, image: PreparedImage, x: float, y: float, w: float, h: float, *, cover: bool) -> None:
    """Paint the shared cairo surface scaled into the box (cover: fill and crop; else fit and centre)."""
    surface = cairo_surface(image)
    scale = (max if cover else min)(w / image.width, h / image.height)
    dw, dh = image.width * scale, image.height * scale
    ctx.save()
    ctx.rectangle(x, y, w, h)
    ctx.clip()
    ctx.translate(x + (w - dw) / 2, y + (h - dh) / 2)
    ctx.scale(scale, scale)
    ctx.set_source_surface(surface, 0, 0)
    ctx.paint()
    ctx.restore()


def _lookup(mapping: Any, key: str) -> str | None:
    wanted = key.strip().lower()
    return next((v for k, v in mapping.items() if k.strip().lower() == wanted), None) if wanted else None


def _format(template: str, attendee: Attendee) -> str:
    """Fill "{field}" / "{field|fallback}" placeholders from the attendee (no Jinja, no attribute access)."""
    return fill_format(template, attendee.get)[0]


def _first_field(template: str) -> str:
    from badge_renderer.designs import format_fields

    fields = format_fields(template)
    return fields[0] if fields else "text"


def unprintable(row: int | None, column: str, missing: str) -> RowIssue:
    """The warning for characters that no bundled font can draw."""
    return RowIssue(row, column, f"No bundled font can print {missing!r}; it shows as a blank box")


@dataclass(frozen=True)
class _QrSlot:
    """A QR element in one badge slot of the own writer's pages (BadgeComposer._write_qr)."""

    matrix: tuple[float, ...]  # the slot's transform; kept, so its id stays its own while the entry lives
    element: Element
    kind: str | None  # None: no code in this job
    field: str
    column: str  # the column a warning names
    wanted: float  # the smallest symbol, mm
    pixels: int  # the square's side in whole 150 dpi pixels
    window: Any  # qr.GridWindow
    on_top: bool  # nothing later on the badge overlaps it (DirectPage.write_qr)
    squares: dict[tuple[int, int], tuple[float, float, float, float]]  # (size, px a module) -> x, y, side, mm


def _qr_too_long(attendee: Attendee, column: str, payload: str) -> RowIssue:
    return RowIssue(
        attendee.row,
        column,
        f"The QR code would hold too much text to scan at this badge size ({len(payload)} characters); "
        "it was left out. Shorten the fields it encodes or choose a larger badge size.",
    )


def _shortened(attendee: Attendee, column: str, value: str) -> RowIssue:
    return RowIssue(attendee.row, column, f"'{value}' was shortened to fit the badge")


def _with(element: Element, **changes: Any) -> Element:
    from dataclasses import replace

    return replace(element, **changes)
