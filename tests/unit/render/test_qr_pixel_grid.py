"""Every code a badge prints decodes from a 150 dpi render, wherever the badge sits on the sheet.

poppler does not anti-alias an image mask, so a module of 2-2.7 device pixels prints as uneven 2- and 3-px columns and
zbarimg misses codes. The composer snaps each code to the 1/150 in grid of the page (module size and top-left corner);
this sweep renders designs x badge sizes x scripts x sub-point offsets with pdftoppm at 150 dpi and decodes every code
with zbarimg (real tools, no mocks). BADGEFORGE_QR_SWEEP=1 runs the full product of the axes.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from badge_renderer.model import Attendee
from badge_renderer.qr import qr_payload
from badge_renderer.render import RenderOptions, render_pdf

PEOPLE = {
    "arabic": Attendee(
        row=2,
        first_name="محمد عبد الرحمن",
        last_name="الهاشمي",
        organization="جامعة الملك سعود",
        email="m.alhashimi@example.org",
    ),
    "japanese": Attendee(
        row=3,
        first_name="さくら",
        last_name="山田",
        organization="株式会社サンプル技術研究所",
        email="sakura.yamada@example.jp",
    ),
    "korean": Attendee(
        row=4,
        first_name="민준",
        last_name="김",
        organization="한국과학기술연구원 소프트웨어센터",
        email="minjun.kim@example.kr",
    ),
    "latin": Attendee(
        row=5,
        first_name="Maximiliana Josephine",
        last_name="Wolfeschlegelsteinhausen-Bergerdorff",
        organization="Internationale Gesellschaft für Angewandte Informatik e.V.",
        email="maximiliana.wolfeschlegelsteinhausen@informatik.example.org",
    ),
}
SIZES = [None, "85.6x54mm", "3x4in", "74x105mm"]  # design default, ID-1, 3x4 in, A7
DESIGNS = ["classic", "minimal", "conference", "modern", "pass"]
OFFSETS = [(0.0, 0.0), (0.07, 0.11), (0.13, 0.29)]  # mm: sub-point positions of the badge on the sheet
FULL = os.environ.get("BADGEFORGE_QR_SWEEP") == "1"
# The suite's share: the cases that failed before snapping (each run is one small PDF), plus one per axis value.
QUICK = [
    ("classic", None, "arabic", (0.0, 0.0)),  # 0.37 mm modules: missed at some positions before snapping
    ("minimal", None, "japanese", (0.07, 0.11)),  # 0.41 mm: missed before snapping
    ("minimal", "85.6x54mm", "arabic", (0.13, 0.29)),
    ("conference", "3x4in", "japanese", (0.13, 0.29)),
    ("modern", "3x4in", "korean", (0.07, 0.11)),
    ("pass", "74x105mm", "latin", (0.13, 0.29)),
    ("classic", "85.6x54mm", "japanese", (0.07, 0.11)),  # no whole module size fits: left out, with a warning
]
CASES = list(itertools.product(DESIGNS, SIZES, PEOPLE, OFFSETS)) if FULL else QUICK


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: run `bash scripts/system_deps.sh test`")
    return path


@pytest.mark.parametrize(("design", "size", "script", "offset"), CASES)
def test_every_printed_vcard_decodes_at_150_dpi(
    design: str, size: str | None, script: str, offset: tuple[float, float], tmp_path: Path
) -> None:
    person = PEOPLE[script]
    options = RenderOptions(
        design=design,
        badge_size=size,
        qr_kind="vcard",  # type: ignore[arg-type]
        one_per_page=True,
        sides="duplex" if design == "pass" else "single",  # type: ignore[arg-type]  # pass: its code is on the back
        offset_x_mm=offset[0],
        offset_y_mm=offset[1],
    )
    result = render_pdf([person], options, tmp_path / "b.pdf")
    left_out = [w for w in result.warnings if "left out" in w.message and "QR" in w.message]
    subprocess.run([_tool("pdftoppm"), "-r", "150", "-png", str(tmp_path / "b.pdf"), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p*.png"))
    # -Sbinary: the symbol's bytes as they are; without it zbar guesses a charset and reads "für" as Shift-JIS/GB.
    run = subprocess.run([_tool("zbarimg"), "-q", "--raw", "-Sbinary", *map(str, pngs)], capture_output=True)
    decoded = [text for text in run.stdout.decode("utf-8").split("END:VCARD\r\n") if text.strip()]
    if left_out:  # the too-small rule: no code printed, and the row says so
        assert not decoded
        return
    expected = qr_payload(person, "", "vcard")
    # One badge, one code (pass: on its back page), and it decodes to exactly the vCard.
    assert len(decoded) == 1, (design, size, script, offset, decoded)
    assert all(text.lstrip("\n") + "END:VCARD\r\n" == expected for text in decoded), (design, size, script, offset)


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_the_square_lands_on_the_page_grid_through_the_badge_transform(rotation: int) -> None:
    """A badge on a sheet at a sub-point position, turned: the code's device corner and module are whole pixels."""
    import math

    import cairocffi as cairo

    from badge_renderer.qr import GRID_PT, fit_qr, grid_window

    ctx = cairo.Context(cairo.PDFSurface(None, 595, 842))
    ctx.translate(100.137, 200.291)  # the slot on the sheet, offsets included
    ctx.rotate(math.radians(rotation))
    box = (10.3, 20.7, 70.5, 75.7)
    window = grid_window(ctx, box)
    fitted = fit_qr(qr_payload(PEOPLE["arabic"], "", "vcard"), window.pixels, 20.0)
    assert fitted is not None
    code, per_module = fitted
    x, y, side = window.square(code.size * per_module)
    assert box[0] - 1e-6 <= x and x + side <= box[0] + box[2] + 1e-6  # inside the element's box
    assert box[1] - 1e-6 <= y and y + side <= box[1] + box[3] + 1e-6
    pixels = side / code.size / GRID_PT
    assert abs(pixels - round(pixels)) < 1e-6 and round(pixels) == per_module >= 2
    corners = [ctx.user_to_device(x + dx, y + dy) for dx in (0, side) for dy in (0, side)]
    for value in (min(c[0] for c in corners), min(c[1] for c in corners)):
        assert abs(value / GRID_PT - round(value / GRID_PT)) < 1e-6


