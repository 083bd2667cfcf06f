"""Crop marks: short hairlines continuing each badge edge into the margins and gutters, never over a badge."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from badge_renderer.layout.geometry import Line, Size, Slot
from badge_renderer.layout.units import MM

MARK_LENGTH = 5 * MM
MARK_GAP = 1.5 * MM  # marks start this far from the corner, and keep this clearance from every badge
_SHORTEST = 1 * MM  # a mark squeezed below this by a narrow gutter is noise, not a guide
_EPS = 1e-6
MARK_MINIMUM = _SHORTEST  # public: the imposition says when a margin leaves no room for even this much


def crop_marks(
    rects: Sequence[Slot], page: Size, *, length: float = MARK_LENGTH, gap: float = MARK_GAP
) -> tuple[Line, ...]:
    """Marks for cutting out `rects` (the pieces that are cut: a badge, or a fold-over pair), deduplicated.

    Each corner gets a horizontal and a vertical mark pointing away from its badge. A mark is shortened where it
    would come closer than `gap` to any badge (narrow gutters) or leave the page, and dropped when little is left.
    """
    lines: dict[tuple[float, ...], Line] = {}
    for rect in rects:
        for line in _corner_marks(rect, length, gap):
            clipped = _clip(line, rects, page, gap)
            if clipped is not None:
                key = tuple(round(v, 3) for v in (clipped.x1, clipped.y1, clipped.x2, clipped.y2))
                lines.setdefault(key, clipped)
    return tuple(lines[key] for key in sorted(lines))


def _corner_marks(rect: Slot, length: float, gap: float) -> Iterable[Line]:
    """Eight marks per rectangle, each written from the end nearest its corner outwards."""
    for y in (rect.y, rect.bottom):
        yield Line(rect.x - gap, y, rect.x - gap - length, y)
        yield Line(rect.right + gap, y, rect.right + gap + length, y)
    for x in (rect.x, rect.right):
        yield Line(x, rect.y - gap, x, rect.y - gap - length)
        yield Line(x, rect.bottom + gap, x, rect.bottom + gap + length)


def _clip(line: Line, rects: Sequence[Slot], page: Size, gap: float) -> Line | None:
    """The part of an axis-aligned mark (written from its start) that stays clear of every badge and inside the page,
    returned with its endpoints in increasing order so the same segment from two corners dedupes."""
    horizontal = abs(line.y1 - line.y2) < _EPS
    fixed = line.y1 if horizontal else line.x1
    start, end = (line.x1, line.x2) if horizontal else (line.y1, line.y2)
    page_across, page_along = (page.height, page.width) if horizontal else (page.width, page.height)
    if not -_EPS <= fixed <= page_across + _EPS:
        return None
    direction = 1.0 if end > start else -1.0
    reach = abs(end - start)
    # Walking from the start outwards, stop at the page edge or the first clearance zone of any badge.
    limit = (page_along - start) if direction > 0 else start
    for rect in rects:
        across_lo, across_hi, along_lo, along_hi = (
            (rect.y - gap, rect.bottom + gap, rect.x - gap, rect.right + gap)
            if horizontal
            else (rect.x - gap, rect.right + gap, rect.y - gap, rect.bottom + gap)
        )
        if not across_lo + _EPS < fixed < across_hi - _EPS:
            continue
        # distance along the walk at which this zone begins and ends
        enter, leave = sorted(((along_lo - start) * direction, (along_hi - start) * direction))
        if leave <= _EPS:
            continue  # zone lies behind the start (the mark's own badge)
        limit = min(limit, max(enter, 0.0))
    reach = min(reach, limit)
    if reach < _SHORTEST:
        return None
    low, high = sorted((start, start + direction * reach))
    return Line(low, fixed, high, fixed) if horizontal else Line(fixed, low, fixed, high)


FOLD_DASH = (3.0, 2.0)  # points on, off: a dashed line says "fold here", a solid one would say "cut here"


def fold_lines(fronts: Sequence[Slot], backs: Sequence[Slot]) -> tuple[Line, ...]:
    """The shared edge of each fold-over pair (front and back side by side on the same page), where it folds."""
    lines = []
    for front, back in zip(fronts, backs, strict=False):
        if abs(back.bottom - front.y) < _EPS or abs(front.bottom - back.y) < _EPS:
            y = front.y if abs(back.bottom - front.y) < _EPS else front.bottom
            lines.append(Line(max(front.x, back.x), y, min(front.right, back.right), y))
        elif abs(back.x - front.right) < _EPS or abs(front.x - back.right) < _EPS:
            x = front.right if abs(back.x - front.right) < _EPS else front.x
            lines.append(Line(x, max(front.y, back.y), x, min(front.bottom, back.bottom)))
    return tuple(lines)
