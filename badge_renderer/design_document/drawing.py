"""The adapter between a design document and BadgeComposer: what goes into the static layer, what is per badge.

Everything that is the same for a ticket group (background, shapes, images, logo, event name) is recorded once into
the composer's static layer; an element with a condition on an attendee's column, and photos, are drawn per badge
above that layer. Name, text and QR elements are left to the composer (its fitting and caches), turned and slanted
by `artwork.placed`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from badge_renderer.design_document.artwork import (
    draw_background,
    draw_photo_placeholder,
    draw_shape,
    paint_image,
    placed,
)
from badge_renderer.design_document.model import DocumentParts
from badge_renderer.designs import Element
from badge_renderer.errors import BadgeForgeError
from badge_renderer.images import PreparedImage, prepare_image
from badge_renderer.model import Attendee, RowIssue

if TYPE_CHECKING:
    from badge_renderer.compose import BadgeComposer, _Palette

SHAPES = ("rect", "ellipse", "line", "polygon")
STATIC_KINDS = (*SHAPES, "image", "logo", "event_name")
PER_BADGE_KINDS = ("name", "text", "qr")
PHOTO_CACHE = 512  # prepared photos kept per composer: a duplex back a page later finds its front's photo


def element_visible(parts: DocumentParts, element: Element, ticket_type: str) -> bool:
    """Whether the ticket type's override (or, without one, the element itself) shows the element."""
    override = parts.override_for(ticket_type)
    if override is None:
        return not element.hidden
    return element.id in override.show if element.hidden else element.id not in override.hide


def photo_problem(archive: Any, name: str) -> str | None:
    """Why the photo a cell names cannot be found before it is read (None: the ZIP has it): the start of the row
    warning the job records, so the dry run and the job say the same."""
    if not name:
        return "has no photo file name"
    if archive is None:
        return f"'{name}' cannot be found: no photo ZIP was uploaded with the attendee file"
    return None if archive.has(name) else f"'{name}' is not in the photo ZIP"


