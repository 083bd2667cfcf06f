"""Where badges really land in the PDF, read back with poppler (pdftotext -bbox, pdftoppm): on a preset's labels,
turned with their slot when the sheet turns them, and with duplex / fold-over backs the right way round."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from badge_renderer.layout import PRESETS, SheetLayout, Slot
from badge_renderer.layout.units import MM
from badge_renderer.model import Attendee
from badge_renderer.render import RenderOptions, render_pdf
from badge_renderer.render_support import plan_for

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils is not installed (make test installs it)",
)
NAMES = ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliet")
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
_DPI = 50


def people(n: int) -> list[Attendee]:
    return [Attendee(row=i + 2, first_name=NAMES[i], last_name="Zulu") for i in range(n)]


def words(pdf: Path, page: int = 1) -> dict[str, tuple[float, float, float, float]]:
    """Each word's box on one page, in PDF points from the top-left corner (first occurrence)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found: dict[str, tuple[float, float, float, float]] = {}
    for x0, y0, x1, y1, text in _WORD.findall(out):
        found.setdefault(text, (float(x0), float(y0), float(x1), float(y1)))
    return found


def inside(box: tuple[float, float, float, float], slot: Slot, slack: float = 0.5) -> bool:
    x0, y0, x1, y1 = box
    return x0 >= slot.x - slack and x1 <= slot.right + slack and y0 >= slot.y - slack and y1 <= slot.bottom + slack


def page_image(pdf: Path, page: int, tmp_path: Path) -> Image.Image:
    stem = tmp_path / f"page{page}"
    subprocess.run(
        ["pdftoppm", "-r", str(_DPI), "-gray", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(stem)],
        check=True,
    )
    return Image.open(f"{stem}.pgm")


def render(tmp_path: Path, count: int, **options: object) -> tuple[Path, SheetLayout]:
    opts = RenderOptions(**options)  # type: ignore[arg-type]
    out = tmp_path / "badges.pdf"
    render_pdf(people(count), opts, out)
    return out, plan_for(opts)


