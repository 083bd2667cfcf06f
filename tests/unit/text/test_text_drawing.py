"""draw_text puts ink inside its box only, and PDFs embed each font once however often it is drawn."""

from __future__ import annotations

import io
import multiprocessing

import cairocffi
import pypdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from test_text_fonts import NAMES

from badge_renderer.errors import DesignError
from badge_renderer.text import draw_text, fit_text

BOX = (40.0, 30.0, 240.0, 70.0)  # x, y, width, height in pixels at 1 px per point


def ink_bbox(
    name: str, align: str = "center", valign: str = "middle", box=BOX, max_size: float = 60, max_lines: int = 2
) -> tuple[int, int, int, int] | None:
    surface = cairocffi.ImageSurface(cairocffi.FORMAT_ARGB32, 320, 130)
    context = cairocffi.Context(surface)
    x, y, width, height = box
    fitted = fit_text(name, box_width=width, box_height=height, max_size=max_size, min_size=8, max_lines=max_lines)
    draw_text(context, fitted, x, y, width, height, color=(0, 0, 0), align=align, valign=valign)
    surface.flush()
    image = Image.frombuffer("RGBA", (320, 130), bytes(surface.get_data()), "raw", "BGRA", surface.get_stride(), 1)
    return image.getchannel("A").getbbox()


def assert_within(bbox, box=BOX, slack: float = 1.0) -> None:
    """getbbox is (left, top, right, bottom) with right/bottom exclusive; antialiasing may touch one more pixel."""
    assert bbox is not None, "nothing was drawn"
    x, y, width, height = box
    left, top, right, bottom = bbox
    assert left >= x - slack and top >= y - slack
    assert right <= x + width + slack and bottom <= y + height + slack


@pytest.mark.parametrize("name", NAMES)
def test_every_script_draws_ink_inside_the_box_and_none_outside(name: str) -> None:
    assert_within(ink_bbox(name))


@pytest.mark.parametrize("align", ["left", "center", "right"])
@pytest.mark.parametrize("valign", ["top", "middle", "bottom"])
def test_alignment_moves_the_ink_within_the_box(align: str, valign: str) -> None:
    bbox = ink_bbox("Ada", align=align, valign=valign, box=(40, 10, 240, 110))
    assert_within(bbox, box=(40, 10, 240, 110))
    left, top, right, bottom = bbox
    centre_x, centre_y = (left + right) / 2, (top + bottom) / 2
    expected_x = {"left": lambda c: c < 130, "center": lambda c: 140 < c < 180, "right": lambda c: c > 190}
    expected_y = {"top": lambda c: c < 55, "middle": lambda c: 55 <= c <= 75, "bottom": lambda c: c > 75}
    assert expected_x[align](centre_x), bbox
    assert expected_y[valign](centre_y), bbox


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.sampled_from([*NAMES, "Ågot", "Qjy", "ÉÇ", "Ưở", "ÿ", "शर्मा", "ใจดี"]), min_size=1, max_size=4),
    width=st.integers(min_value=30, max_value=280),
    height=st.integers(min_value=12, max_value=120),
    max_lines=st.integers(min_value=1, max_value=3),
    align=st.sampled_from(["left", "center", "right"]),
    valign=st.sampled_from(["top", "middle", "bottom"]),
)
def test_ink_never_leaves_the_box(
    words: list[str], width: int, height: int, max_lines: int, align: str, valign: str
) -> None:
    box = (20.0, 5.0, float(width), float(height))
    bbox = ink_bbox(" ".join(words), align, valign, box=box, max_size=90, max_lines=max_lines)
    if bbox is not None:  # a box too narrow even for "…" draws nothing
        assert_within(bbox, box=box)


@pytest.mark.parametrize(
    ("name", "align", "side"),
    [
        ("Ada", "start", "left"),
        ("Ada", "end", "right"),
        ("דוד", "start", "right"),
        ("דוד", "end", "left"),
    ],
)
def test_start_and_end_follow_the_direction_of_the_line(name: str, align: str, side: str) -> None:
    box = (40, 10, 240, 110)
    left, _, right, _ = ink_bbox(name, align=align, box=box, max_size=30)
    assert (left < 70) if side == "left" else (right > 250)


def test_an_unknown_alignment_is_a_design_error() -> None:
    context = cairocffi.Context(cairocffi.ImageSurface(cairocffi.FORMAT_ARGB32, 10, 10))
    with pytest.raises(DesignError, match="justify"):
        draw_text(context, fit_text("Ada", box_width=10, box_height=10), 0, 0, 10, 10, align="justify")


