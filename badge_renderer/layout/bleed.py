"""Bleed: how far artwork runs past the trim so a cut that misses by a little never shows a white edge.

3 mm is the usual figure in the UK/EU (0.125 in in the US); more than 6 mm wastes stock and reaches into the safe
area designs keep text in. The artwork is drawn into the bleed by the composer; this module keeps the geometry:
the range, where crop marks start (outside the bleed) and whether a label sheet has room for one.
"""

from __future__ import annotations

import math

from badge_renderer.errors import OptionsError
from badge_renderer.layout.geometry import Slot
from badge_renderer.layout.marks import MARK_GAP, MARK_LENGTH
from badge_renderer.layout.units import MM, format_mm

MAX_BLEED_MM = 6.0


def check_bleed(bleed_mm: float) -> float:
    """The bleed in points; out of range is an OptionsError naming the option and the usual figure."""
    if (
        isinstance(bleed_mm, bool)
        or not isinstance(bleed_mm, int | float)
        or not math.isfinite(bleed_mm)
        or not 0 <= bleed_mm <= MAX_BLEED_MM
    ):
        raise OptionsError(
            f"bleed_mm must be a number of millimetres from 0 to {MAX_BLEED_MM:g}, not {bleed_mm!r}",
            hint="3 mm is the usual bleed (0.125 in = 3.175 mm in the US).",
            column="bleed_mm",
        )
    return bleed_mm * MM


def mark_gap(bleed: float) -> float:
    """Crop marks start this far from the trim: past the bleed, so a mark never prints on the artwork."""
    return bleed + MARK_GAP if bleed else MARK_GAP


def marks_reach(bleed: float) -> float:
    """How far past the bleed crop marks reach (room a one-per-page page needs for them)."""
    return mark_gap(bleed) - bleed + MARK_LENGTH


def label_bleed_room(left: float, top: float, gap_x: float, gap_y: float, columns: int, rows: int) -> float:
    """The largest bleed (points) a label sheet allows: half the gap between neighbours, and the sheet's margins."""
    room = min(left, top)
    if columns > 1:
        room = min(room, gap_x / 2)
    if rows > 1:
        room = min(room, gap_y / 2)
    return max(0.0, room)


def no_room_error(title: str, bleed: float, room: float) -> OptionsError:
    """Bleed asked for on a label sheet that has no room for it: say how much fits, or that the pieces touch."""
    fits = (
        f"at most {format_mm(room)} fits between its die-cut labels"
        if room >= 0.05 * MM
        else "its pieces touch (edge to edge or perforated), so artwork past one edge would print on the next"
    )
    return OptionsError(
        f"A {format_mm(bleed)} bleed cannot be used with {title}: {fits}",
        hint="Print without --bleed on this sheet, or use plain paper (without --preset) and cut the badges.",
        column="bleed_mm",
    )


def bleed_clip(slot: Slot, bleed: float, fold: bool = False) -> tuple[float, float, float, float]:
    """The rectangle (x, y, w, h) one badge may paint: its trim plus the bleed, except along a fold-over's fold,
    where the two halves meet and neither may cover the other. The halves are joined at their own top edges, so the
    fold is on the page side the badge's top faces: up (rotation 0), right (90), down (180) or left (270)."""
    left, top, right, bottom = slot.x - bleed, slot.y - bleed, slot.right + bleed, slot.bottom + bleed
    if fold:
        if slot.rotation == 0:
            top = slot.y
        elif slot.rotation == 90:
            right = slot.right
        elif slot.rotation == 180:
            bottom = slot.bottom
        else:
            left = slot.x
    return left, top, right - left, bottom - top
