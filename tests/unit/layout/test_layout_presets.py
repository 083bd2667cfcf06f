"""Label-sheet presets: counts, exact first/last positions from the makers' geometry, names as people type them,
unconfirmed warnings, offsets, duplex, fold-over, turned pieces, label printers and continuous rolls."""

from __future__ import annotations

import pytest

from badge_renderer.errors import DesignError, OptionsError
from badge_renderer.layout import PRESETS, find_preset, parse_badge_size, plan_preset, preset_warnings
from badge_renderer.layout.units import INCH, MM

# name -> (per sheet, first slot top-left, last slot bottom-right), in inches for Letter sheets and mm for A4 ones.
# The figures are the makers' (via gLabels or pretix), worked out by hand: e.g. HERMA 4412's last label ends at
# 17.5 + 95 + 80 = 192.5 mm across and 13.5 + 4 x 55 + 50 = 283.5 mm down.
EXPECTED = {
    "herma-4412": (10, (17.5, 13.5), (192.5, 283.5), MM),
    "avery-l4785": (10, (18, 13), (193, 283), MM),
    "durable-1445-02": (10, (15, 12), (195, 282), MM),
    "durable-1453-02": (12, (30, 28.5), (180, 268.5), MM),
    "durable-1456-02": (8, (15, 28.5), (195, 268.5), MM),
    "durable-8334-02": (12, (30, 28.5), (180, 268.5), MM),
    "herma-9642": (24, (15, 13.5), (193, 283.5), MM),
    "lyreco-143.344": (24, (0, 4.5), (210, 292.5), MM),
    "a4-4xa6": (4, (0, 0), (210, 297), MM),
    "a4-4xa6-landscape": (4, (0, 0), (210, 297), MM),
    "a4-8xa7": (8, (0, 0), (210, 297), MM),
    "a4-8xa7-portrait": (8, (0, 0), (210, 297), MM),
    "avery-5395": (8, (0.6875, 7 / 12), (0.6875 + 3.75 + 3.375, 7 / 12 + 3 * 2.5 + 7 / 3), INCH),
    "avery-5392": (6, (0.25, 1.0), (8.25, 10.0), INCH),
    "avery-5390": (8, (0.75, 1.0), (7.75, 10.0), INCH),
    "brother-dk-11202": (1, (0, 0), (62, 100), MM),
    "brother-dk-2205": (1, (0, 0), (62, 62), MM),  # without a design: a square; see the roll tests
    "dymo-30856": (1, (0, 0), (62, 106), MM),
    "dymo-30374": (1, (0, 0), (51, 89), MM),
    "dymo-99015": (1, (0, 0), (54, 70), MM),
    "dymo-99014": (1, (0, 0), (54, 101), MM),
    "dymo-11356": (1, (0, 0), (41, 89), MM),
    "zebra-4x3in": (1, (0, 0), (4, 3), INCH),
    "zebra-4x6in": (1, (0, 0), (4, 6), INCH),
}
UNCONFIRMED = {"avery-5390", "durable-8334-02"}


def test_every_preset_is_checked_here() -> None:
    assert set(PRESETS) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_preset_count_and_first_and_last_slot(name: str) -> None:
    count, first, last, unit = EXPECTED[name]
    layout = plan_preset(name)
    assert layout.per_sheet == count == PRESETS[name].per_sheet
    assert (layout.fronts[0].x / unit, layout.fronts[0].y / unit) == pytest.approx(first)
    assert (layout.fronts[-1].right / unit, layout.fronts[-1].bottom / unit) == pytest.approx(last)
    if PRESETS[name].kind != "continuous":
        assert layout.page == PRESETS[name].paper
        assert layout.badge == PRESETS[name].badge


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_preset_slots_stay_on_the_sheet_and_never_overlap(name: str) -> None:
    layout = plan_preset(name)
    for slot in layout.fronts:
        assert slot.x >= -1e-6 and slot.right <= layout.page.width + 1e-6
        assert slot.y >= -1e-6 and slot.bottom <= layout.page.height + 1e-6
    for i, a in enumerate(layout.fronts):
        for b in layout.fronts[i + 1 :]:
            assert a.right <= b.x + 1e-6 or b.right <= a.x + 1e-6 or a.bottom <= b.y + 1e-6 or b.bottom <= a.y + 1e-6


def test_herma_4412_sits_on_its_labels_not_edge_to_edge() -> None:
    """The old preset laid the labels edge to edge and centred: 7.5 mm (x) to 10 mm (y) off the real ones."""
    fronts = plan_preset("HERMA 4412").fronts
    assert fronts[1].x - fronts[0].right == pytest.approx(15 * MM)  # 95 mm pitch, 80 mm labels
    assert fronts[2].y - fronts[0].bottom == pytest.approx(5 * MM)  # 55 mm pitch, 50 mm labels


