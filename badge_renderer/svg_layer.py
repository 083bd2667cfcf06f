"""The design's static.svg.j2 -> a cairo RecordingSurface: filled by template_subset (or, for anything outside its
forms, Jinja2 with autoescape ON), drawn by svg_subset (or, outside its shapes, cairosvg in safe mode).

Only design data and validated options reach this template: attendee text never does.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from badge_renderer.designs import TEMPLATES_DIR, BadgeDesign
from badge_renderer.errors import DesignError


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    # select_autoescape() does not cover .svg names: turn escaping on explicitly for every template.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def svg_source(design: BadgeDesign, side: str = "front", **context: Any) -> str:
    """The filled SVG text (useful for tests and the naive benchmark).

    template_subset fills the bundled templates without importing jinja2 (~25 ms of the parallel parent's CPU
    after the fork); any other template, and every error, is Jinja2's."""
    from badge_renderer.template_subset import render_file

    filled = render_file(TEMPLATES_DIR / design.template_name(side), dict(design=design, mm=72 / 25.4, **context))
    return filled if filled is not None else jinja_source(design, side, **context)


def jinja_source(design: BadgeDesign, side: str = "front", **context: Any) -> str:
    """The filled SVG text, by Jinja2 (autoescape on, StrictUndefined)."""
    import jinja2

    try:
        template = _environment().get_template(design.template_name(side))
        return template.render(design=design, mm=72 / 25.4, **context)
    except jinja2.TemplateError as err:
        raise DesignError(f"Design '{design.name}' template failed: {err}", file=str(design.static_template)) from err


def render_svg_layer(design: BadgeDesign, *, width: float, height: float, side: str = "front", **context: Any) -> Any:
    """Draw the design artwork (units: points, viewBox 0 0 width height) onto a RecordingSurface.

    The bundled designs' artwork stays inside svg_subset's few shapes, which it draws itself: the parent of a
    parallel render then never imports cairosvg (~55 ms of CPU after the fork). Anything else goes to cairosvg.
    """
    from badge_renderer.svg_subset import draw_subset

    source = svg_source(design, side, width=width, height=height, **context)
    surface = draw_subset(source)
    return surface if surface is not None else draw_with_cairosvg(design, source)


def draw_with_cairosvg(design: BadgeDesign, source: str) -> Any:
    """The filled SVG text drawn by cairosvg (safe mode) onto a RecordingSurface: every SVG outside the subset."""
    import cairocffi as cairo
    from cairosvg.parser import Tree
    from cairosvg.surface import Surface

    class _RecordingSvgSurface(Surface):
        """cairosvg drawing onto a recording surface: one user unit = one point, nothing written anywhere."""

        device_units_per_user_units = 1

        def _create_surface(self, w: float, h: float) -> tuple[Any, float, float]:
            return cairo.RecordingSurface(cairo.CONTENT_COLOR_ALPHA, (0, 0, w, h)), w, h

    try:
        # unsafe=False (the default, stated on purpose): no files, no URLs, no XML entities. No url_fetcher.
        tree = Tree(bytestring=source.encode("utf-8"), unsafe=False)
        surface = _RecordingSvgSurface(tree, None, 72)
    except Exception as err:  # cairosvg raises plain exceptions on bad SVG
        raise DesignError(f"Design '{design.name}' artwork could not be drawn: {err}") from err
    return surface.cairo
