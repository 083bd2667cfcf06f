"""The bundled designs' artwork drawn without cairosvg: a strict parser and drawer for the tiny SVG subset they use.

Why: a parallel render's parent draws its static layers after the fork, so every import it does there is on the
critical path. cairosvg pulls urllib.request, http.client, email, cssselect2, tinycss2 ... (~55 ms of CPU) to draw
at most a handful of rectangles, circles and triangles. This module draws exactly those with the cairocffi calls
cairosvg makes for them (same path, same colours, same order), so the recording replays to the same pixels.

The subset (anything else, or a parse problem, returns None and the caller uses cairosvg exactly as before):
- the root `<svg>` with only xmlns (the SVG namespace), width, height (plain numbers) and viewBox "0 0 width height";
- `<title>` (text only; not drawn);
- `<rect x y width height rx ry>`, `<circle cx cy r>`, `<polygon points>`, each with fill, fill-opacity, opacity,
  stroke, stroke-width; colours #rrggbb, #rgb, white, black or none; plain numbers only (no unit, no percentage);
- no nesting below the root, no text outside the title, and no "<!" or "<?" anywhere (no DOCTYPE, entity, comment,
  CDATA or processing instruction reaches the parser).

cairosvg's semantics kept: the root clips to (0, 0, width, height); a missing fill is black; `opacity` on a shape
without children multiplies the fill and stroke alpha (no group); rx alone implies ry = rx and both are clamped to
half the width/height (a zero radius draws a plain rectangle); stroke-width defaults to 1 and the miter limit is 4;
a zero width, height or radius draws nothing.

The parser is pyexpat directly: 0.85 ms to import against 3.5 ms for xml.etree.ElementTree on this machine.
Measured (2-core dev machine): -X importtime of the imports done by drawing one classic layer (cairocffi already
loaded): 81 ms with cairosvg and jinja2 (cairosvg.parser 57, jinja2 24); 30 ms with this module (jinja2 27, this
module 0.6, pyexpat 0.6); 2.5 ms with template_subset too (template_subset 1.0, this module 0.5, pyexpat 0.5).
bench/render_timeline.py --instructions --badges 2000, the parent's instructions after the fork: 545 M, 457 M,
357 M (its "first sheet drawn" step, which records the static layer: 232 M, 149 M, 48 M); before the fork and in
the worker unchanged (1014 M; 516 M).
"""

from __future__ import annotations

import math
import re
from typing import Any

from badge_renderer.designs import hex_to_rgb

_SVG_NS = "http://www.w3.org/2000/svg"
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_HEX = re.compile(r"#(?:[0-9a-f]{3}|[0-9a-f]{6})")
_NAMED = {"white": (1.0, 1.0, 1.0), "black": (0.0, 0.0, 0.0)}
_PAINT = frozenset(("fill", "fill-opacity", "opacity", "stroke", "stroke-width"))
_GEOMETRY = {
    "rect": frozenset(("x", "y", "width", "height", "rx", "ry")),
    "circle": frozenset(("cx", "cy", "r")),
    "polygon": frozenset(("points",)),
}
_ROOT = frozenset(("xmlns", "width", "height", "viewBox"))
# cairosvg's rounded rectangle: each quarter arc as one cubic Bezier (the Cairo cookbook's constant).
_ARC_TO_BEZIER = 4 * (2**0.5 - 1) / 3

Rgba = tuple[float, float, float, float]


class Unsupported(Exception):
    """The SVG uses something outside the subset: the caller falls back to cairosvg."""


class Shape:
    """One element of the subset, resolved: its tag, its numbers, and the paints cairosvg would set.
    (Plain classes, not dataclasses: two @dataclass decorators cost ~1.5 ms at import, on the parent's path.)"""

    __slots__ = ("attrs", "fill", "stroke", "stroke_width", "tag")

    def __init__(self, tag: str, attrs: dict[str, str], fill: Rgba | None, stroke: Rgba | None, width: float) -> None:
        self.tag, self.attrs, self.fill, self.stroke, self.stroke_width = tag, attrs, fill, stroke, width


class Artwork:
    """The parsed SVG: its size (points, one user unit = one point) and its shapes in document order."""

    __slots__ = ("height", "shapes", "width")

    def __init__(self, width: float, height: float, shapes: tuple[Shape, ...]) -> None:
        self.width, self.height, self.shapes = width, height, shapes


