"""N-up maths: counts per paper and badge size, centring, gutters, calibration offsets, one-per-page, duplex mirroring,
fold-over pairs, page counts and the does-not-fit error."""

from __future__ import annotations

import dataclasses

import pytest

from badge_renderer.errors import DesignError, OptionsError
from badge_renderer.layout import SheetLayout, Slot, auto_margin_mm, parse_badge_size, parse_paper, plan_sheet
from badge_renderer.layout.units import MM

# (paper, badge, margin mm) -> (columns, rows), worked out by hand from the sizes in mm:
# e.g. A4 is 210 wide: with 10 mm margins 190 mm is left, less than two 4 in (101.6 mm) badges.
COUNTS = [
    ("A4", "4x3in", 10, (1, 3)),
    ("A4", "4x3in", 3, (2, 3)),
    ("letter", "4x3in", 10, (1, 3)),
    ("letter", "4x3in", 6.35, (2, 3)),  # exactly 2 x 4 in across: must not lose to rounding
    ("legal", "4x3in", 6.35, (2, 4)),
    ("A3", "4x3in", 10, (2, 5)),
    ("A4", "A6", 0, (2, 2)),  # exact fit
    ("A4", "A6", 10, (1, 1)),
    ("A4", "A7", 10, (2, 2)),
    ("A3", "A6", 10, (2, 2)),
    ("A4", "ID-1", 10, (2, 5)),
    ("A5", "ID-1", 10, (1, 3)),
    ("A4", "3.5x2.25in", 10, (2, 4)),
    ("letter", "3.5x2.25in", 10, (2, 4)),
    ("A4", "4.5x4in", 10, (1, 2)),
    ("A4", "4x4.5in", 10, (1, 2)),
    ("A4", "3x4in", 10, (2, 2)),
    ("A5", "A7", 0, (2, 2)),
]


def _grid(layout: SheetLayout) -> tuple[int, int]:
    return len({round(s.x, 6) for s in layout.fronts}), len({round(s.y, 6) for s in layout.fronts})


@pytest.mark.parametrize(("paper", "badge", "margin", "grid"), COUNTS)
def test_badges_per_page(paper: str, badge: str, margin: float, grid: tuple[int, int]) -> None:
    layout = plan_sheet(parse_paper(paper), parse_badge_size(badge), margin_mm=margin, rotate=False)
    assert _grid(layout) == grid
    assert layout.per_sheet == grid[0] * grid[1]


@pytest.mark.parametrize(("paper", "badge", "margin", "grid"), COUNTS)
def test_grid_is_centred_and_inside_the_margins(paper: str, badge: str, margin: float, grid) -> None:
    layout = plan_sheet(parse_paper(paper), parse_badge_size(badge), margin_mm=margin)  # turned or not
    left = min(s.x for s in layout.fronts)
    right = layout.page.width - max(s.right for s in layout.fronts)
    top = min(s.y for s in layout.fronts)
    bottom = layout.page.height - max(s.bottom for s in layout.fronts)
    assert left == pytest.approx(right)
    assert top == pytest.approx(bottom)
    assert min(left, top) >= margin * MM - 1e-6


def test_slots_run_left_to_right_then_top_to_bottom_without_overlap() -> None:
    layout = plan_sheet(parse_paper("A4"), parse_badge_size("ID-1"), margin_mm=10)
    keys = [(s.y, s.x) for s in layout.fronts]
    assert keys == sorted(keys)
    assert layout.fronts[1].x == pytest.approx(layout.fronts[0].right)
    assert layout.fronts[2].y == pytest.approx(layout.fronts[0].bottom)


def test_gutters_separate_badges_and_can_cost_a_column() -> None:
    a4, card = parse_paper("A4"), parse_badge_size("ID-1")
    layout = plan_sheet(a4, card, margin_mm=10, gutter_mm=5, rotate=False)
    first, second, below = layout.fronts[0], layout.fronts[1], layout.fronts[2]
    assert second.x - first.right == pytest.approx(5 * MM)
    assert below.y - first.bottom == pytest.approx(5 * MM)
    assert _grid(layout) == (2, 4)  # 5 x 54 + 4 x 5 = 290 mm > 277 mm: one row fewer
    # 20 mm gutters: 2 x 85.6 + 20 = 191.2 mm > 190 mm (one column); 4 x 54 + 3 x 20 = 276 mm <= 277 mm (four rows)
    assert _grid(plan_sheet(a4, card, margin_mm=10, gutter_mm=20, rotate=False)) == (1, 4)


