"""Turning badges 90 degrees when that fits more per sheet, the 4 mm automatic margin, and crop marks that fit (or
a note that says they were dropped)."""

from __future__ import annotations

import pytest

from badge_renderer.layout import Size, parse_badge_size, parse_paper, plan_preset, plan_sheet
from badge_renderer.layout.units import MM

# (paper, badge, sides) -> (upright count, turned count), worked out by hand with 10 mm margins:
# A4 leaves 190 x 277 mm; 4 x 3 in is 101.6 x 76.2 mm: upright 1 x 3, turned (76.2 wide) 2 x 2.
TURNS = [
    ("A4", "4x3in", "single", 3, 4),
    ("A4", "4x3in", "duplex", 3, 4),
    ("A4", "4x3in", "foldover", 1, 2),  # a 4 x 6 in pair: once upright, twice side by side
    ("A4", "3.5x2.25in", "single", 10, 10),  # 88.9 x 57.15 mm: 2 x 5 upright with 4 mm margins beat 3 x 3 turned
    ("A5", "ID-1", "single", 3, 4),  # 128 x 190 mm: 1 x 3 upright, 2 x 2 turned
    ("A4", "ID-1", "single", 10, 10),  # no gain: stays upright
    ("letter", "4x3in", "single", 6, 6),  # auto margin: 1/4 in sides give 6 upright; turning only ties
]


@pytest.mark.parametrize(("paper", "badge", "sides", "upright", "turned"), TURNS)
def test_badges_turn_only_when_that_fits_more(paper: str, badge: str, sides: str, upright: int, turned: int) -> None:
    page, size = parse_paper(paper), parse_badge_size(badge)
    still = plan_sheet(page, size, margin_mm=None, sides=sides, rotate=False)
    best = plan_sheet(page, size, margin_mm=None, sides=sides)
    assert (still.per_sheet, best.per_sheet) == (upright, turned)
    assert all(s.rotation in (0, 180) for s in still.fronts + still.backs)
    assert all(s.rotation == (90 if turned > upright else 0) for s in best.fronts)


def test_four_4x3in_on_a4_keep_ordinary_margins_and_stay_centred() -> None:
    layout = plan_sheet(parse_paper("A4"), parse_badge_size("4x3in"), margin_mm=None)
    left = min(s.x for s in layout.fronts)
    top = min(s.y for s in layout.fronts)
    assert left == pytest.approx(layout.page.width - max(s.right for s in layout.fronts))
    assert top == pytest.approx(layout.page.height - max(s.bottom for s in layout.fronts))
    assert min(left, top) >= 10 * MM  # 2 x 76.2 = 152.4 mm across A4's 210: 28.8 mm each side
    for slot in layout.fronts:
        assert (slot.width, slot.height) == pytest.approx((3 * 72, 4 * 72))  # the turned badge's footprint


def test_square_badges_and_badge_printers_never_turn() -> None:
    a4 = parse_paper("A4")
    assert all(s.rotation == 0 for s in plan_sheet(a4, Size(60 * MM, 60 * MM)).fronts)
    single = plan_sheet(a4, parse_badge_size("4x3in"), one_per_page=True)
    assert single.fronts[0].rotation == 0 and (single.page.width, single.page.height) == (288, 216)


def test_turned_duplex_backs_are_mirrored_and_turned_the_other_way() -> None:
    layout = plan_sheet(parse_paper("A4"), parse_badge_size("4x3in"), sides="duplex")
    for front, back in zip(layout.fronts, layout.backs, strict=True):
        assert (front.rotation, back.rotation) == (90, 270)
        # the front's top edge is its right edge; flipped on the long edge it lies behind the back's left edge
        assert back.x == pytest.approx(layout.page.width - front.right)
        assert (back.y, back.width, back.height) == pytest.approx((front.y, front.width, front.height))


def test_turned_fold_over_pairs_join_at_the_top_edges_and_marks_frame_the_pair() -> None:
    layout = plan_sheet(parse_paper("A4"), parse_badge_size("4x3in"), sides="foldover", crop_marks=True)
    fold_lines = set()
    for front, back in zip(layout.fronts, layout.backs, strict=True):
        assert (front.rotation, back.rotation) == (90, 270)
        assert back.x == pytest.approx(front.right) and back.y == pytest.approx(front.y)
        fold_lines.add(round(front.right, 3))
    vertical_xs = {round(m.x1, 3) for m in layout.crop_marks if m.x1 == m.x2}
    assert vertical_xs and not vertical_xs & fold_lines  # never a cut mark on the fold


def test_crop_marks_follow_the_turned_slots() -> None:
    layout = plan_sheet(parse_paper("A4"), parse_badge_size("4x3in"), crop_marks=True)
    vertical_xs = {round(m.x1, 3) for m in layout.crop_marks if m.x1 == m.x2}
    horizontal_ys = {round(m.y1, 3) for m in layout.crop_marks if m.y1 == m.y2}
    assert vertical_xs == {round(v, 3) for s in layout.fronts for v in (s.x, s.right)}
    assert horizontal_ys == {round(v, 3) for s in layout.fronts for v in (s.y, s.bottom)}
    assert layout.notes == ()


def test_auto_margin_goes_down_to_4_mm_and_crop_marks_still_fit_there() -> None:
    # 95 x 57.5 mm badges on A4: 10 mm margins leave 277 mm, four rows; five rows need 287.5 mm, i.e. 4.75 mm top
    # and bottom, which the old 5 mm floor refused. Marks start 1.5 mm off the badge: 3.25 mm of mark still fits.
    a4, badge = parse_paper("A4"), Size(95 * MM, 57.5 * MM)
    layout = plan_sheet(a4, badge, margin_mm=None, crop_marks=True)
    assert layout.per_sheet == 10
    assert min(s.y for s in layout.fronts) == pytest.approx(4.75 * MM)
    assert layout.notes == ()
    top_marks = [m for m in layout.crop_marks if m.x1 == m.x2 and min(m.y1, m.y2) < 1e-6]
    assert top_marks and all(m.length == pytest.approx(3.25 * MM) for m in top_marks)
    assert plan_sheet(a4, badge, margin_mm=5, crop_marks=True, rotate=False).per_sheet == 8  # what 5 mm allowed


def test_crop_marks_that_find_no_room_are_dropped_and_the_plan_says_so() -> None:
    tight = plan_sheet(parse_paper("A4"), Size(105 * MM, 74.25 * MM), margin_mm=0, crop_marks=True, rotate=False)
    assert tight.crop_marks == ()
    assert len(tight.notes) == 1 and tight.notes[0].startswith("Crop marks were dropped:")
    edge_to_edge = plan_preset("Lyreco 143.344", crop_marks=True)  # no side margin: no horizontal cut marks
    assert edge_to_edge.crop_marks and "for 9 of 11 cut lines" in edge_to_edge.notes[0]
    assert plan_preset("Lyreco 143.344").notes == ()  # nothing to say when no marks were asked for
