"""Finding a label product by the name people type, and its sheet plan exactly at its pieces.

A preset is placed where the die-cut or perforated pieces are (not centred by computation), so the print lands on
the labels; only the printer calibration offset moves it. The products and their sources are in `catalogue.py`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

from badge_renderer.errors import DesignError, OptionsError
from badge_renderer.layout.bleed import check_bleed, label_bleed_room, no_room_error
from badge_renderer.layout.catalogue import PRESETS
from badge_renderer.layout.geometry import SheetLayout, Size
from badge_renderer.layout.imposition import calibration_offset, check_sides, impose
from badge_renderer.layout.stock import SheetPreset
from badge_renderer.layout.units import MM, mm_text

__all__ = ["PRESETS", "SheetPreset", "find_preset", "plan_preset", "preset_warnings"]

_FLUSH = 0.01  # points: pieces closer than this share an edge (perforated inserts)
_SHORTEST_ROLL, _LONGEST_ROLL = 20 * MM, 1000 * MM  # a continuous label shorter or longer is a typo


def _key(text: str) -> str:
    """'HERMA 4412', 'herma-4412' and 'Herma4412' are one key; so are 'Lyreco 143.344' and 'lyreco-143344'."""
    return re.sub(r"[^0-9a-z]+", "", str(text).casefold())


def _index(presets: Mapping[str, SheetPreset]) -> Mapping[str, SheetPreset]:
    """Every name a preset answers to: its name, brand + part, the part alone, each alias with and without brand.

    A bare part number that two brands share (none today) is left out rather than guessed.
    """
    found: dict[str, SheetPreset] = {}
    shared: set[str] = set()

    def add(key: str, preset: SheetPreset, *, exact: bool) -> None:
        if not key:
            return
        if exact:
            found[key] = preset
        elif key in found and found[key] is not preset:
            shared.add(key)
        else:
            found.setdefault(key, preset)

    for preset in presets.values():
        add(_key(preset.name), preset, exact=True)
        for alias in (preset.part, *preset.aliases):
            add(_key(f"{preset.brand} {alias}"), preset, exact=False)
            add(_key(alias), preset, exact=False)
    exact = {_key(p.name) for p in presets.values()}
    return MappingProxyType({k: v for k, v in found.items() if k not in shared or k in exact})


_BY_KEY = _index(PRESETS)


def find_preset(name: str) -> SheetPreset:
    """A preset by any name people type: "HERMA 4412", "Durable 1445-02", "avery 5395", "L4785", "dymo-30856"."""
    preset = _BY_KEY.get(_key(name))
    if preset is not None:
        return preset
    raise OptionsError(
        f"Unknown label preset '{name}'",
        hint=f"Choose one of: {', '.join(sorted(PRESETS))} (see `badgeforge presets`).",
        column="preset",
    )


def preset_warnings(preset: SheetPreset | str) -> tuple[str, ...]:
    """What the user must hear every time this preset is used (an unconfirmed geometry), in words."""
    sheet = preset if isinstance(preset, SheetPreset) else find_preset(preset)
    if sheet.confirmed:
        return ()
    return (
        f"The '{sheet.name}' preset's geometry is not confirmed ({sheet.source}): print one test sheet on plain "
        "paper and hold it against a real sheet before printing on labels; correct with --offset-x/--offset-y.",
    )


def plan_preset(
    preset: SheetPreset | str,
    *,
    offset_x_mm: float = 0.0,
    offset_y_mm: float = 0.0,
    sides: str = "single",
    crop_marks: bool = False,
    design_size: Size | None = None,
    bleed_mm: float = 0.0,
) -> SheetLayout:
    """The sheet plan of a label product, exactly at its labels, moved by the calibration offset.

    Fold-over uses two touching pieces per badge (back against the front's top edge, upside down), so it needs a
    sheet whose pieces share an edge; duplex mirrors the backs left-right on the next page like any sheet. Label
    printers print one side of one label per page. A continuous roll is cut as long as `design_size` (the design's
    badge size) is in shape at the roll's width. A bleed must fit between the die-cut labels (half the gap) and
    inside the sheet's margins, else OptionsError says how much fits.
    """
    sheet = preset if isinstance(preset, SheetPreset) else find_preset(preset)
    check_sides(sides)
    bleed = check_bleed(bleed_mm)
    if bleed:
        room = label_bleed_room(
            sheet.left,
            sheet.top,
            sheet.pitch_x - sheet.piece[0],  # the gaps between pieces as they lie on the sheet (turned or not)
            sheet.pitch_y - sheet.piece[1],
            sheet.columns,
            sheet.rows,
        )
        if bleed > room + _FLUSH:
            raise no_room_error(sheet.title, bleed, room)
    offset = (calibration_offset(offset_x_mm, "offset_x_mm"), calibration_offset(offset_y_mm, "offset_y_mm"))
    if sheet.kind != "sheet":
        return _plan_label(sheet, offset, sides, crop_marks, design_size)
    piece_w, piece_h = sheet.piece
    col_step = row_step = 1
    if sides == "foldover":
        # Upright badges fold along a row edge (back above), badges on their side along a column edge (back right).
        along_rows = sheet.rotation == 0
        count, pitch, length = (
            (sheet.rows, sheet.pitch_y, piece_h) if along_rows else (sheet.columns, sheet.pitch_x, piece_w)
        )
        if count < 2 or abs(pitch - length) > _FLUSH:
            raise DesignError(
                f"The '{sheet.name}' sheet cannot be used for fold-over badges: its pieces do not touch, so a front "
                "and its back cannot share a fold line",
                hint="Use duplex printing with this sheet, or fold-over on plain paper without --preset.",
            )
        row_step, col_step = (2, 1) if along_rows else (1, 2)
    origins = [
        (sheet.left + c * sheet.pitch_x, sheet.top + r * sheet.pitch_y)
        for r in range(0, sheet.rows - row_step + 1, row_step)
        for c in range(0, sheet.columns - col_step + 1, col_step)
    ]
    layout = impose(
        sheet.paper,
        sheet.badge,
        origins,
        sides=sides,
        offset=offset,
        crop_marks=crop_marks,
        turn=sheet.rotation,
        bleed=bleed,
    )
    return replace(layout, notes=preset_warnings(sheet) + layout.notes)


def _plan_label(
    sheet: SheetPreset, offset: tuple[float, float], sides: str, crop_marks: bool, design_size: Size | None
) -> SheetLayout:
    """One badge per page at exactly the label's size (a continuous roll: at the length the design's shape needs)."""
    if sides != "single":
        raise DesignError(
            f"The '{sheet.name}' labels cannot be printed {sides}: a label printer prints one side of each label",
            hint="Print single-sided, or use a sheet preset or plain paper for two-sided badges.",
        )
    page, badge = sheet.paper, sheet.badge
    if sheet.kind == "continuous":
        width = sheet.paper.width
        length = width * (design_size.height / design_size.width) if design_size else width
        length = min(max(length, _SHORTEST_ROLL), _LONGEST_ROLL)
        page = Size(width, length, f"{mm_text(width)} x {mm_text(length)} mm cut from the roll")
        badge = Size(width, length, f"{mm_text(width)}x{mm_text(length)}mm")
    layout = impose(page, badge, [(0.0, 0.0)], sides="single", offset=offset, crop_marks=False)
    notes = preset_warnings(sheet)
    if crop_marks:
        notes += ("Crop marks were dropped: a label printer cuts (or die-cuts) each label itself.",)
    return replace(layout, notes=notes)