class DocumentDrawing:
    """Draws one composer's design document: created by BadgeComposer when its design is a document."""

    def __init__(self, composer: BadgeComposer) -> None:
        self.composer = composer
        parts = composer.design.document
        assert isinstance(parts, DocumentParts)
        self.parts = parts
        mm = 72 / 25.4
        # stroke widths and corner radii follow the badge as boxes do (a document drawn at another size)
        self.scale = min(composer.width / (parts.size_mm[0] * mm), composer.height / (parts.size_mm[1] * mm))
        self._images: dict[tuple[str, tuple[float, float], bool], PreparedImage] = {}
        self._photos: dict[tuple[str, tuple[float, float]], PreparedImage | str] = {}
        self._per_badge_cache: dict[tuple[str, str], tuple[Element, ...]] = {}
        self._per_attendee = {
            id(e): any(c.per_attendee for c in e.when)
            for e in (*composer.design.elements, *composer.design.back_elements)
        }

    # ---- ticket groups -----------------------------------------------------------------------------------
    def colors(self, ticket_type: str) -> Mapping[str, str]:
        override = self.parts.override_for(ticket_type)
        base = self.composer.design.colors
        return {**base, **override.colors} if override and override.colors else base

    def group(self, ticket_type: str) -> str:
        """The static layer's key part: ticket types with their own override get their own layer."""
        key = ticket_type.strip().casefold()
        return key if key and key in self.parts.overrides else ""

    def visible(self, element: Element, ticket_type: str) -> bool:
        return element_visible(self.parts, element, ticket_type)

    def job_has(self, kind: str) -> bool:
        if kind == "logo":
            return self.composer.logo is not None
        return bool(self.composer.options.event_name)

    def _holds(self, element: Element, attendee: Attendee | None) -> bool:
        def value_of(column: str) -> str:
            return attendee.get(column) if attendee is not None else ""

        return all(c.holds(value_of, self.job_has) for c in element.when)

    # ---- static layer ------------------------------------------------------------------------------------
    def record_static(self, ctx: Any, palette: _Palette, ticket_type: str, side: str) -> None:
        c = self.composer
        size = (c.width, c.height, c.bleed)
        draw_background(ctx, self.parts, side, ticket_type, palette.rgb, size, c.background, self._prepared_asset)
        for element in c.design.side_elements(side):
            if element.kind not in STATIC_KINDS or self._per_attendee[id(element)]:
                continue
            if self.visible(element, ticket_type) and self._holds(element, None):
                self._draw_static(ctx, element, palette)

    def _draw_static(self, ctx: Any, element: Element, palette: _Palette) -> None:
        c = self.composer
        box = c.box(element)
        with placed(ctx, element, box):
            if element.kind in SHAPES:
                draw_shape(ctx, element, box, palette.rgb, self.scale)
            elif element.kind == "logo" and c.logo is not None:
                paint_image(ctx, c.logo, box, cover=False, opacity=element.opacity)
            elif element.kind == "image" and element.asset:
                image = self._prepared_asset(element.asset, box[2:], False)
                paint_image(ctx, image, box, cover=False, opacity=element.opacity)
            elif element.kind == "event_name" and c.options.event_name:
                c._draw_line(ctx, c.options.event_name, element, palette, box)

    def _prepared_asset(self, asset: str, box: tuple[float, float], cover: bool) -> PreparedImage:
        key = (asset, box, cover)
        image = self._images.get(key)
        if image is None:
            data = self.parts.assets[asset].data
            label = f"design image '{asset}'"
            image = self._images[key] = prepare_image(
                data, box_width_pt=box[0], box_height_pt=box[1], label=label, cover=cover
            )
        return image

    # ---- per badge ---------------------------------------------------------------------------------------
    def draw_per_badge(
        self,
        ctx: Any,
        attendee: Attendee,
        side: str,
        palette: _Palette,
        issues: list[RowIssue],
        printed: set[str],
    ) -> None:
        """What differs per attendee, in document order: name, text and QR through the composer, photos and
        elements with a column condition here. The list is worked out once per (side, ticket type)."""
        c = self.composer
        for element in self._per_badge(side, attendee.ticket_type):
            if element.when and not self._holds(element, attendee):
                continue
            if element.kind in PER_BADGE_KINDS:
                if element.rotation or element.style == "italic":
                    with placed(ctx, element, c.box(element)):
                        c._draw_element(ctx, attendee, element, palette, issues, printed)
                else:
                    c._draw_element(ctx, attendee, element, palette, issues, printed)
            elif element.kind == "photo":
                self._draw_photo(ctx, attendee, element, palette, issues)
            else:
                self._draw_static(ctx, element, palette)

    def _per_badge(self, side: str, ticket_type: str) -> tuple[Element, ...]:
        key = (side, self.group(ticket_type))
        found = self._per_badge_cache.get(key)
        if found is None:
            found = self._per_badge_cache[key] = tuple(
                e
                for e in self.composer.design.side_elements(side)
                if (e.kind not in STATIC_KINDS or self._per_attendee[id(e)]) and self.visible(e, ticket_type)
            )
        return found

    def _draw_photo(
        self, ctx: Any, attendee: Attendee, element: Element, palette: _Palette, issues: list[RowIssue]
    ) -> None:
        box = self.composer.box(element)
        column = element.column or "photo"
        name = attendee.get(column).strip()
        photo = self._photo(name, box[2:]) if name else photo_problem(None, "")
        with placed(ctx, element, box):
            if isinstance(photo, PreparedImage):
                paint_image(ctx, photo, box, cover=True, focus=element.focus, opacity=element.opacity)
                return
            draw_photo_placeholder(ctx, box, palette.rgb)
        issues.append(RowIssue(attendee.row, column, f"The photo {photo}; a placeholder was printed"))

    def _photo(self, name: str, box: tuple[float, float]) -> PreparedImage | str:
        """The attendee's photo cropped to cover the box at 300 dpi, or why there is none (cached either way)."""
        key = (name, box)
        found = self._photos.get(key)
        if found is not None:
            return found
        archive = self.composer.options.photos
        missing = photo_problem(archive, name)
        if missing is not None:
            result: PreparedImage | str = missing
        else:
            try:
                data = archive.read(name)
                result = (
                    prepare_image(data, box_width_pt=box[0], box_height_pt=box[1], label=f"photo '{name}'", cover=True)
                    if data is not None
                    else f"'{name}' is not in the photo ZIP"
                )
            except BadgeForgeError as err:
                result = f"'{name}' cannot be used ({err.message})"
        if len(self._photos) >= PHOTO_CACHE:
            del self._photos[next(iter(self._photos))]
        self._photos[key] = result
        return result
