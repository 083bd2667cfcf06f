"""Parsing what users type for paper and badge size: names, custom sizes in mm/cm/in, and clean errors."""

from __future__ import annotations

import pytest

from badge_renderer.errors import OptionsError
from badge_renderer.layout import BADGE_SIZES, PAPERS, parse_badge_size, parse_paper
from badge_renderer.layout.units import INCH, MM


def _mm(size) -> tuple[float, float]:
    return round(size.width / MM, 3), round(size.height / MM, 3)


@pytest.mark.parametrize(
    ("text", "expected_mm"),
    [
        ("A3", (297, 420)),
        ("a4", (210, 297)),
        (" A5 ", (148, 210)),
        ("letter", (215.9, 279.4)),
        ("US Letter", (215.9, 279.4)),
        ("Legal", (215.9, 355.6)),
        ("us-legal", (215.9, 355.6)),
        ("210x297mm", (210, 297)),
        ("100 x 70 mm", (100, 70)),
        ("21x29.7cm", (210, 297)),
        ("8.5x11in", (215.9, 279.4)),
    ],
)
def test_parse_paper_accepts_names_and_custom_sizes(text: str, expected_mm: tuple[float, float]) -> None:
    assert _mm(parse_paper(text)) == expected_mm


@pytest.mark.parametrize(
    ("text", "expected_in"),
    [
        ("4x3in", (4, 3)),
        ("4 x 3 in", (4, 3)),
        ("4.5x4in", (4.5, 4)),
        ("4x4.5in", (4, 4.5)),
        ("3.5 x 2.25 in", (3.5, 2.25)),
        ("3x4in", (3, 4)),
        ('4x3"', (4, 3)),
    ],
)
def test_parse_badge_size_in_inches_keeps_width_and_height_as_given(text: str, expected_in) -> None:
    size = parse_badge_size(text)
    assert (size.width / INCH, size.height / INCH) == pytest.approx(expected_in)


@pytest.mark.parametrize(
    ("text", "expected_mm"),
    [
        ("A6", (105, 148)),
        ("a7", (74, 105)),
        ("ID-1", (85.6, 54)),
        ("CR80", (85.6, 54)),
        ("id1", (85.6, 54)),
        ("85.6x54mm", (85.6, 54)),
        ("85,6x54mm", (85.6, 54)),
        ("90x54mm", (90, 54)),
    ],
)
def test_parse_badge_size_names_and_metric(text: str, expected_mm) -> None:
    assert _mm(parse_badge_size(text)) == expected_mm


def test_named_sizes_keep_a_readable_name_for_messages() -> None:
    assert parse_paper("us letter").name == "Letter"
    assert parse_badge_size("cr80").describe() == "ID-1 (85.6 x 54 mm)"


@pytest.mark.parametrize("text", ["B5", "A4x", "huge", "4x3", "4x3ft", "", "x3in"])
def test_unknown_paper_is_an_options_error_listing_valid_names(text: str) -> None:
    with pytest.raises(OptionsError) as err:
        parse_paper(text)
    assert err.value.column == "paper"
    for size in PAPERS.values():
        assert size.name in err.value.hint


def test_unknown_badge_size_lists_valid_names() -> None:
    with pytest.raises(OptionsError) as err:
        parse_badge_size("jumbo")
    assert err.value.column == "badge_size"
    assert "jumbo" in str(err.value)
    for size in BADGE_SIZES.values():
        assert size.name in err.value.hint


@pytest.mark.parametrize("text", ["0x54mm", "5x5mm", "2000x54mm"])
def test_absurd_custom_sizes_are_rejected(text: str) -> None:
    with pytest.raises(OptionsError, match="out of range"):
        parse_badge_size(text)


def test_non_text_is_a_clean_error() -> None:
    with pytest.raises(OptionsError):
        parse_paper(None)  # type: ignore[arg-type]
