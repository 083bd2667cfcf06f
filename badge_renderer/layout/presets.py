"""Label sheets and badge-insert sheets sold for name badges, with the makers' geometry, and their sheet plans.

A preset is placed exactly where the die-cut or perforated pieces are (not centred by computation), so the print
lands on the labels; only the printer calibration offset moves it. Sources are named per preset; where the exact
geometry could not be confirmed the preset says so (`confirmed=False`) and uses the sheet's centred geometry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from badge_renderer.errors import DesignError, OptionsError
from badge_renderer.layout.bleed import check_bleed, label_bleed_room, no_room_error
from badge_renderer.layout.geometry import SheetLayout, Size
from badge_renderer.layout.imposition import calibration_offset, check_sides, impose
from badge_renderer.layout.sizes import PAPERS
from badge_renderer.layout.units import INCH, MM

_FLUSH = 0.01  # points: rows closer than this share an edge (perforated inserts)


@dataclass(frozen=True)
class SheetPreset:
    """One product's sheet: `columns` x `rows` badges, the first at (`left`, `top`), then every `pitch_x`/`pitch_y`."""

    name: str
    title: str
    paper: Size
    badge: Size
    columns: int
    rows: int
    left: float
    top: float
    pitch_x: float
    pitch_y: float
    confirmed: bool = True

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows


Pair = tuple[float, float]


def _letter(
    name: str,
    title: str,
    size_in: Pair,
    grid: tuple[int, int],
    first_in: Pair,
    pitch_in: Pair,
    *,
    confirmed: bool = True,
) -> SheetPreset:
    """A US Letter sheet described in inches, as its maker publishes it."""
    (w, h), (left, top), (px, py) = size_in, first_in, pitch_in
    badge = Size(w * INCH, h * INCH, f"{w:g}x{h:g}in")
    return SheetPreset(
        name, title, PAPERS["letter"], badge, *grid, left * INCH, top * INCH, px * INCH, py * INCH, confirmed
    )


def _centred_a4(name: str, title: str, size_mm: Pair, grid: tuple[int, int]) -> SheetPreset:
    """An A4 sheet whose exact geometry is unconfirmed: the grid is centred, pieces edge to edge."""
    paper = PAPERS["a4"]
    (w, h), (cols, rows) = (v * MM for v in size_mm), grid
    left, top = (paper.width - cols * w) / 2, (paper.height - rows * h) / 2
    badge = Size(w, h, f"{size_mm[0]:g}x{size_mm[1]:g}mm")
    return SheetPreset(name, title, paper, badge, cols, rows, left, top, w, h, confirmed=False)


# gLabels avery-us-templates.xml and Perl Paper::Specs agree: first label at 11/16 x 7/12 in, pitch 3.75 x 2.5 in.
_AVERY_5395 = _letter(
    "avery-5395",
    "Avery 5395 Name Badge Labels, 2-1/3 x 3-3/8 in, 8 per Letter sheet",
    size_in=(3.375, 7 / 3),
    grid=(2, 4),
    first_in=(0.6875, 7 / 12),
    pitch_in=(3.75, 2.5),
)
# Perl Paper::Specs Avery 5392 and 74541: 2 x 3 inserts of 4 x 3 in, 0.25 in side and 1 in top margin, no gaps.
# (One Word template variant puts the top at 1.125 in; the sheet is symmetric, which 1 in matches.)
_AVERY_5392 = _letter(
    "avery-5392",
    "Avery 5392 / 74459 Name Badge Inserts, 3 x 4 in, 6 per Letter sheet",
    size_in=(4, 3),
    grid=(2, 3),
    first_in=(0.25, 1.0),
    pitch_in=(4, 3),
)
# 2 x 4 inserts of 3-1/2 x 2-1/4 in, edge to edge. NOT exactly confirmed: sources disagree on the top margin
# (Paper::Specs: 1.0625 in with 2.219 in rows; a Word template: 1.167 in), so the centred 1 in is used.
_AVERY_5390 = _letter(
    "avery-5390",
    "Avery 5390 / 74536 Name Badge Inserts, 2-1/4 x 3-1/2 in, 8 per Letter sheet",
    size_in=(3.5, 2.25),
    grid=(2, 4),
    first_in=(0.75, 1.0),
    pitch_in=(3.5, 2.25),
    confirmed=False,
)
# NOT confirmed: no published template geometry was found for these two, and the HERMA 4412 label size (80 x 50 mm)
# is from memory of the catalogue, not a checked spec. Centred, edge to edge, until someone measures a real sheet.
_HERMA_4412 = _centred_a4(
    "herma-4412", "HERMA 4412 name badge labels, 80 x 50 mm, 10 per A4 sheet", size_mm=(80, 50), grid=(2, 5)
)
_DURABLE_1452 = _centred_a4(
    "durable-1452", "Durable 1452 badge inserts, 54 x 90 mm, 10 per A4 sheet", size_mm=(90, 54), grid=(2, 5)
)


