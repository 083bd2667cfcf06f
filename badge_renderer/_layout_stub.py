"""TEMPORARY stand-in for badge_renderer.layout (plain grid, no presets), used only until that package lands."""

from __future__ import annotations

import re
from dataclasses import dataclass

from badge_renderer.errors import DesignError, OptionsError

MM = 72 / 25.4


@dataclass(frozen=True)
class Size:
    width: float
    height: float
    name: str = ""


@dataclass(frozen=True)
class Slot:
    x: float
    y: float
    width: float
    height: float
    rotation: int = 0


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class SheetLayout:
    page: Size
    fronts: tuple[Slot, ...]
    backs: tuple[Slot, ...]
    backs_on_next_page: bool
    crop_marks: tuple[Line, ...]
    badge: Size

    @property
    def per_sheet(self) -> int:
        return len(self.fronts)

    def pages_for(self, badges: int) -> int:
        sheets = -(-badges // self.per_sheet)
        return sheets * (2 if self.backs_on_next_page else 1)


PRESETS: dict[str, object] = {}
_PAPERS = {"a3": (297, 420), "a4": (210, 297), "a5": (148, 210), "letter": (215.9, 279.4), "legal": (215.9, 355.6)}
_BADGES = {"a6": (105, 148), "a7": (74, 105), "id-1": (85.6, 54), "cr80": (85.6, 54)}


def _parse(text: str, table: dict[str, tuple[float, float]], option: str) -> Size:
    key = text.strip().lower()
    if key in table:
        w, h = table[key]
        return Size(w * MM, h * MM, text)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*x\s*(\d+(?:\.\d+)?)\s*(mm|in|cm)", key)
    if not m:
        raise OptionsError(f"Unknown size '{text}'", hint="Use e.g. A4, 4x3in or 90x54mm.", column=option)
    unit = {"mm": MM, "cm": 10 * MM, "in": 72.0}[m.group(3)]
    return Size(float(m.group(1)) * unit, float(m.group(2)) * unit, text)


def parse_paper(text: str) -> Size:
    return _parse(text, _PAPERS, "paper")


def parse_badge_size(text: str) -> Size:
    return _parse(text, _BADGES, "badge_size")


def plan_sheet(
    paper: Size,
    badge: Size,
    *,
    margin_mm: float = 10.0,
    gutter_mm: float = 0.0,
    offset_x_mm: float = 0.0,
    offset_y_mm: float = 0.0,
    one_per_page: bool = False,
    sides: str = "single",
    crop_marks: bool = False,
) -> SheetLayout:
    margin, gutter = margin_mm * MM, gutter_mm * MM
    cell_h = badge.height * (2 if sides == "foldover" else 1)
    cols = int((paper.width - 2 * margin + gutter) // (badge.width + gutter))
    rows = int((paper.height - 2 * margin + gutter) // (cell_h + gutter))
    if cols < 1 or rows < 1:
        raise DesignError(f"A {badge.name or 'badge'} does not fit on {paper.name or 'the paper'}")
    if one_per_page:
        cols = rows = 1
    used_w = cols * badge.width + (cols - 1) * gutter
    used_h = rows * cell_h + (rows - 1) * gutter
    x0 = (paper.width - used_w) / 2 + offset_x_mm * MM
    y0 = (paper.height - used_h) / 2 + offset_y_mm * MM
    fronts, backs = [], []
    for r in range(rows):
        for c in range(cols):
            x, y = x0 + c * (badge.width + gutter), y0 + r * (cell_h + gutter)
            if sides == "foldover":
                backs.append(Slot(x, y, badge.width, badge.height, 180))
                fronts.append(Slot(x, y + badge.height, badge.width, badge.height))
            else:
                fronts.append(Slot(x, y, badge.width, badge.height))
                if sides == "duplex":
                    backs.append(Slot(paper.width - x - badge.width, y, badge.width, badge.height))
    return SheetLayout(paper, tuple(fronts), tuple(backs), sides == "duplex", (), badge)