def test_calibration_offset_moves_everything_right_and_down() -> None:
    a4, badge = parse_paper("A4"), parse_badge_size("4x3in")
    plain = plan_sheet(a4, badge, sides="duplex")
    moved = plan_sheet(a4, badge, sides="duplex", offset_x_mm=2, offset_y_mm=-1.5)
    for before, after in zip(plain.fronts + plain.backs, moved.fronts + moved.backs, strict=True):
        assert after.x - before.x == pytest.approx(2 * MM)
        assert after.y - before.y == pytest.approx(-1.5 * MM)
    assert moved.per_sheet == plain.per_sheet


def test_one_per_page_makes_the_page_the_badge() -> None:
    layout = plan_sheet(parse_paper("A4"), parse_badge_size("4x3in"), one_per_page=True, offset_x_mm=1)
    assert (layout.page.width, layout.page.height) == (288, 216)
    assert layout.fronts == (Slot(1 * MM, 0, 288, 216),)
    assert layout.pages_for(7) == 7


def test_one_per_page_ignores_a_paper_the_badge_would_not_fit() -> None:
    layout = plan_sheet(parse_paper("A5"), parse_badge_size("A4".replace("A4", "250x180mm")), one_per_page=True)
    assert layout.per_sheet == 1


def test_duplex_backs_mirror_the_fronts_on_the_next_page() -> None:
    layout = plan_sheet(parse_paper("A4"), parse_badge_size("ID-1"), margin_mm=12, sides="duplex")
    assert layout.backs_on_next_page
    assert len(layout.backs) == len(layout.fronts)
    page_w = layout.page.width
    for front, back in zip(layout.fronts, layout.backs, strict=True):
        assert back.x == pytest.approx(page_w - front.x - front.width)
        assert back.y == pytest.approx(front.y)
        assert back.rotation == 0
    # left column's backs are in the right column
    assert layout.backs[0].x == pytest.approx(layout.fronts[1].x)


def test_duplex_doubles_physical_pages() -> None:
    a4, card = parse_paper("A4"), parse_badge_size("ID-1")
    assert plan_sheet(a4, card).pages_for(21) == 3
    assert plan_sheet(a4, card, sides="duplex").pages_for(21) == 6
    assert plan_sheet(a4, card).pages_for(20) == 2
    assert plan_sheet(a4, card).pages_for(0) == 0


def test_foldover_puts_the_back_upside_down_directly_above_the_front() -> None:
    layout = plan_sheet(parse_paper("A4"), parse_badge_size("ID-1"), margin_mm=10, sides="foldover")
    assert not layout.backs_on_next_page
    assert layout.per_sheet == 4  # pairs of 2 x 54 mm: 277 // 108 = 2 rows, 2 columns
    for front, back in zip(layout.fronts, layout.backs, strict=True):
        assert back.rotation == 180 and front.rotation == 0
        assert back.x == pytest.approx(front.x)
        assert back.bottom == pytest.approx(front.y)  # the shared fold line
    assert layout.pages_for(5) == 2


def test_foldover_pairs_are_centred() -> None:
    layout = plan_sheet(parse_paper("A4"), parse_badge_size("ID-1"), margin_mm=10, sides="foldover")
    top = min(s.y for s in layout.backs)
    bottom = layout.page.height - max(s.bottom for s in layout.fronts)
    assert top == pytest.approx(bottom)


def test_badge_that_does_not_fit_says_sizes_margins_and_what_to_do() -> None:
    with pytest.raises(DesignError) as err:
        plan_sheet(parse_paper("A5"), parse_badge_size("5.5x4in"), margin_mm=10, rotate=False)
    text = str(err.value)
    assert "5.5x4in (139.7 x 101.6 mm)" in text
    assert "A5 (148 x 210 mm)" in text
    assert "10 mm margins" in text
    assert "128 x 190 mm" in text
    assert "larger paper" in text and "--one-per-page" in text


def test_foldover_that_does_not_fit_says_why() -> None:
    with pytest.raises(DesignError, match="fold-over pair"):
        plan_sheet(parse_paper("A4"), parse_badge_size("A6"), margin_mm=10, sides="foldover")