def _renamed(preset: SheetPreset, name: str) -> SheetPreset:
    """The same sheet sold under another product number."""
    return replace(preset, name=name)


PRESETS: Mapping[str, SheetPreset] = MappingProxyType(
    {
        p.name: p
        for p in (
            _AVERY_5395,
            _AVERY_5392,
            _renamed(_AVERY_5392, "avery-74459"),
            _AVERY_5390,
            _renamed(_AVERY_5390, "avery-74536"),
            _HERMA_4412,
            _DURABLE_1452,
            _renamed(_DURABLE_1452, "durable-54x90"),
        )
    }
)


def find_preset(name: str) -> SheetPreset:
    """A preset by name, forgiving case and spaces ("Avery 5395" finds avery-5395)."""
    key = "-".join(str(name).strip().lower().split())
    if key in PRESETS:
        return PRESETS[key]
    raise OptionsError(
        f"Unknown label preset '{name}'", hint=f"Choose one of: {', '.join(sorted(PRESETS))}.", column="preset"
    )


def plan_preset(
    preset: SheetPreset | str,
    *,
    offset_x_mm: float = 0.0,
    offset_y_mm: float = 0.0,
    sides: str = "single",
    crop_marks: bool = False,
    bleed_mm: float = 0.0,
) -> SheetLayout:
    """The sheet plan of a label product, exactly at its labels, moved by the calibration offset.

    Fold-over uses two touching rows per badge (back above, upside down), so it needs a sheet whose rows share an
    edge; duplex mirrors the backs left-right on the next page like any sheet. A bleed must fit between the die-cut
    labels (half the gap) and inside the sheet's margins, else OptionsError says how much fits.
    """
    sheet = preset if isinstance(preset, SheetPreset) else find_preset(preset)
    check_sides(sides)
    bleed = check_bleed(bleed_mm)
    if bleed:
        room = label_bleed_room(
            sheet.left,
            sheet.top,
            sheet.pitch_x - sheet.badge.width,
            sheet.pitch_y - sheet.badge.height,
            sheet.columns,
            sheet.rows,
        )
        if bleed > room + _FLUSH:
            raise no_room_error(sheet.title, bleed, room)
    offset = (calibration_offset(offset_x_mm, "offset_x_mm"), calibration_offset(offset_y_mm, "offset_y_mm"))
    row_step = 1
    if sides == "foldover":
        if sheet.rows < 2 or abs(sheet.pitch_y - sheet.badge.height) > _FLUSH:
            raise DesignError(
                f"The {sheet.title} sheet cannot be used for fold-over badges: its rows do not touch, so a front and "
                "its back cannot share a fold line",
                hint="Use duplex printing with this sheet, or fold-over on plain paper without --preset.",
            )
        row_step = 2
    origins = [
        (sheet.left + c * sheet.pitch_x, sheet.top + r * sheet.pitch_y)
        for r in range(0, sheet.rows - row_step + 1, row_step)
        for c in range(sheet.columns)
    ]
    return impose(sheet.paper, sheet.badge, origins, sides=sides, offset=offset, crop_marks=crop_marks, bleed=bleed)
