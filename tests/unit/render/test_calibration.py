"""The printer calibration page: the paper's size (or a label sheet's paper), everything moved by the offsets it is
printed with (exactly as the sheet plan moves badges, so a second print checks the correction), the scales that
give the numbers the form asks for, and a clear refusal of paper too small to calibrate on."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from badge_renderer.calibration import calibration_pdf
from badge_renderer.errors import OptionsError

MM = 72 / 25.4
_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="[-\d.]+" yMax="[-\d.]+">([^<]*)</word>')


def words(pdf: Path) -> dict[str, tuple[float, float]]:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found: dict[str, tuple[float, float]] = {}
    for x, y, word in _WORD.findall(out):
        found.setdefault(word, (float(x), float(y)))
    return found


def page_mm(pdf: Path) -> tuple[int, int]:
    box = PdfReader(pdf).pages[0].mediabox
    return round(float(box.width) / MM), round(float(box.height) / MM)


def test_the_page_has_the_papers_size_the_scales_and_the_instructions(tmp_path):
    pdf = calibration_pdf(tmp_path / "a4.pdf", "A4")
    assert page_mm(pdf) == (210, 297)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for needed in ("Printer offset right (mm)", "Printer offset down (mm)", "100 mm long", "+15", "-15"):
        assert needed in " ".join(text.split()), needed
    assert page_mm(calibration_pdf(tmp_path / "letter.pdf", "letter")) == (216, 279)
    assert page_mm(calibration_pdf(tmp_path / "herma.pdf", preset="herma-4412")) == (210, 297)
    assert page_mm(calibration_pdf(tmp_path / "a5.pdf", "A5")) == (148, 210)


def test_the_zero_tick_of_the_across_scale_is_on_the_pages_centre(tmp_path):
    pdf = calibration_pdf(tmp_path / "a4.pdf", "A4")
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    zeros = [
        (float(x1), float(x2))
        for x1, x2 in re.findall(r'<word xMin="([-\d.]+)" yMin="[-\d.]+" xMax="([-\d.]+)" yMax="[-\d.]+">0</word>', out)
    ]
    centres = [(a + b) / 2 for a, b in zeros]
    assert any(abs(c - 105 * MM) < 0.5 for c in centres), centres


def test_everything_moves_by_the_offsets_it_is_printed_with(tmp_path):
    plain = words(calibration_pdf(tmp_path / "plain.pdf", "A4"))
    moved = words(calibration_pdf(tmp_path / "moved.pdf", "A4", offset_x_mm=2.5, offset_y_mm=-1.0))
    for word in ("BadgeForge", "calibration", "Fold"):
        (x0, y0), (x1, y1) = plain[word], moved[word]
        assert x1 - x0 == pytest.approx(2.5 * MM, abs=0.05)
        assert y1 - y0 == pytest.approx(-1.0 * MM, abs=0.05)
    assert (
        "+2.5"
        in subprocess.run(
            ["pdftotext", str(tmp_path / "moved.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout
    )


def test_small_paper_and_wild_offsets_are_refused_with_the_field(tmp_path):
    with pytest.raises(OptionsError) as small:
        calibration_pdf(tmp_path / "x.pdf", "100x140mm")
    assert small.value.column == "paper" and "140 x 200 mm" in small.value.message and "A4" in small.value.hint
    with pytest.raises(OptionsError) as wild:
        calibration_pdf(tmp_path / "x.pdf", "A4", offset_x_mm=80)
    assert wild.value.column == "offset_x_mm"


def test_the_cli_writes_the_page_and_refuses_small_paper_without_a_traceback(tmp_path):
    import sys

    badgeforge = Path(sys.executable).parent / "badgeforge"
    out = tmp_path / "cal.pdf"
    done = subprocess.run(
        [str(badgeforge), "calibration", "-o", str(out), "--paper", "letter", "--offset-x", "1.5"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (
        page_mm(out) == (216, 279)
        and "+1.5" in subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    )
    small = subprocess.run(
        [str(badgeforge), "calibration", "-o", str(tmp_path / "x.pdf"), "--paper", "100x150mm"],
        capture_output=True,
        text=True,
    )
    assert small.returncode == 2 and "140 x 200 mm" in small.stderr and "Traceback" not in small.stderr