def test_a_vcard_takes_the_smallest_version_that_reaches_20_mm_at_whole_pixels() -> None:
    """A 150-pixel box (1 in): version 8-10 vCards at 2 px print 16.6-19.3 mm; version 11 (61 modules) is the first
    to reach 20 mm, and the capacity it has to spare goes to error correction."""
    from badge_renderer.qr import PIXEL_MM, fit_qr

    card = qr_payload(PEOPLE["korean"], "", "vcard")
    fitted = fit_qr(card, 150, 20.0)
    assert fitted is not None
    code, per_module = fitted
    assert (code.version, per_module) == (11, 2) and code.level in ("Q", "H")
    assert 20.0 <= code.symbol_modules * per_module * PIXEL_MM < 21.0
    short = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lee;Ada\r\nFN:Ada Lee\r\nEND:VCARD\r\n"
    code, per_module = fit_qr(short, 150, 20.0) or (None, 0)
    assert code is not None and (code.version, per_module) == (6, 3)  # bigger modules when the data allows them


def test_a_long_vcard_drops_to_error_level_l_before_it_is_left_out() -> None:
    from badge_renderer.qr import fit_qr

    card = qr_payload(PEOPLE["latin"], "", "vcard")  # ~300 bytes: version 13 at M, 154 px at 2 px per module
    code, per_module = fit_qr(card, 150, 20.0) or (None, 0)
    assert code is not None and code.level == "L" and code.size * per_module <= 150 and per_module == 2
    assert fit_qr(card * 2, 150, 20.0) is None  # would need modules under 2 px: left out (the row is warned)


def test_a_box_too_small_for_the_minimum_gets_the_largest_modules_that_hold_the_data() -> None:
    from badge_renderer.qr import fit_qr

    code, per_module = fit_qr("PYC-2026-0002", 80, 15.0) or (None, 0)  # 80 px: version 1 at 2 px, 7.1 mm
    assert code is not None and (code.version, per_module) == (1, 2)