def draw_subset(source: str) -> Any | None:
    """A cairo RecordingSurface with `source` drawn as cairosvg would, or None when it is outside the subset."""
    try:
        artwork = parse(source)
    except Unsupported:
        return None
    return draw(artwork)


def parse(source: str) -> Artwork:
    """The subset's shapes of `source`; Unsupported for anything else (unknown element or attribute, units...)."""
    if "<!" in source or "<?" in source:
        raise Unsupported("DOCTYPE, comment, CDATA or processing instruction")
    from xml.parsers import expat

    collector = _Collector()
    parser = expat.ParserCreate()
    parser.StartElementHandler = collector.start
    parser.EndElementHandler = collector.end
    parser.CharacterDataHandler = collector.text
    try:
        parser.Parse(source, True)
    except expat.ExpatError as err:
        raise Unsupported(f"not well-formed: {err}") from err
    if collector.root is None:  # expat reports a document without an element; kept for the type checker
        raise Unsupported("empty root")
    width, height = collector.root
    return Artwork(width, height, tuple(collector.shapes))


class _Collector:
    """expat callbacks: checks every element, attribute and text run against the subset as it arrives."""

    def __init__(self) -> None:
        self.root: tuple[float, float] | None = None
        self.shapes: list[Shape] = []
        self.stack: list[str] = []

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if not self.stack:
            self.root = _root(tag, attrs)
        elif len(self.stack) > 1:
            raise Unsupported(f"<{tag}> nested in <{self.stack[-1]}>")
        elif tag == "title":
            if attrs:
                raise Unsupported("attributes on <title>")
        else:
            self.shapes.append(_shape(tag, attrs))
        self.stack.append(tag)

    def end(self, tag: str) -> None:
        self.stack.pop()

    def text(self, data: str) -> None:
        if self.stack[-1:] != ["title"] and data.strip():
            raise Unsupported("text outside <title>")


def _root(tag: str, attrs: dict[str, str]) -> tuple[float, float]:
    if tag != "svg" or not _ROOT.issuperset(attrs) or attrs.get("xmlns", _SVG_NS) != _SVG_NS:
        raise Unsupported("root is not a plain <svg>")
    width, height = _number(attrs, "width"), _number(attrs, "height")
    box = attrs.get("viewBox", "").split(" ")
    if len(box) != 4 or [_plain(v) for v in box] != [0.0, 0.0, width, height]:
        raise Unsupported("viewBox other than 0 0 width height")
    if width <= 0 or height <= 0:
        raise Unsupported("empty root")
    return width, height


def _shape(tag: str, attrs: dict[str, str]) -> Shape:
    geometry = _GEOMETRY.get(tag)
    if geometry is None:
        raise Unsupported(f"element <{tag}>")
    unknown = set(attrs) - geometry - _PAINT
    if unknown:
        raise Unsupported(f"attributes {sorted(unknown)} on <{tag}>")
    for name in (geometry | {"stroke-width"}) & set(attrs):
        if name == "points":
            _points(attrs[name])
        elif _number(attrs, name) < 0 and name not in ("x", "y", "cx", "cy"):
            raise Unsupported(f"negative {name}")
    opacity = _unit(attrs, "opacity")
    fill = _color(attrs.get("fill", "black"), opacity * _unit(attrs, "fill-opacity"))
    stroke = _color(attrs["stroke"], opacity) if "stroke" in attrs else None
    stroke_width = _number(attrs, "stroke-width") if "stroke-width" in attrs else 1.0
    return Shape(tag, attrs, fill, stroke, stroke_width)


def _plain(text: str) -> float:
    if not _NUMBER.fullmatch(text):
        raise Unsupported(f"not a plain number: {text!r}")
    return float(text)


def _number(attrs: dict[str, str], name: str) -> float:
    """An attribute as a plain number; absent means 0 (cairosvg's size() of None)."""
    return _plain(attrs[name]) if name in attrs else 0.0


def _unit(attrs: dict[str, str], name: str) -> float:
    value = _plain(attrs[name]) if name in attrs else 1.0
    if not 0 <= value <= 1:
        raise Unsupported(f"{name} outside 0..1")
    return value


