"""The value objects of a sheet plan: sizes, badge slots, crop-mark lines and the plan itself (all in points).

Coordinates have their origin at the page's top-left corner with y growing down, as cairo draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from badge_renderer.layout.units import mm_text

Rotation = Literal[0, 90, 180, 270]  # degrees clockwise: with 90 the badge's top edge is the slot's right edge


@dataclass(frozen=True)
class Size:
    """A width and height in points; `name` is how the user named it ("A4", "4x3in"), for messages."""

    width: float
    height: float
    name: str = ""

    def describe(self) -> str:
        """'A4 (210 x 297 mm)' — the name people chose plus the real size, so an error is unambiguous."""
        real = f"{mm_text(self.width)} x {mm_text(self.height)} mm"
        if not self.name or self.name.lower().endswith("mm"):
            return self.name or real
        return f"{self.name} ({real})"


@dataclass(frozen=True)
class Slot:
    """Where one badge goes on the page: the box it covers there, and how the badge is turned inside it.

    With rotation 180 the badge is drawn upside down; with 90 or 270 it lies on its side, so the box is the badge's
    height wide and its width tall.
    """

    x: float
    y: float
    width: float
    height: float
    rotation: Rotation = 0

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def moved(self, dx: float, dy: float) -> Slot:
        """The same slot shifted (printer calibration)."""
        return Slot(self.x + dx, self.y + dy, self.width, self.height, self.rotation)


@dataclass(frozen=True)
class Line:
    """A straight hairline from (x1, y1) to (x2, y2), e.g. one crop mark."""

    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def length(self) -> float:
        return abs(self.x2 - self.x1) + abs(self.y2 - self.y1)


@dataclass(frozen=True)
class SheetLayout:
    """Where every badge of one sheet goes.

    `fronts[i]` and `backs[i]` belong to the same badge. With `backs_on_next_page` (duplex) the backs are printed on
    the page after the fronts, mirrored left-right; otherwise (fold-over) they share the front page. `crop_marks`
    belong to the front page (fold-over: around each front+back pair); `back_crop_marks` to a duplex back page,
    computed from the back slots themselves. `notes` say what the plan changed from what was asked, in words. With
    `bleed`, every badge's artwork reaches that far past its trim, neighbours are at least two bleeds apart and crop
    marks start outside the bleed.
    """

    page: Size
    fronts: tuple[Slot, ...]
    backs: tuple[Slot, ...]
    backs_on_next_page: bool
    crop_marks: tuple[Line, ...]
    badge: Size
    back_crop_marks: tuple[Line, ...] = ()
    notes: tuple[str, ...] = ()  # what the user should know about this plan (badges turned, crop marks dropped)
    bleed: float = 0.0  # points the artwork extends past each badge's trim (0: none)

    def marks_for(self, side: str) -> tuple[Line, ...]:
        """The crop marks of a "front" page or of a duplex "back" page."""
        return self.back_crop_marks if side == "back" and self.backs_on_next_page else self.crop_marks

    @property
    def per_sheet(self) -> int:
        """Badges on one sheet of paper."""
        return len(self.fronts)

    def pages_for(self, badges: int) -> int:
        """Physical PDF pages needed for this many badges (duplex adds one back page per sheet)."""
        if badges <= 0:
            return 0
        sheets = -(-badges // self.per_sheet)
        return sheets * (2 if self.backs_on_next_page else 1)