@pytest.mark.parametrize(
    ("kwargs", "column"),
    [
        ({"sides": "both"}, "sides"),
        ({"margin_mm": -1}, "margin_mm"),
        ({"gutter_mm": float("nan")}, "gutter_mm"),
        ({"offset_x_mm": 80}, "offset_x_mm"),
        ({"offset_y_mm": float("inf")}, "offset_y_mm"),
    ],
)
def test_bad_numbers_are_options_errors(kwargs: dict, column: str) -> None:
    with pytest.raises(OptionsError) as err:
        plan_sheet(parse_paper("A4"), parse_badge_size("A7"), **kwargs)
    assert err.value.column == column


def test_plans_are_immutable_values() -> None:
    layout = plan_sheet(parse_paper("A4"), parse_badge_size("A7"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        layout.fronts[0].x = 0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        layout.page = layout.badge  # type: ignore[misc]
    assert layout == plan_sheet(parse_paper("A4"), parse_badge_size("A7"))


# Automatic margin (margin_mm=None): 10 mm, or down to 4 mm when that fits more badges per sheet.
def test_auto_margin_puts_two_columns_of_4x3in_on_letter_like_avery_inserts() -> None:
    letter, badge = parse_paper("letter"), parse_badge_size("4x3in")
    layout = plan_sheet(letter, badge, margin_mm=None)
    assert layout.per_sheet == 6 and _grid(layout) == (2, 3)
    assert min(s.x for s in layout.fronts) == pytest.approx(0.25 * 72)  # Avery 5392's 1/4 in side margins
    assert auto_margin_mm(letter, badge) == pytest.approx(6.35)


def test_an_explicit_margin_is_used_as_given() -> None:
    letter, a4, badge = parse_paper("letter"), parse_paper("A4"), parse_badge_size("4x3in")
    assert plan_sheet(letter, badge, margin_mm=10, rotate=False).per_sheet == 3
    assert plan_sheet(a4, badge, margin_mm=10, rotate=False).per_sheet == 3
    assert plan_sheet(a4, badge, margin_mm=10).per_sheet == 4  # turned: 2 x 2 of 3 x 4 in


def test_auto_margin_on_a4_keeps_the_printer_border() -> None:
    """Two upright 4 in columns need 3.4 mm side margins on A4: below a printer's 4 mm border, so upright stays 3."""
    a4, badge = parse_paper("A4"), parse_badge_size("4x3in")
    assert plan_sheet(a4, badge, margin_mm=None, rotate=False).per_sheet == 3
    assert auto_margin_mm(a4, badge) == 10.0


@pytest.mark.parametrize(
    ("paper", "badge", "before", "after"),
    [("A4", "3.5x2.25in", 8, 10), ("legal", "4x3in", 4, 8), ("A3", "3x4in", 9, 12), ("A4", "ID-1", 10, 10)],
)
def test_auto_margin_gains_only_where_a_smaller_margin_fits_more(paper: str, badge: str, before: int, after: int):
    page, size = parse_paper(paper), parse_badge_size(badge)
    assert plan_sheet(page, size, margin_mm=10, rotate=False).per_sheet == before
    auto = plan_sheet(page, size, margin_mm=None, rotate=False)
    assert auto.per_sheet == after
    margin = auto_margin_mm(page, size)
    assert 4.0 <= margin <= 10.0
    # the chosen margin really gets that count
    assert plan_sheet(page, size, margin_mm=margin, rotate=False).fronts == auto.fronts
    left = min(s.x for s in auto.fronts)
    assert left == pytest.approx(page.width - max(s.right for s in auto.fronts))  # still centred
    assert min(left, min(s.y for s in auto.fronts)) >= 4 * MM - 1e-6


def test_auto_margin_says_4_mm_when_nothing_fits() -> None:
    with pytest.raises(DesignError, match="4 mm margins"):
        plan_sheet(parse_paper("A5"), parse_badge_size("5.8x4in"), margin_mm=None, rotate=False)
    with pytest.raises(DesignError, match="4 mm margins"):  # neither way round
        plan_sheet(parse_paper("A5"), parse_badge_size("8x6in"), margin_mm=None)


def test_auto_margin_counts_fold_over_pairs() -> None:
    # A fold-over pair of 4x3in is 4x6in: two fit down Legal; two across only with 1/4 in side margins.
    layout = plan_sheet(parse_paper("legal"), parse_badge_size("4x3in"), margin_mm=None, sides="foldover")
    assert layout.per_sheet == 4 and len(layout.backs) == 4
