"""Peers the fast path is measured against, drawing the same classic badge (background + logo, A4, same slots):

- `render_reportlab`: reportlab with the static artwork as one Form XObject and the bundled Noto fonts embedded;
  per badge it measures and centres 4-5 strings (shrink-to-fit by width, no shaping, no wrapping).
- `render_cairo_floor`: the least a cairocffi program does: the static layer recorded once, and per badge 5 glyph
  runs shaped and placed before the clock starts, shown with cairocffi's show_glyphs (the floor of issue 13).
  With `direct=True` the runs are C arrays made in advance and shown with direct libcairo calls: what cairo
  itself costs, with no Python per glyph at all (printed too, as the hard floor).

Both take the same attendees and images as BadgeForge; bench only (reportlab is a dev/bench dependency).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from badge_renderer.model import Attendee
from badge_renderer.options import RenderOptions

FONTS = Path(__file__).resolve().parents[1] / "templates" / "fonts"


def _plan(options: RenderOptions) -> Any:
    from badge_renderer.render_support import plan_for

    return plan_for(options)


def render_reportlab(people: Sequence[Attendee], options: RenderOptions, out: Path) -> None:
    """reportlab + a Form XObject for everything static; text drawn per badge with stringWidth fitting."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    for name, file in (("Bold", "NotoSans-Bold.ttf"), ("Regular", "NotoSans-Regular.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONTS / file)))
    layout = _plan(options)
    w, h = layout.badge.width, layout.badge.height
    page_h = layout.page.height
    canvas = Canvas(str(out), pagesize=(layout.page.width, page_h), pageCompression=1)
    canvas.beginForm("static")
    canvas.drawImage(ImageReader(io.BytesIO(options.background_image or b"")), 0, 0, w, h)
    canvas.setFillColorRGB(0.12, 0.44, 0.92)
    canvas.rect(0, h * 0.76, w, h * 0.24, stroke=0, fill=1)
    canvas.rect(0, 0, w, h * 0.125, stroke=0, fill=1)
    canvas.drawImage(
        ImageReader(io.BytesIO(options.logo_image or b"")), w * 0.04, h * 0.795, w * 0.18, h * 0.17, mask="auto"
    )
    canvas.setFillColorRGB(1, 1, 1)
    canvas.setFont("Bold", 16)
    canvas.drawCentredString(w / 2, h * 0.86, options.event_name)
    canvas.endForm()

    def fitted(text: str, font: str, size: float, box: float) -> float:
        width = pdfmetrics.stringWidth(text, font, size)
        return size if width <= box else max(6.0, size * box / width)

    per_sheet = len(layout.fronts)
    for start in range(0, len(people), per_sheet):
        for person, slot in zip(people[start : start + per_sheet], layout.fronts, strict=False):
            canvas.saveState()
            canvas.translate(slot.x, page_h - slot.y - h)
            canvas.doForm("static")
            canvas.setFillColorRGB(0.1, 0.12, 0.14)
            for text, font, size, y in (
                (person.first_name, "Bold", 40, 0.5),
                (person.last_name, "Regular", 20, 0.42),
                (person.role, "Bold", 14, 0.28),
                (person.organization, "Regular", 13, 0.2),
            ):
                canvas.setFont(font, fitted(text, font, size, w * 0.88))
                canvas.drawCentredString(w / 2, h * y, text)
            canvas.setFillColorRGB(1, 1, 1)
            ticket = person.ticket_type.upper()
            canvas.setFont("Bold", fitted(ticket, "Bold", 13, w * 0.88))
            canvas.drawCentredString(w / 2, h * 0.04, ticket)
            canvas.restoreState()
        canvas.showPage()
    canvas.save()


def prepare_cairo_floor(people: Sequence[Attendee], options: RenderOptions) -> Any:
    """Everything the floor needs, made before timing: layout, static layer, and per badge its C glyph arrays."""
    import cairocffi

    from badge_renderer.compose import BadgeComposer
    from badge_renderer.text import fit_text
    from badge_renderer.text.cairo_fonts import cairo_font_face
    from badge_renderer.text.drawing import place_text

    layout = _plan(options)
    w, h = layout.badge.width, layout.badge.height
    composer = BadgeComposer(options, w, h)
    static = composer.static_layer("Attendee")
    ffi = cairocffi.ffi
    badges = []
    for person in people:
        runs = []
        for text, weight, size, box in (
            (person.first_name, "bold", 40, (w * 0.06, h * 0.27, w * 0.88, h * 0.21)),
            (person.last_name, "regular", 20, (w * 0.06, h * 0.48, w * 0.88, h * 0.13)),
            (person.role, "bold", 14, (w * 0.06, h * 0.675, w * 0.66, h * 0.085)),
            (person.organization, "regular", 13, (w * 0.06, h * 0.76, w * 0.66, h * 0.085)),
            (person.ticket_type.upper(), "bold", 13, (w * 0.06, h * 0.885, w * 0.88, h * 0.08)),
        ):
            fit = fit_text(text, box_width=box[2], box_height=box[3], weight=weight, max_size=size, max_lines=1)
            for run in place_text(fit, *box):
                face = cairo_font_face(run.font)
                runs.append((face, run.size, run.glyphs, ffi.new("cairo_glyph_t[]", run.glyphs), len(run.glyphs)))
        badges.append(runs)
    return layout, static, badges


def render_cairo_floor(prepared: Any, out: Path, *, direct: bool = False) -> None:
    """Paint the static layer and show the pre-shaped glyph runs: no fitting, no shaping."""
    import cairocffi

    layout, static, badges = prepared
    lib = cairocffi.cairo
    surface = cairocffi.PDFSurface(str(out), layout.page.width, layout.page.height)
    ctx = cairocffi.Context(surface)
    pointer = ctx._pointer
    per_sheet = len(layout.fronts)
    for start in range(0, len(badges), per_sheet):
        for runs, slot in zip(badges[start : start + per_sheet], layout.fronts, strict=False):
            if not direct:
                ctx.save()
                ctx.translate(slot.x, slot.y)
                ctx.set_source_surface(static, 0, 0)
                ctx.paint()
                ctx.set_source_rgb(0.1, 0.12, 0.14)
                for face, size, glyphs, _, _ in runs:
                    ctx.set_font_face(face)
                    ctx.set_font_size(size)
                    ctx.show_glyphs(glyphs)
                ctx.restore()
                continue
            lib.cairo_save(pointer)
            lib.cairo_translate(pointer, slot.x, slot.y)
            ctx.set_source_surface(static, 0, 0)
            lib.cairo_paint(pointer)
            lib.cairo_set_source_rgb(pointer, 0.1, 0.12, 0.14)
            for face, size, _, glyphs, count in runs:
                lib.cairo_set_font_face(pointer, face._pointer)
                lib.cairo_set_font_size(pointer, size)
                lib.cairo_show_glyphs(pointer, glyphs, count)
            lib.cairo_restore(pointer)
        surface.show_page()
    surface.finish()
