"""Drawing what a design document adds with cairo: side backgrounds, shapes, its own images, placed elements.

Shapes are drawn directly (no SVG round trip): a bundled design's static.svg.j2 rectangles, circles and triangles
become rect / ellipse / polygon elements that print the same pixels.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from badge_renderer.design_document.model import DocumentParts
from badge_renderer.designs import SLANT, Element
from badge_renderer.images import PreparedImage, cairo_surface

Rgb = Callable[[str], tuple[float, float, float]]
Rect = tuple[float, float, float, float]
MM = 72 / 25.4


@contextmanager
def placed(ctx: Any, element: Element, box: Rect) -> Iterator[None]:
    """Turn the context about the box centre by the element's rotation and, for italic text, slant it about the
    box's bottom edge (the text was fitted SLANT x height narrower, so the slant keeps it inside its box)."""
    if not element.rotation and element.style != "italic":
        yield
        return
    import cairocffi as cairo

    x, y, w, h = box
    ctx.save()
    if element.rotation:
        ctx.translate(x + w / 2, y + h / 2)
        ctx.rotate(math.radians(element.rotation))
        ctx.translate(-(x + w / 2), -(y + h / 2))
    if element.style == "italic":
        ctx.transform(cairo.Matrix(1, 0, -SLANT, 1, SLANT * (y + h), 0))
    try:
        yield
    finally:
        ctx.restore()


def draw_background(
    ctx: Any,
    parts: DocumentParts,
    side: str,
    ticket_type: str,
    rgb: Rgb,
    size: tuple[float, float, float],
    job_background: PreparedImage | None,
    prepared: Callable[[str, tuple[float, float], bool], PreparedImage],
) -> None:
    """Colour, the document's image, the job's uploaded background image, then the SVG artwork, across the bleed."""
    from badge_renderer.design_document.svg_safety import render_svg_asset

    w, h, b = size
    background = parts.background(side, ticket_type)
    ctx.set_source_rgb(*rgb(background.color))
    ctx.paint()
    for image in (
        prepared(background.image, (w + 2 * b, h + 2 * b), True) if background.image else None,
        job_background,
    ):
        if image is not None:
            paint_image(ctx, image, (-b, -b, w + 2 * b, h + 2 * b), cover=True)
    if background.svg:
        ctx.save()
        ctx.set_source_surface(render_svg_asset(parts.assets[background.svg].data, w, h), 0, 0)
        ctx.paint()
        ctx.restore()


def draw_shape(ctx: Any, element: Element, box: Rect, rgb: Rgb, scale: float) -> None:
    """A rect, ellipse, line or polygon in its box; stroke widths and radii (mm) scale with the badge."""
    x, y, w, h = box
    ctx.save()
    ctx.new_path()
    if element.kind == "rect":
        _rect_path(ctx, x, y, w, h, min(element.radius_mm * MM * scale, w / 2, h / 2))
    elif element.kind == "ellipse":
        ctx.save()
        ctx.translate(x + w / 2, y + h / 2)
        ctx.scale(w / 2, h / 2)
        ctx.arc(0, 0, 1, 0, 2 * math.pi)
        ctx.restore()
        ctx.close_path()
    elif element.kind == "line":
        ctx.move_to(x, y)
        ctx.line_to(x + w, y + h)
    else:
        for index, (px, py) in enumerate(element.points):
            (ctx.move_to if index == 0 else ctx.line_to)(x + px * w, y + py * h)
        ctx.close_path()
    if element.fill:
        ctx.set_source_rgba(*rgb(element.fill), element.opacity)
        ctx.fill_preserve()
    if element.stroke and element.stroke_width_mm > 0:
        ctx.set_source_rgba(*rgb(element.stroke), element.opacity)
        ctx.set_line_width(element.stroke_width_mm * MM * scale)
        ctx.stroke()
    ctx.new_path()
    ctx.restore()


def _rect_path(ctx: Any, x: float, y: float, w: float, h: float, r: float) -> None:
    if r <= 0:
        ctx.rectangle(x, y, w, h)
        return
    # Arcs as SVG draws rx=ry: quarter circles at each corner.
    ctx.move_to(x + r, y)
    ctx.arc(x + w - r, y + r, r, -math.pi / 2, 0)
    ctx.arc(x + w - r, y + h - r, r, 0, math.pi / 2)
    ctx.arc(x + r, y + h - r, r, math.pi / 2, math.pi)
    ctx.arc(x + r, y + r, r, math.pi, 3 * math.pi / 2)
    ctx.close_path()


def paint_image(
    ctx: Any,
    image: PreparedImage,
    box: Rect,
    *,
    cover: bool,
    focus: tuple[float, float] = (0.5, 0.5),
    opacity: float = 1.0,
) -> None:
    """The image scaled into the box: cover (fill, crop keeping `focus` in view) or contain (fit, centred)."""
    x, y, w, h = box
    scale = (max if cover else min)(w / image.width, h / image.height)
    dw, dh = image.width * scale, image.height * scale
    ctx.save()
    ctx.rectangle(x, y, w, h)
    ctx.clip()
    # The focus point (fractions of the image) sits as near the box centre as cropping allows.
    left = min(0.0, max(w - dw, w / 2 - focus[0] * dw)) if cover else (w - dw) / 2
    top = min(0.0, max(h - dh, h / 2 - focus[1] * dh)) if cover else (h - dh) / 2
    ctx.translate(x + left, y + top)
    ctx.scale(scale, scale)
    ctx.set_source_surface(cairo_surface(image), 0, 0)
    ctx.paint_with_alpha(opacity) if opacity < 1 else ctx.paint()
    ctx.restore()


def draw_photo_placeholder(ctx: Any, box: Rect, rgb: Rgb) -> None:
    """A neutral head-and-shoulders outline where a photo is missing, so the badge still looks finished."""
    x, y, w, h = box
    ctx.save()
    ctx.rectangle(x, y, w, h)
    ctx.clip()
    ctx.set_source_rgb(0.86, 0.87, 0.89)
    ctx.paint()
    ctx.set_source_rgb(0.70, 0.72, 0.75)
    side = min(w, h)
    ctx.arc(x + w / 2, y + h * 0.40, side * 0.2, 0, 2 * math.pi)
    ctx.fill()
    ctx.save()
    ctx.translate(x + w / 2, y + h * 0.40 + side * 0.55)
    ctx.scale(side * 0.38, side * 0.3)
    ctx.arc(0, 0, 1, math.pi, 2 * math.pi)
    ctx.restore()
    ctx.fill()
    ctx.restore()
