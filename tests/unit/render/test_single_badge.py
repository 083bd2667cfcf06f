"""One badge now: a warm design renders single badges at exactly the label's size, as PDF or ZPL."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from badge_renderer.layout.units import INCH, MM
from badge_renderer.model import Attendee
from badge_renderer.options import RenderOptions
from badge_renderer.single import WarmBadge
from tests.zpl_decode import labels

ADA = Attendee(row=2, first_name="Ada", last_name="Lovelace", organization="Analytical Engines")


@pytest.mark.parametrize(
    ("preset", "width", "height"),
    [("brother-dk-11202", 62 * MM, 100 * MM), ("dymo-30856", 62 * MM, 106 * MM), ("zebra-4x3in", 4 * INCH, 3 * INCH)],
)
def test_a_single_badge_pdf_is_one_page_at_the_labels_size(preset: str, width: float, height: float) -> None:
    pdf, _ = WarmBadge(RenderOptions(design="classic", preset=preset, event_name="PyCon")).pdf(ADA)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 1
    box = pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == (round(width, 2), round(height, 2))
    assert "Lovelace" in pages[0].extract_text()


def test_the_same_warm_badge_prints_different_people_and_zpl() -> None:
    warm = WarmBadge(RenderOptions(design="minimal", preset="zebra-4x6in", sides="duplex"))  # label: fronts only
    first, _ = warm.pdf(ADA)
    second, _ = warm.pdf(Attendee(row=3, first_name="Grace", last_name="Hopper"))
    assert "Grace" in PdfReader(io.BytesIO(second)).pages[0].extract_text()
    assert first != second
    zpl, _ = warm.zpl(ADA, dpi=203)
    [(width, length, _)] = labels(zpl.decode("ascii"))
    assert (width, length) == (812, 1218)  # 4 x 6 in at 203 dpi
