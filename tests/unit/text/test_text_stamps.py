"""Text stamps (the per-badge fast path) draw exactly what draw_text draws: same pixels, same selectable text."""

from __future__ import annotations

import io

import cairocffi
import pypdf
import pytest

from badge_renderer.text import draw_text, fit_text
from badge_renderer.text.stamps import make_stamp, prepare_context

SAMPLES = ["Ada Lovelace", "محمد عبد الله", "שרה לוי", "अनुराग शर्मा", "Zoë Ångström-Nguyễn Featherstonehaugh"]


def _pixels(draw) -> bytes:
    surface = cairocffi.ImageSurface(cairocffi.FORMAT_ARGB32, 300, 120)
    ctx = cairocffi.Context(surface)
    ctx.translate(7.5, 3.25)  # a badge slot's offset: stamps are placed in the badge's own coordinates
    draw(ctx)
    surface.flush()
    return bytes(surface.get_data())


@pytest.mark.parametrize("text", SAMPLES)
@pytest.mark.parametrize(("align", "valign"), [("center", "middle"), ("start", "top"), ("right", "bottom")])
def test_a_stamp_draws_the_same_pixels_as_draw_text(text: str, align: str, valign: str) -> None:
    fitted = fit_text(text, box_width=260, box_height=90, max_size=40, min_size=8, max_lines=2)
    box = (10.0, 12.0, 260.0, 90.0)
    color = (0.8, 0.1, 0.2)

    def slow(ctx):
        draw_text(ctx, fitted, *box, color=color, align=align, valign=valign)

    stamp = make_stamp(fitted, *box, color=color, align=align, valign=valign)

    def fast(ctx):
        prepare_context(ctx)
        stamp.draw(ctx)

    expected = _pixels(slow)
    assert any(expected), "nothing was drawn"
    assert _pixels(fast) == expected


def _pdf_text(tmp_path, name: str, draw) -> list[str]:
    out = tmp_path / name
    surface = cairocffi.PDFSurface(str(out), 200, 60)
    ctx = cairocffi.Context(surface)
    for _ in range(2):
        draw(ctx)
        surface.show_page()
    surface.finish()
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages]


def test_a_stamp_keeps_the_pdf_text_selectable_and_reusable(tmp_path) -> None:
    """Drawn on two pages, the stamp's text extracts as draw_text's does (clusters kept, RTL included)."""
    fitted = fit_text("Ada שרה", box_width=200, box_height=60, max_size=30, min_size=8)
    stamp = make_stamp(fitted, 0, 0, 200, 60)

    def fast(ctx):
        prepare_context(ctx)
        stamp.draw(ctx)

    expected = _pdf_text(tmp_path, "slow.pdf", lambda ctx: draw_text(ctx, fitted, 0, 0, 200, 60))
    assert len(expected) == 2 and all("Ada" in page for page in expected)
    assert _pdf_text(tmp_path, "fast.pdf", fast) == expected