def test_herma_4412_names_land_on_the_labels_the_maker_publishes(tmp_path: Path) -> None:
    pdf, _ = render(tmp_path, 10, preset="HERMA 4412", design="minimal")
    found = words(pdf)
    for i, name in enumerate(NAMES):
        # HERMA's (and pretix's) figures, not the plan's: 80 x 50 mm labels from 17.5 / 13.5 mm, pitch 95 x 55 mm.
        label = Slot((17.5 + (i % 2) * 95) * MM, (13.5 + (i // 2) * 55) * MM, 80 * MM, 50 * MM)
        assert name in found and inside(found[name], label), (name, found.get(name), label)


def test_nothing_is_printed_between_the_herma_4412_labels(tmp_path: Path) -> None:
    pdf, _ = render(tmp_path, 10, preset="herma-4412")  # classic: coloured bands up to the label edges
    image = page_image(pdf, 1, tmp_path)
    px = _DPI / 25.4

    def column_is_blank(x_mm: float) -> bool:
        return all(image.getpixel((round(x_mm * px), y)) > 250 for y in range(image.height))

    assert column_is_blank(105)  # the middle of the 15 mm gap between the columns
    assert column_is_blank(15) and column_is_blank(195)  # the side margins
    assert not column_is_blank(20) and not column_is_blank(190)  # just inside the labels


def _badge_point(slot: Slot, badge_w: float, badge_h: float, bx: float, by: float) -> tuple[float, float]:
    """Where the point (bx, by) of the badge (fractions of its width and height, from its top-left) is on the page."""
    x, y = bx * badge_w, by * badge_h
    return {
        0: (slot.x + x, slot.y + y),
        90: (slot.right - y, slot.y + x),
        180: (slot.right - x, slot.bottom - y),
        270: (slot.x + y, slot.bottom - x),
    }[slot.rotation]


def assert_upright_in_its_slot(image: Image.Image, slot: Slot, layout: SheetLayout) -> None:
    """The classic design's wide coloured band is at the top of the badge, its white body below: sample both."""
    badge = layout.badge
    scale = _DPI / 72

    def ink(bx: float, by: float) -> int:
        x, y = _badge_point(slot, badge.width, badge.height, bx, by)
        return image.getpixel((round(x * scale), round(y * scale)))

    assert ink(0.3, 0.12) < 200, f"no top band where the badge's top should be in {slot}"
    assert ink(0.3, 0.75) > 240, f"the top band is not where it should be in {slot}"


def test_turned_badges_fit_four_4x3in_on_a4_and_their_content_turns_with_them(tmp_path: Path) -> None:
    pdf, layout = render(tmp_path, 4, paper="A4", badge_size="4x3in")
    assert layout.per_sheet == 4
    found, image = words(pdf), page_image(pdf, 1, tmp_path)
    for name, slot in zip(NAMES, layout.fronts, strict=False):
        assert slot.rotation == 90
        x0, y0, x1, y1 = found[name]
        assert inside(found[name], slot) and (y1 - y0) > (x1 - x0), "the name must run down its turned badge"
        assert_upright_in_its_slot(image, slot, layout)


def test_no_rotate_keeps_three_upright(tmp_path: Path) -> None:
    pdf, layout = render(tmp_path, 4, paper="A4", badge_size="4x3in", rotate=False)
    assert layout.per_sheet == 3 and all(s.rotation == 0 for s in layout.fronts)
    image = page_image(pdf, 1, tmp_path)
    for slot in layout.fronts:
        assert_upright_in_its_slot(image, slot, layout)


def test_turned_duplex_backs_lie_behind_their_fronts_the_other_way_round(tmp_path: Path) -> None:
    pdf, layout = render(tmp_path, 4, paper="A4", badge_size="4x3in", sides="duplex")
    front_words, back_words, back_image = words(pdf, 1), words(pdf, 2), page_image(pdf, 2, tmp_path)
    page_w = layout.page.width
    for name, front, back in zip(NAMES, layout.fronts, layout.backs, strict=False):
        assert (front.rotation, back.rotation) == (90, 270)
        assert back.x == pytest.approx(page_w - front.right)  # behind the front when flipped on the long edge
        assert inside(front_words[name], front) and inside(back_words[name], back)
        assert_upright_in_its_slot(back_image, back, layout)  # top edge behind the front's top edge


def test_turned_fold_over_pairs_join_at_the_badges_top_edges(tmp_path: Path) -> None:
    pdf, layout = render(tmp_path, 2, paper="A4", badge_size="4x3in", sides="foldover")
    assert layout.per_sheet == 2  # a 4 x 6 in pair fits once upright, twice turned
    image = page_image(pdf, 1, tmp_path)
    for front, back in zip(layout.fronts, layout.backs, strict=True):
        assert (front.rotation, back.rotation) == (90, 270) and back.x == pytest.approx(front.right)
        assert_upright_in_its_slot(image, front, layout)
        assert_upright_in_its_slot(image, back, layout)


@pytest.mark.parametrize("name", ["a4-8xa7-portrait", "a4-4xa6-landscape"])
def test_turned_preset_pieces_hold_their_badges_upright_on_their_side(tmp_path: Path, name: str) -> None:
    count = PRESETS[name].per_sheet
    pdf, layout = render(tmp_path, count, preset=name)
    found, image = words(pdf), page_image(pdf, 1, tmp_path)
    for person, slot in zip(NAMES, layout.fronts, strict=False):
        assert inside(found[person], slot)
        assert_upright_in_its_slot(image, slot, layout)


def test_a_label_printer_page_is_the_label(tmp_path: Path) -> None:
    pdf, _ = render(tmp_path, 2, preset="DYMO 30856")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size, info
    width, height = map(float, size.groups())
    assert (width / MM, height / MM) == pytest.approx((62, 106), abs=0.01)
    assert "Pages:           2" in info