def test_wrapped_lines_stay_inside_a_tight_box() -> None:
    box = (20.0, 20.0, 120.0, 60.0)
    assert_within(ink_bbox("Maria Fernanda Gonzalez Rodriguez", box=box), box=box)


def render_pdf(names: list[str], per_page: int = 10) -> bytes:
    out = io.BytesIO()
    surface = cairocffi.PDFSurface(out, 300, 800)
    context = cairocffi.Context(surface)
    for index, name in enumerate(names):
        slot = index % per_page
        fitted = fit_text(name, box_width=260, box_height=60)
        draw_text(context, fitted, 20, 20 + slot * 75, 260, 60)
        if slot == per_page - 1:
            context.show_page()
    surface.finish()
    return out.getvalue()


def embedded_font_files(pdf: bytes) -> dict[str, int]:
    """BaseFont name -> how many distinct embedded font programs carry it."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    programs: dict[str, set[int]] = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key in descriptor:
                    stream = descriptor.raw_get(key)
                    programs.setdefault(str(font["/BaseFont"]).split("+")[-1], set()).add(stream.idnum)
    return {name: len(ids) for name, ids in programs.items()}


def test_pdf_embeds_the_font_once_when_drawn_a_hundred_times() -> None:
    names = [f"Attendee Number {i} Jäger" for i in range(100)]
    pdf = render_pdf(names)
    assert embedded_font_files(pdf) == {"NotoSans-Bold": 1}
    assert len(pdf) < 60_000  # the glyphs are a subset, not 100 copies of outlines


def test_pdf_text_stays_selectable() -> None:
    pdf = render_pdf(["Nguyễn Thị Minh Khai", "山田 太郎"], per_page=2)
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Nguyễn Thị" in text and "山田 太郎" in text


def test_each_script_font_is_embedded_a_fixed_number_of_times_whatever_the_badge_count() -> None:
    names = ["محمد J. Smith", "山田 太郎", "अर्जुन शर्मा"]
    few, many = embedded_font_files(render_pdf(names, per_page=3)), embedded_font_files(render_pdf(names * 30))
    assert {"NotoSans-Bold", "NotoSansArabic-Bold", "NotoSansDevanagari-Bold"} <= set(many)
    assert many == few
    # cairo puts a font's Latin-1-mapped glyphs (here the space) in a second, simple subset, and names the
    # synthetic-bold CJK face "CairoFont-n-m": still a handful of programs, however many badges.
    assert max(many.values()) <= 2 and sum(many.values()) <= 8


def ink_pixels(text: str, weight: str) -> int:
    surface = cairocffi.ImageSurface(cairocffi.FORMAT_ARGB32, 200, 60)
    draw_text(cairocffi.Context(surface), fit_text(text, box_width=180, box_height=50, weight=weight), 10, 5, 180, 50)
    surface.flush()
    return sum(1 for alpha in bytes(surface.get_data())[3::4] if alpha > 128)


def test_cjk_has_a_bold_although_its_font_ships_only_a_regular() -> None:
    assert ink_pixels("山田 太郎", "bold") > 1.15 * ink_pixels("山田 太郎", "regular")


def _draw_in_worker(name: str) -> int:
    pdf = render_pdf([name] * 3, per_page=3)
    return len(embedded_font_files(pdf))


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_drawing_works_in_a_forked_or_fresh_worker_process(method: str) -> None:
    render_pdf(["warm the parent's FreeType faces"], per_page=1)
    with multiprocessing.get_context(method).Pool(1) as pool:
        assert pool.apply(_draw_in_worker, ("محمد J. Smith",)) == 2


@settings(max_examples=150, deadline=None)
@given(text=st.text(min_size=1, max_size=40))
def test_any_text_draws_into_a_pdf_without_a_cairo_error(text: str) -> None:
    # Clusters handed to show_text_glyphs must match text and glyphs exactly, or cairo poisons the whole PDF.
    out = io.BytesIO()
    surface = cairocffi.PDFSurface(out, 300, 100)
    context = cairocffi.Context(surface)
    for line_text in (text, f"محمد {text}", f"{text} 山田"):
        draw_text(context, fit_text(line_text, box_width=260, box_height=60, min_size=4), 20, 20, 260, 60)
    surface.finish()
    assert out.getvalue().startswith(b"%PDF")