def _color(value: str, alpha: float) -> Rgba | None:
    """cairosvg's colour for the forms the designs use (None for "none": nothing is painted)."""
    value = value.lower()
    if value == "none":
        return None
    if value in _NAMED:
        return (*_NAMED[value], alpha)
    if not _HEX.fullmatch(value):
        raise Unsupported(f"colour {value!r}")
    return (*hex_to_rgb(value), alpha)  # "#rgb" doubled: a / 15 == 17 a / 255, the same double


def _points(text: str) -> list[tuple[float, float]]:
    """ "x,y x,y ..." (commas or spaces); an odd count or fewer than two points is outside the subset."""
    values = [_plain(v) for v in re.split(r"[ ,]+", text.strip())]
    if len(values) % 2 or len(values) < 4:
        raise Unsupported("points")
    return list(zip(values[::2], values[1::2], strict=True))


def draw(artwork: Artwork) -> Any:
    """Record the shapes as cairosvg's Surface does: clip to the root box, then fill and stroke each shape."""
    import cairocffi as cairo

    surface = cairo.RecordingSurface(cairo.CONTENT_COLOR_ALPHA, (0, 0, artwork.width, artwork.height))
    ctx = cairo.Context(surface)
    ctx.rectangle(0, 0, artwork.width, artwork.height)
    ctx.clip()
    ctx.set_miter_limit(4)
    for shape in artwork.shapes:
        if not _path(ctx, shape):
            continue
        if shape.fill is not None:
            ctx.set_source_rgba(*shape.fill)
            ctx.fill_preserve()
        if shape.stroke is not None and shape.stroke_width > 0:
            ctx.set_line_width(shape.stroke_width)
            ctx.set_source_rgba(*shape.stroke)
            ctx.stroke()
        ctx.new_path()
    return surface


def _path(ctx: Any, shape: Shape) -> bool:
    """The shape's path on `ctx`; False when cairosvg draws nothing for it (a zero width, height or radius)."""
    a = shape.attrs
    if shape.tag == "polygon":
        (x0, y0), *rest = _points(a["points"])
        ctx.move_to(x0, y0)
        for x, y in rest:
            ctx.line_to(x, y)
        ctx.close_path()
        return True
    if shape.tag == "circle":
        r = _number(a, "r")
        if r == 0:
            return False
        ctx.new_sub_path()
        ctx.arc(_number(a, "cx"), _number(a, "cy"), r, 0, 2 * math.pi)
        ctx.close_path()
        return True
    width, height = _number(a, "width"), _number(a, "height")
    if width == 0 or height == 0:
        return False
    _rect(ctx, _number(a, "x"), _number(a, "y"), width, height, _radii(a))
    return True


def _radii(a: dict[str, str]) -> tuple[float, float]:
    """SVG's rx/ry: one alone stands for both."""
    rx, ry = a.get("rx"), a.get("ry")
    rx, ry = rx if rx is not None else ry, ry if ry is not None else rx
    return (_plain(rx) if rx else 0.0, _plain(ry) if ry else 0.0)


def _rect(ctx: Any, x: float, y: float, w: float, h: float, radii: tuple[float, float]) -> None:
    """A rectangle, or with both radii non-zero a rounded one (radii clamped to half the sides), as cairosvg's path:
    from the end of the top-left corner, clockwise, relative moves, a Bezier per corner."""
    if radii[0] == 0 or radii[1] == 0:
        ctx.rectangle(x, y, w, h)
        return
    rx, ry = min(radii[0], w / 2), min(radii[1], h / 2)
    c1, c2 = _ARC_TO_BEZIER * rx, _ARC_TO_BEZIER * ry
    ctx.new_path()
    ctx.move_to(x + rx, y)
    ctx.rel_line_to(w - 2 * rx, 0)
    ctx.rel_curve_to(c1, 0, rx, c2, rx, ry)
    ctx.rel_line_to(0, h - 2 * ry)
    ctx.rel_curve_to(0, c2, c1 - rx, ry, -rx, ry)
    ctx.rel_line_to(-w + 2 * rx, 0)
    ctx.rel_curve_to(-c1, 0, -rx, -c2, -rx, -ry)
    ctx.rel_line_to(0, -h + 2 * ry)
    ctx.rel_curve_to(0, -c2, rx - c1, -ry, rx, -ry)
    ctx.close_path()
