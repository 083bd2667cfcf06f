"""Draw a FittedText into its box on any cairo surface (PDF, PNG, recording) as real, selectable text.

Glyphs go through show_text_glyphs on FreeType font faces: the PDF keeps one subset per font however many
badges use it, the text stays vector and copyable, and PNG previews match the PDF because hinting is off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from badge_renderer.errors import DesignError
from badge_renderer.text.cairo_fonts import cairo_font_face
from badge_renderer.text.fitting import FittedText
from badge_renderer.text.fonts import FontFile
from badge_renderer.text.shaping import ShapedLine, ink_bounds

if TYPE_CHECKING:
    import cairocffi

ALIGNS = ("left", "center", "right", "start", "end")  # start/end follow each line's direction (RTL: start = right)
VALIGNS = ("top", "middle", "bottom")
_SIDES = {"start": ("left", "right"), "end": ("right", "left")}
_options: dict[str, object] = {}


def draw_text(
    ctx: cairocffi.Context,
    fitted: FittedText,
    x: float,
    y: float,
    box_width: float,
    box_height: float,
    *,
    color: Sequence[float] = (0.0, 0.0, 0.0),
    align: str = "center",
    valign: str = "middle",
) -> None:
    """Draw `fitted` inside the box whose top-left corner is (x, y); color is (r, g, b[, a]) in 0..1.

    align "start"/"end" put an Arabic or Hebrew line against the right/left edge and a Latin one the other way.
    """
    runs = place_text(fitted, x, y, box_width, box_height, align=align, valign=valign)
    if not runs:
        return
    import cairocffi

    ctx.save()
    try:
        ctx.set_font_options(_font_options())
        if len(color) == 4:
            ctx.set_source_rgba(*color)
        else:
            ctx.set_source_rgb(*color)
        for run in runs:
            ctx.set_font_face(cairo_font_face(run.font))
            ctx.set_font_size(run.size)
            ctx.show_text_glyphs(run.text, run.glyphs, run.clusters, cairocffi.TEXT_CLUSTER_FLAG_BACKWARD * run.rtl)
    finally:
        ctx.restore()


@dataclass(frozen=True)
class PlacedRun:
    """One glyph run at its final place in user space: what a single cairo show_text_glyphs call draws."""

    font: FontFile
    size: float
    text: str
    glyphs: list[tuple[int, float, float]]  # (glyph id, x, y) in points
    clusters: list[tuple[int, int]]
    rtl: bool


def place_text(
    fitted: FittedText,
    x: float,
    y: float,
    box_width: float,
    box_height: float,
    *,
    align: str = "center",
    valign: str = "middle",
) -> list[PlacedRun]:
    """Where every glyph of `fitted` lands in the box (the geometry of draw_text, shared with text stamps)."""
    if align not in ALIGNS or valign not in VALIGNS:
        raise DesignError(
            f"Text alignment '{align}'/'{valign}' is not known",
            hint=f"align is one of {', '.join(ALIGNS)}; valign one of {', '.join(VALIGNS)}.",
        )
    if not fitted.lines or fitted.size <= 0:
        return []
    size = fitted.size
    pitch = fitted.height / len(fitted.lines)
    # the one offset valign asks for (a dict of all three was built per call)
    middle = valign == "middle"
    top = y + (box_height - fitted.height) / 2 if middle else (y if valign == "top" else y + box_height - fitted.height)
    ascent, descent = _ink_font(fitted).ink_extent
    first_baseline = top + pitch / 2 + (ascent - descent) / 2 * size  # a name's usual ink centred in its line
    first_baseline += _keep_ink_inside(fitted, first_baseline, y, box_height)
    placed: list[PlacedRun] = []
    for index, line in enumerate(fitted.lines):
        width = line.width(size)
        side = _SIDES[align][line.rtl] if align in _SIDES else align
        left = x + (box_width - width) / 2 if side == "center" else (x if side == "left" else x + box_width - width)
        baseline = first_baseline + index * pitch
        _place_line(placed, line, left - line.extent[0] * size, baseline, size)
    return placed


def _place_line(placed: list[PlacedRun], line: ShapedLine, left: float, baseline: float, size: float) -> None:
    pen = left
    for run in line.runs:
        if run.glyphs:
            glyphs = [
                (gid, pen + gx * size, baseline - gy * size)
                for gid, gx, gy in zip(run.glyphs, run.xs, run.ys, strict=True)
            ]
            placed.append(PlacedRun(run.font, size, run.text, glyphs, run.text_clusters, run.rtl))
        pen += run.advance * size


def _keep_ink_inside(fitted: FittedText, first_baseline: float, y: float, box_height: float) -> float:
    """Vertical shift that brings tall ink (a reph, stacked diacritics) back inside the box; fit_text left room."""
    pitch_em = fitted.height / len(fitted.lines) / fitted.size
    top_em, bottom_em = ink_bounds(fitted.lines, pitch_em)
    ink_top, ink_bottom = first_baseline + top_em * fitted.size, first_baseline + bottom_em * fitted.size
    if ink_bottom - ink_top > box_height:
        return y + (box_height - (ink_bottom - ink_top)) / 2 - ink_top  # too tall (not our fit): centre it
    if ink_top < y:
        return y - ink_top
    if ink_bottom > y + box_height:
        return y + box_height - ink_bottom
    return 0.0


def _ink_font(fitted: FittedText) -> FontFile:
    """The font with the most glyphs in the block sets the vertical centring, the same for every line."""
    if len(fitted.lines) == 1 and len(fitted.lines[0].runs) == 1:
        return fitted.lines[0].runs[0].font
    counts: dict[FontFile, int] = {}
    for line in fitted.lines:
        for run in line.runs:
            counts[run.font] = counts.get(run.font, 0) + len(run.glyphs)
    return max(counts, key=counts.__getitem__)


def _font_options() -> cairocffi.FontOptions:
    """No hinting and no hinted metrics: glyphs sit exactly where HarfBuzz put them, in PDF and PNG alike."""
    if "options" not in _options:
        import cairocffi

        options = cairocffi.FontOptions()
        options.set_hint_style(cairocffi.HINT_STYLE_NONE)
        options.set_hint_metrics(cairocffi.HINT_METRICS_OFF)
        _options["options"] = options
    return _options["options"]
