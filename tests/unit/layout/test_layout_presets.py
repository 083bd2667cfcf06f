"""Label-sheet presets: counts, exact first/last positions from the makers' geometry, offsets, duplex, fold-over."""

from __future__ import annotations

import pytest

from badge_renderer.errors import DesignError, OptionsError
from badge_renderer.layout import PRESETS, find_preset, plan_preset
from badge_renderer.layout.units import INCH, MM

# name -> (per sheet, first slot top-left, last slot bottom-right), in inches for Letter sheets and mm for A4 ones
EXPECTED = {
    "avery-5395": (8, (0.6875, 7 / 12), (0.6875 + 3.75 + 3.375, 7 / 12 + 3 * 2.5 + 7 / 3), INCH),
    "avery-5392": (6, (0.25, 1.0), (8.25, 10.0), INCH),
    "avery-74459": (6, (0.25, 1.0), (8.25, 10.0), INCH),
    "avery-5390": (8, (0.75, 1.0), (7.75, 10.0), INCH),
    "avery-74536": (8, (0.75, 1.0), (7.75, 10.0), INCH),
    "herma-4412": (10, (25, 23.5), (185, 273.5), MM),
    "durable-1452": (10, (15, 13.5), (195, 283.5), MM),
    "durable-54x90": (10, (15, 13.5), (195, 283.5), MM),
}


def test_every_preset_is_checked_here() -> None:
    assert set(PRESETS) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_preset_count_and_first_and_last_slot(name: str) -> None:
    count, first, last, unit = EXPECTED[name]
    layout = plan_preset(name)
    assert layout.per_sheet == count == PRESETS[name].per_sheet
    assert (layout.fronts[0].x / unit, layout.fronts[0].y / unit) == pytest.approx(first)
    assert (layout.fronts[-1].right / unit, layout.fronts[-1].bottom / unit) == pytest.approx(last)
    assert layout.page == PRESETS[name].paper
    assert layout.badge == PRESETS[name].badge


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_preset_slots_stay_on_the_sheet_and_never_overlap(name: str) -> None:
    layout = plan_preset(name)
    for slot in layout.fronts:
        assert slot.x >= 0 and slot.right <= layout.page.width + 1e-6
        assert slot.y >= 0 and slot.bottom <= layout.page.height + 1e-6
    for i, a in enumerate(layout.fronts):
        for b in layout.fronts[i + 1 :]:
            assert a.right <= b.x + 1e-6 or b.right <= a.x + 1e-6 or a.bottom <= b.y + 1e-6 or b.bottom <= a.y + 1e-6


def test_avery_5395_keeps_the_gaps_between_its_labels() -> None:
    fronts = plan_preset("avery-5395").fronts
    assert fronts[1].x - fronts[0].right == pytest.approx(0.375 * INCH)
    assert fronts[2].y - fronts[0].bottom == pytest.approx((2.5 - 7 / 3) * INCH)


def test_preset_is_placed_as_made_not_recentred() -> None:
    layout = plan_preset("avery-5395")
    top = layout.fronts[0].y
    bottom = layout.page.height - layout.fronts[-1].bottom
    assert top == pytest.approx(7 / 12 * INCH)
    assert bottom == pytest.approx((11 - 7 / 12 - 7.5 - 7 / 3) * INCH)


def test_preset_offsets_shift_every_slot() -> None:
    plain, moved = plan_preset("avery-5392"), plan_preset("avery-5392", offset_x_mm=-1, offset_y_mm=2)
    for a, b in zip(plain.fronts, moved.fronts, strict=True):
        assert (b.x - a.x, b.y - a.y) == pytest.approx((-1 * MM, 2 * MM))


def test_preset_duplex_mirrors_backs() -> None:
    layout = plan_preset("avery-5395", sides="duplex")
    assert layout.backs_on_next_page
    for front, back in zip(layout.fronts, layout.backs, strict=True):
        assert back.x == pytest.approx(layout.page.width - front.x - front.width)
        assert back.y == pytest.approx(front.y)


def test_preset_foldover_pairs_touching_rows() -> None:
    layout = plan_preset("avery-5392", sides="foldover")
    assert layout.per_sheet == 2  # three rows make one pair of rows
    for front, back in zip(layout.fronts, layout.backs, strict=True):
        assert back.rotation == 180
        assert back.bottom == pytest.approx(front.y)
    assert plan_preset("durable-1452", sides="foldover").per_sheet == 4


def test_preset_foldover_refuses_sheets_with_gaps_between_rows() -> None:
    with pytest.raises(DesignError, match="fold"):
        plan_preset("avery-5395", sides="foldover")


def test_preset_names_are_forgiving_and_unknown_ones_list_the_choices() -> None:
    assert find_preset("Avery 5395") is PRESETS["avery-5395"]
    with pytest.raises(OptionsError) as err:
        plan_preset("avery-9999")
    assert err.value.column == "preset"
    assert "avery-5395" in err.value.hint and "durable-54x90" in err.value.hint


def test_preset_object_is_accepted_directly() -> None:
    assert plan_preset(PRESETS["herma-4412"]).per_sheet == 10
