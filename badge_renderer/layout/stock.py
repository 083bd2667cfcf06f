"""SheetPreset: one label or badge-insert product as its maker sells it (a sheet of pieces, or label-printer stock).

A value object only; the products themselves are in `catalogue.py`, lookup and planning in `presets.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from badge_renderer.layout.geometry import Size
from badge_renderer.layout.units import INCH, MM, mm_text

# "sheet": office-printer sheet of several pieces; "label": a label printer's die-cut label, one badge per page at
# exactly the label's size; "continuous": a label printer's roll of fixed width, cut to a length the design chooses.
StockKind = Literal["sheet", "label", "continuous"]


@dataclass(frozen=True)
class SheetPreset:
    """One product: `columns` x `rows` badges, the first at (`left`, `top`), then every `pitch_x`/`pitch_y` (points).

    `badge` is the badge as drawn; with `rotation` 90 it lies on its side in each piece (a portrait A7 badge in the
    landscape quarter of a perforated sheet). `confirmed` is False where the geometry is a best estimate that nobody
    has checked against the maker's template or a real sheet: such a preset warns whenever it is used.
    `glabels` names the (brand, part) entries of the gLabels template database that describe this very geometry.
    """

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
    brand: str = ""
    part: str = ""
    aliases: tuple[str, ...] = ()
    source: str = ""
    glabels: tuple[tuple[str, str], ...] = ()
    kind: StockKind = "sheet"
    rotation: Literal[0, 90] = 0

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    @property
    def piece(self) -> tuple[float, float]:
        """The piece's width and height on the sheet (the badge turned by `rotation`)."""
        b = self.badge
        return (b.height, b.width) if self.rotation == 90 else (b.width, b.height)

    def describe(self) -> dict[str, object]:
        """The JSON shape `badgeforge presets --json` prints (mm, rounded to 0.01 mm)."""

        def mm(points: float | None) -> float | None:
            return None if points is None else round(points / MM, 2)

        continuous = self.kind == "continuous"
        return {
            "name": self.name,
            "brand": self.brand,
            "part": self.part,
            "title": self.title,
            "kind": self.kind,
            "paper": {"width_mm": mm(self.paper.width), "height_mm": None if continuous else mm(self.paper.height)},
            "badge": {"width_mm": mm(self.badge.width), "height_mm": None if continuous else mm(self.badge.height)},
            "columns": self.columns,
            "rows": self.rows,
            "left_mm": mm(self.left),
            "top_mm": mm(self.top),
            "pitch_x_mm": mm(self.pitch_x),
            "pitch_y_mm": mm(self.pitch_y),
            "rotation": self.rotation,
            "confirmed": self.confirmed,
            "aliases": list(self.aliases),
            "source": self.source,
        }


Pair = tuple[float, float]


def _size(width: float, height: float, unit: float, suffix: str) -> Size:
    return Size(width * unit, height * unit, f"{width:g}x{height:g}{suffix}")


# `about` carries the descriptive fields (brand, part, aliases, source, glabels, confirmed) through unchanged.
def sheet(
    name: str,
    title: str,
    *,
    paper: Size,
    size: Pair,
    grid: tuple[int, int],
    first: Pair,
    pitch: Pair,
    inches: bool = False,
    rotation: Literal[0, 90] = 0,
    **about: Any,
) -> SheetPreset:
    """A sheet product in the unit its maker publishes (mm, or inches for US sheets); `size` is the badge drawn."""
    unit, suffix = (INCH, "in") if inches else (MM, "mm")
    badge = _size(*size, unit, suffix)
    return SheetPreset(
        name,
        title,
        paper,
        badge,
        *grid,
        first[0] * unit,
        first[1] * unit,
        pitch[0] * unit,
        pitch[1] * unit,
        rotation=rotation,
        **about,
    )


def label(name: str, title: str, *, size: Pair, inches: bool = False, **about: Any) -> SheetPreset:
    """A label printer's die-cut label: the page is the label, width x height as the label leaves the printer."""
    unit, suffix = (INCH, "in") if inches else (MM, "mm")
    badge = _size(*size, unit, suffix)
    page = Size(badge.width, badge.height, f"{badge.name} label")
    return SheetPreset(name, title, page, badge, 1, 1, 0.0, 0.0, badge.width, badge.height, kind="label", **about)


def roll(name: str, title: str, *, width_mm: float, **about: Any) -> SheetPreset:
    """A continuous roll: the width is fixed, the length follows the design (`presets.plan_preset` sets it)."""
    width = width_mm * MM
    page = Size(width, width, f"{mm_text(width)} mm roll")
    badge = Size(width, width, f"{mm_text(width)} mm wide")
    return SheetPreset(name, title, page, badge, 1, 1, 0.0, 0.0, width, width, kind="continuous", **about)