def test_durable_1445_02_starts_12_mm_down_and_keeps_its_old_names() -> None:
    assert plan_preset("Durable 1445-02").fronts[0].y == pytest.approx(12 * MM)
    for old in ("durable-1452", "durable-54x90", "Durable 1445", "DURABLE 1445-02", "1445-02"):
        assert find_preset(old) is PRESETS["durable-1445-02"]


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("HERMA 4412", "herma-4412"),
        ("herma4412", "herma-4412"),
        ("Durable 1445-02", "durable-1445-02"),
        ("Durable BADGEFIX 40x75", "durable-8334-02"),
        ("avery 5395", "avery-5395"),
        ("Avery 8395", "avery-5395"),
        ("L4785", "avery-l4785"),
        ("Avery L4787", "avery-l4785"),
        ("avery-74459", "avery-5392"),
        ("Lyreco 143.344", "lyreco-143.344"),
        ("Brother DK-11202", "brother-dk-11202"),
        ("DK-1202", "brother-dk-11202"),
        ("DK-22205", "brother-dk-2205"),
        ("DYMO 30856", "dymo-30856"),
        ("30374", "dymo-30374"),
        ("Zebra 4x6", "zebra-4x6in"),
        ("4xA6", "a4-4xa6"),
        ("8 x A7 portrait", "a4-8xa7-portrait"),
    ],
)
def test_names_as_people_type_them_resolve(typed: str, name: str) -> None:
    assert find_preset(typed) is PRESETS[name]


def test_unknown_names_list_the_choices() -> None:
    with pytest.raises(OptionsError) as err:
        plan_preset("avery-9999")
    assert err.value.column == "preset"
    assert "avery-5395" in (err.value.hint or "") and "badgeforge presets" in (err.value.hint or "")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_only_unconfirmed_presets_warn_and_the_warning_says_what_to_do(name: str) -> None:
    warnings = preset_warnings(name)
    assert PRESETS[name].confirmed is (name not in UNCONFIRMED)
    assert bool(warnings) is (name in UNCONFIRMED)
    assert plan_preset(name).notes == warnings
    for text in warnings:
        assert name in text and "not confirmed" in text and "--offset-x" in text


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
    assert plan_preset("durable-1445-02", sides="foldover").per_sheet == 4


def test_preset_foldover_refuses_sheets_with_gaps_between_rows() -> None:
    for name in ("avery-5395", "herma-4412"):
        with pytest.raises(DesignError, match="fold"):
            plan_preset(name, sides="foldover")


def test_turned_pieces_hold_badges_on_their_side() -> None:
    """Portrait A7 badges in the landscape eighths of a perforated A4 sheet: top edge to the right."""
    layout = plan_preset("a4-8xa7-portrait")
    assert layout.badge.width == pytest.approx(74.25 * MM) and layout.badge.height == pytest.approx(105 * MM)
    for slot in layout.fronts:
        assert slot.rotation == 90
        assert (slot.width, slot.height) == pytest.approx((105 * MM, 74.25 * MM))


def test_turned_pieces_fold_over_across_columns() -> None:
    layout = plan_preset("a4-8xa7-portrait", sides="foldover")
    assert layout.per_sheet == 4  # two columns make one pair
    for front, back in zip(layout.fronts, layout.backs, strict=True):
        assert (front.rotation, back.rotation) == (90, 270)
        assert back.x == pytest.approx(front.right)  # both top edges on the fold line


def test_label_printers_print_one_badge_per_page_at_the_label_size() -> None:
    layout = plan_preset("dymo-30856")
    assert (layout.page.width / MM, layout.page.height / MM) == pytest.approx((62, 106))
    assert layout.per_sheet == 1 and layout.pages_for(5) == 5
    assert layout.fronts[0].x == 0 and layout.fronts[0].y == 0


@pytest.mark.parametrize("sides", ["duplex", "foldover"])
def test_label_printers_refuse_two_sided_badges(sides: str) -> None:
    with pytest.raises(DesignError, match="one side"):
        plan_preset("brother-dk-11202", sides=sides)


def test_label_printers_drop_crop_marks_and_say_so() -> None:
    layout = plan_preset("zebra-4x3in", crop_marks=True)
    assert layout.crop_marks == ()
    assert any("Crop marks were dropped" in note for note in layout.notes)


@pytest.mark.parametrize(("design_size", "length_mm"), [("3x4in", 62 * 4 / 3), ("4x3in", 62 * 3 / 4), ("A6", 87.4)])
def test_a_continuous_roll_is_cut_as_long_as_the_design_shape_needs(design_size: str, length_mm: float) -> None:
    layout = plan_preset("Brother DK-2205", design_size=parse_badge_size(design_size))
    assert layout.page.width / MM == pytest.approx(62)
    assert layout.page.height / MM == pytest.approx(length_mm, abs=0.05)
    assert layout.badge.width == layout.page.width and layout.badge.height == layout.page.height


def test_preset_object_is_accepted_directly() -> None:
    assert plan_preset(PRESETS["herma-4412"]).per_sheet == 10


def test_presets_describe_themselves_in_millimetres() -> None:
    shape = PRESETS["herma-4412"].describe()
    assert shape["paper"] == {"width_mm": 210.0, "height_mm": 297.0}
    assert shape["badge"] == {"width_mm": 80.0, "height_mm": 50.0}
    assert (shape["left_mm"], shape["top_mm"], shape["pitch_x_mm"], shape["pitch_y_mm"]) == (17.5, 13.5, 95.0, 55.0)
    assert PRESETS["brother-dk-2205"].describe()["badge"] == {"width_mm": 62.0, "height_mm": None}
