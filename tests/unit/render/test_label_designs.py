"""Every bundled design on label-printer stock (portrait labels, a continuous roll): no text below 6 pt and no
text outside the label, read back from the PDF (pypdf for the sizes cairo wrote, pdftotext -bbox for the boxes)."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from badge_renderer.designs import list_designs
from badge_renderer.layout import PRESETS
from badge_renderer.layout.units import MM
from badge_renderer.model import Attendee
from badge_renderer.render import RenderOptions, render_pdf
from tests.pdf_text import text_sizes

logging.getLogger("pypdf").setLevel(logging.ERROR)  # cairo repeats XObject keys; pypdf warns about each
SMALLEST_PT = 6.0  # the house rule: nothing smaller reads on a badge
LABELS = sorted(name for name, preset in PRESETS.items() if preset.kind != "sheet")
# Long values in every field a design prints: the fitter has to shrink, wrap or shorten each of them.
PERSON = Attendee(
    row=2,
    first_name="Maximiliane",
    last_name="Wolkenstein-Rodeneck",
    role="Head of Developer Relations",
    organization="Internationale Gesellschaft fuer Datenverarbeitung",
    pronouns="she/her",
    ticket_type="Speaker",
    email="m@example.org",
    ticket_id="PCE26-7KQ2M",
)
_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)"')


@pytest.mark.parametrize("preset", LABELS)
@pytest.mark.parametrize("design", [d.name for d in list_designs()])
def test_designs_on_label_stock_print_nothing_below_6_pt_and_every_word_on_the_label(
    tmp_path: Path, design: str, preset: str
) -> None:
    """Portrait labels (62 x 100, DYMO 41 x 89 ...), the 4 x 3 in and 4 x 6 in Zebra stock and the continuous roll:
    one render each, read back twice (sizes with pypdf, word boxes with pdftotext)."""
    out = tmp_path / "label.pdf"
    render_pdf([PERSON], RenderOptions(design=design, preset=preset, event_name="PyCon 2026"), out)
    runs = text_sizes(out)
    assert len(runs) >= 4  # name, event, role, organization ... really drawn as text
    small = [(round(size, 2), text) for size, text in runs if size < SMALLEST_PT - 0.01]
    assert not small, f"{design} on {preset}: text below 6 pt: {small}"
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed (make test does): word boxes not checked")
    bbox = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True, text=True, check=True).stdout
    width, height = map(float, _PAGE.search(bbox).groups())  # type: ignore[union-attr]
    expected = PRESETS[preset].badge
    assert round(width, 1) == round(expected.width, 1)  # the page is the label
    if PRESETS[preset].kind == "label":
        assert round(height, 1) == round(expected.height, 1)
    boxes = [tuple(map(float, m)) for m in _WORD.findall(bbox)]
    assert len(boxes) >= 6
    inset = 1 * MM  # clear of the label printer's cut
    for x0, y0, x1, y1 in boxes:
        assert inset <= x0 and x1 <= width - inset and inset <= y0 and y1 <= height - inset, (design, x0, y1)
