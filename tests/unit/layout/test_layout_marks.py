"""Crop marks: where they go on a plain grid, and (property) that they never touch a badge or leave the page."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from badge_renderer.layout import Line, Size, Slot, crop_marks, parse_badge_size, parse_paper, plan_preset, plan_sheet
from badge_renderer.layout.units import MM, to_mm

EPS = 1e-6


def _crosses_inside(line: Line, slot: Slot) -> bool:
    """True when the segment passes through the open interior of the slot (touching an edge is not enough)."""
    if line.y1 == line.y2:
        return (
            slot.y + EPS < line.y1 < slot.bottom - EPS
            and min(line.x1, line.x2) < slot.right - EPS
            and max(line.x1, line.x2) > slot.x + EPS
        )
    return (
        slot.x + EPS < line.x1 < slot.right - EPS
        and min(line.y1, line.y2) < slot.bottom - EPS
        and max(line.y1, line.y2) > slot.y + EPS
    )


def _near(line: Line, slot: Slot, clearance: float) -> bool:
    grown = Slot(slot.x - clearance, slot.y - clearance, slot.width + 2 * clearance, slot.height + 2 * clearance)
    return _crosses_inside(line, grown)


def test_single_badge_gets_eight_marks_of_five_mm_starting_clear_of_the_corner() -> None:
    page = Size(200 * MM, 200 * MM)
    slot = Slot(50 * MM, 50 * MM, 100 * MM, 60 * MM)
    marks = crop_marks([slot], page)
    assert len(marks) == 8
    assert all(abs(m.length - 5 * MM) < 1e-6 for m in marks)
    assert Line(43.5 * MM, 50 * MM, 48.5 * MM, 50 * MM) in _rounded(marks)


def _rounded(marks: tuple[Line, ...]) -> list[Line]:
    return [Line(*(round(v / MM, 6) * MM for v in (m.x1, m.y1, m.x2, m.y2))) for m in marks]


def test_grid_without_gutter_keeps_only_outer_marks() -> None:
    layout = plan_sheet(parse_paper("A4"), parse_badge_size("ID-1"), margin_mm=10, crop_marks=True)
    # 2 x 5 grid: every column edge (3) gets a mark above and below, every row edge (6) one left and one right
    assert len(layout.crop_marks) == 3 * 2 + 6 * 2


def test_marks_are_deduplicated_and_shortened_in_narrow_gutters() -> None:
    layout = plan_sheet(parse_paper("A4"), parse_badge_size("A7"), margin_mm=10, gutter_mm=5, crop_marks=True)
    assert len(set(layout.crop_marks)) == len(layout.crop_marks)
    inner = [m for m in layout.crop_marks if 0 < m.length < 5 * MM - EPS]
    assert inner, "a 5 mm gutter leaves room for 2 mm marks between badges"
    assert all(abs(m.length - 2 * MM) < 1e-6 for m in inner)


def test_no_marks_unless_asked_and_none_for_one_per_page() -> None:
    a4, badge = parse_paper("A4"), parse_badge_size("4x3in")
    assert plan_sheet(a4, badge).crop_marks == ()
    assert plan_sheet(a4, badge, one_per_page=True, crop_marks=True).crop_marks == ()


def test_foldover_marks_frame_the_pair_not_the_fold() -> None:
    layout = plan_sheet(parse_paper("A4"), parse_badge_size("ID-1"), sides="foldover", crop_marks=True)
    fold_lines = {round(front.y, 6) for front in layout.fronts}
    horizontal_ys = {round(m.y1, 6) for m in layout.crop_marks if m.y1 == m.y2}
    assert not fold_lines & horizontal_ys


def test_preset_marks_stay_off_the_labels() -> None:
    layout = plan_preset("avery-5395", crop_marks=True)
    assert layout.crop_marks
    assert not any(_crosses_inside(m, s) for m in layout.crop_marks for s in layout.fronts)


@settings(max_examples=120, deadline=None)
@given(
    paper=st.sampled_from(["A3", "A4", "A5", "letter", "legal"]),
    width_mm=st.floats(20, 150),
    height_mm=st.floats(20, 150),
    margin_mm=st.floats(0, 25),
    gutter_mm=st.floats(0, 12),
    offset_mm=st.floats(-5, 5),
    sides=st.sampled_from(["single", "duplex", "foldover"]),
)
def test_crop_marks_never_touch_a_badge_nor_leave_the_page(
    paper: str, width_mm: float, height_mm: float, margin_mm: float, gutter_mm: float, offset_mm: float, sides: str
) -> None:
    page = parse_paper(paper)
    badge = Size(width_mm * MM, height_mm * MM)
    if (
        width_mm > to_mm(page.width) - 2 * margin_mm
        or height_mm * (2 if sides == "foldover" else 1) > to_mm(page.height) - 2 * margin_mm
    ):
        return  # does not fit: covered by the error tests
    layout = plan_sheet(
        page,
        badge,
        margin_mm=margin_mm,
        gutter_mm=gutter_mm,
        offset_x_mm=offset_mm,
        offset_y_mm=-offset_mm,
        sides=sides,
        crop_marks=True,
    )
    badges = layout.fronts + (layout.backs if sides == "foldover" else ())
    for mark in layout.crop_marks:
        assert mark.length >= 1 * MM - EPS
        assert min(mark.x1, mark.x2) >= -EPS and max(mark.x1, mark.x2) <= page.width + EPS
        assert min(mark.y1, mark.y2) >= -EPS and max(mark.y1, mark.y2) <= page.height + EPS
        for slot in badges:
            assert not _near(mark, slot, 1.5 * MM - 1e-3), (mark, slot)


def test_duplex_back_marks_follow_the_back_slots_of_an_off_centre_sheet() -> None:
    """A sheet with a wide right margin: backs are mirrored, so their marks must be too (not the front's copy)."""
    from badge_renderer.layout import PAPERS, SheetPreset, plan_preset
    from badge_renderer.layout.units import INCH

    badge = Size(3 * INCH, 2 * INCH, "3x2in")
    sheet = SheetPreset(
        "test-off-centre", "test", PAPERS["letter"], badge, 2, 4, 0.5 * INCH, 1 * INCH, 3.25 * INCH, 2.25 * INCH
    )
    layout = plan_preset(sheet, sides="duplex", crop_marks=True)

    def vertical_mark_xs(marks: tuple[Line, ...]) -> set[float]:
        return {round(m.x1, 3) for m in marks if m.x1 == m.x2}

    front_edges = {round(v, 3) for s in layout.fronts for v in (s.x, s.right)}
    back_edges = {round(v, 3) for s in layout.backs for v in (s.x, s.right)}
    assert front_edges != back_edges
    assert vertical_mark_xs(layout.marks_for("front")) == front_edges
    assert vertical_mark_xs(layout.marks_for("back")) == back_edges
    assert layout.back_crop_marks == crop_marks(layout.backs, layout.page)


def test_single_and_foldover_sheets_have_no_separate_back_marks() -> None:
    a4, card = parse_paper("A4"), parse_badge_size("ID-1")
    for sides in ("single", "foldover"):
        layout = plan_sheet(a4, card, sides=sides, crop_marks=True)
        assert layout.back_crop_marks == () and layout.marks_for("back") == layout.crop_marks
