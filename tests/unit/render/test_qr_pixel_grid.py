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
    ("classic", None, "arabic", (0.0, 0.0)),
    ("minimal", None, "japanese", (0.07, 0.11)),
    ("conference", "85.6x54mm", "latin", (0.13, 0.29)),
    ("modern", "3x4in", "korean", (0.07, 0.11)),
    ("pass", "74x105mm", "arabic", (0.13, 0.29)),
    ("classic", "85.6x54mm", "japanese", (0.13, 0.29)),
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
    run = subprocess.run([_tool("zbarimg"), "-q", "--raw", *map(str, pngs)], capture_output=True)
    decoded = [text for text in run.stdout.decode("utf-8").split("END:VCARD\r\n") if text.strip()]
    if left_out:  # the too-small rule: no code printed, and the row says so
        assert not decoded
        return
    expected = qr_payload(person, "", "vcard")
    # One badge, one code (pass: on its back page), and it decodes to exactly the vCard.
    assert len(decoded) == 1, (design, size, script, offset, decoded)
    assert all(text.lstrip("\n") + "END:VCARD\r\n" == expected for text in decoded), (design, size, script, offset)
