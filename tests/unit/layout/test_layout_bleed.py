"""Bleed geometry: gutters of two bleeds, crop marks outside the bleed, pages that grow, label sheets with room."""

from __future__ import annotations

import itertools

import pytest

from badge_renderer.errors import OptionsError
from badge_renderer.layout import MM, parse_badge_size, parse_paper, plan_preset, plan_sheet
from badge_renderer.layout.bleed import bleed_clip
from badge_renderer.options import RenderOptions

A4, BADGE = parse_paper("A4"), parse_badge_size("90x54mm")


def test_neighbours_are_at_least_two_bleeds_apart() -> None:
    layout = plan_sheet(A4, BADGE, bleed_mm=3)
    assert layout.bleed == pytest.approx(3 * MM)
    for a, b in itertools.combinations(layout.fronts, 2):
        gap_x = max(b.x - a.right, a.x - b.right)
        gap_y = max(b.y - a.bottom, a.y - b.bottom)
        assert max(gap_x, gap_y) >= 6 * MM - 1e-6


def test_crop_marks_start_outside_every_bleed() -> None:
    layout = plan_sheet(A4, BADGE, bleed_mm=3, crop_marks=True)
    assert layout.crop_marks
    for line in layout.crop_marks:
        for slot in layout.fronts:
            left, top = slot.x - 3 * MM, slot.y - 3 * MM
            right, bottom = slot.right + 3 * MM, slot.bottom + 3 * MM
            crosses_x = min(line.x1, line.x2) < right - 1e-6 and max(line.x1, line.x2) > left + 1e-6
            crosses_y = min(line.y1, line.y2) < bottom - 1e-6 and max(line.y1, line.y2) > top + 1e-6
            assert not (crosses_x and crosses_y), (line, slot)


def test_one_per_page_grows_by_the_bleed_and_room_for_marks() -> None:
    plain = plan_sheet(A4, BADGE, one_per_page=True, bleed_mm=3)
    assert plain.page.width == pytest.approx(BADGE.width + 6 * MM)
    assert plain.fronts[0].x == pytest.approx(3 * MM)
    marked = plan_sheet(A4, BADGE, one_per_page=True, bleed_mm=3, crop_marks=True)
    assert marked.page.width > plain.page.width and marked.crop_marks
    assert min(line.x1 for line in marked.crop_marks) >= 0


def test_a_fold_over_pair_does_not_bleed_across_its_fold() -> None:
    layout = plan_sheet(A4, parse_badge_size("4x3in"), sides="foldover", bleed_mm=3, rotate=False)
    front, back = layout.fronts[0], layout.backs[0]
    fx, fy, _fw, fh = bleed_clip(front, layout.bleed, fold=True)
    _bx, by, _bw, bh = bleed_clip(back, layout.bleed, fold=True)
    assert fy == pytest.approx(front.y) and by + bh == pytest.approx(back.bottom) == pytest.approx(front.y)
    assert fx == pytest.approx(front.x - 3 * MM) and fy + fh == pytest.approx(front.bottom + 3 * MM)


def test_a_turned_fold_over_pair_does_not_bleed_across_its_fold_either() -> None:
    """Turned pairs lie side by side, joined at the badges' top edges: the fold is the front's right edge."""
    layout = plan_sheet(A4, parse_badge_size("4x3in"), sides="foldover", bleed_mm=3)
    front, back = layout.fronts[0], layout.backs[0]
    assert (front.rotation, back.rotation) == (90, 270) and back.x == pytest.approx(front.right)
    fx, fy, fw, _fh = bleed_clip(front, layout.bleed, fold=True)
    bx, by, bw, bh = bleed_clip(back, layout.bleed, fold=True)
    assert fx + fw == pytest.approx(front.right) == pytest.approx(bx)  # neither half paints over the other
    assert fx == pytest.approx(front.x - 3 * MM) and fy == pytest.approx(front.y - 3 * MM)
    assert bx + bw == pytest.approx(back.right + 3 * MM) and by + bh == pytest.approx(back.bottom + 3 * MM)


@pytest.mark.parametrize("value", [-1, 6.5, 100, float("nan"), True])
def test_bleed_out_of_range_names_the_option(value: object) -> None:
    with pytest.raises(OptionsError) as err:
        RenderOptions.from_dict({"bleed_mm": value})
    assert err.value.column == "bleed_mm"


def test_bleed_as_text_in_job_json_is_a_clear_error() -> None:
    with pytest.raises(OptionsError, match="bleed_mm must be a number"):
        RenderOptions.from_dict({"bleed_mm": "3mm"})


def test_bleed_on_die_cut_labels_says_how_much_fits() -> None:
    with pytest.raises(OptionsError, match=r"at most 2\.1 mm fits between its die-cut labels") as err:
        RenderOptions.from_dict({"preset": "Avery 5395", "bleed_mm": 3})
    assert err.value.column == "bleed_mm"
    assert plan_preset("avery-5395", bleed_mm=2).bleed == pytest.approx(2 * MM)  # what fits, fits


def test_bleed_on_edge_to_edge_inserts_is_refused() -> None:
    with pytest.raises(OptionsError, match="pieces touch"):
        RenderOptions.from_dict({"preset": "avery-5392", "bleed_mm": 3})


def test_bleed_wider_than_the_margin_is_refused_but_auto_margins_make_room() -> None:
    with pytest.raises(OptionsError, match="margins of at least 4 mm"):
        RenderOptions.from_dict({"bleed_mm": 4, "margin_mm": 2})
    assert plan_sheet(A4, BADGE, margin_mm=None, bleed_mm=6).fronts  # auto margin grows to the bleed
