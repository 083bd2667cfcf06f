"""Text that always fits its box: shrink, then wrap at word boundaries, then (last resort) an ellipsis.

Widths come from HarfBuzz advances in em, so a size is found by division instead of trial renders. The result
is never wider than the box nor taller than it, whatever the text (the property tests fuzz this).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate

from badge_renderer.errors import DesignError
from badge_renderer.printable import printable
from badge_renderer.text.breaks import SOFT_HYPHEN, break_units
from badge_renderer.text.direction import base_level
from badge_renderer.text.fonts import FontLibrary
from badge_renderer.text.shaping import ShapedLine, ink_bounds, shape_cached

ELLIPSIS = "…"
# More lines only when they buy clearly bigger text: a name reads best on one line.
WRAP_GAIN = 1.2
_SPACES = re.compile(r"\s+")
_MAX_UNITS = 64  # beyond this the line partition is approximated greedily (nobody's name has 64 words)
_SMALLEST = 0.01  # points: a min_size of 0 must not divide by zero


@dataclass(frozen=True)
class FittedText:
    """Lines to draw at `size` points; `truncated` means an ellipsis replaced part of the text."""

    lines: tuple[ShapedLine, ...]
    size: float
    truncated: bool
    width: float
    height: float

    @property
    def text(self) -> str:
        """What will be printed, lines joined by newlines (for warnings and tests)."""
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True)
class _Layout:
    lines: tuple[ShapedLine, ...]
    size: float
    width_bound: bool  # the box width, not its height or max_size, is what limits the size


class _Fitter:
    """One fit_text call: the box, the font chain and a shaper bound to the paragraph direction."""

    def __init__(self, text: str, library: FontLibrary, family: str, weight: str, box: tuple[float, float]) -> None:
        self.library, self.family, self.weight = library, family, weight
        self.text = text
        self.base = base_level(text)
        self.box_width, self.box_height = box

    def shape(self, text: str) -> ShapedLine:
        return shape_cached(self.library, text, self.family, self.weight, self.base)

    def layout(self, lines: tuple[ShapedLine, ...], max_size: float, line_height: float) -> _Layout:
        """The biggest size for these lines: line boxes and the glyphs' real ink both stay inside the box."""
        widest = max(line.extent[1] - line.extent[0] for line in lines)
        by_width = self.box_width / widest if widest > 0 else math.inf
        top, bottom = ink_bounds(lines, line_height)
        ink = bottom - top
        by_height = min(self.box_height / (line_height * len(lines)), self.box_height / ink if ink > 0 else math.inf)
        size = _safe_size(min(max_size, by_width, by_height), lines, self.box_width, self.box_height, line_height)
        return _Layout(lines, size, width_bound=by_width < min(max_size, by_height))

    def wrapped(self, units: list[str], count: int) -> tuple[ShapedLine, ...]:
        """`count` lines whose widest is as narrow as possible (balanced), broken only where breaks.py allows.

        A unit cut inside a word (ending in a soft hyphen) counts its hyphen only when a line ends there.
        """
        space = self.shape(" ").advance
        hyphen = self.shape("-").advance if any(unit.endswith(SOFT_HYPHEN) for unit in units) else 0.0
        advances = [self.shape(_line_text(unit.rstrip(" "))).advance for unit in units]
        glue = [space if unit.endswith(" ") else -hyphen if unit.endswith(SOFT_HYPHEN) else 0.0 for unit in units]
        groups = _balanced_partition(advances, glue, count)
        return tuple(self.shape(_line_text("".join(units[a:b]).rstrip(" "))) for a, b in groups)

    def ellipsized(self, size: float, max_lines: int) -> tuple[ShapedLine, ...]:
        """Greedy lines at `size`; the line where the text runs out of room ends in an ellipsis."""
        limit = self.box_width / size
        units = break_units(self.text)
        lines: list[ShapedLine] = []
        start = 0
        while start < len(units) and len(lines) < max_lines:
            end = start + 1
            while end < len(units) and _em_width(self.shape("".join(units[start : end + 1]).rstrip(" "))) <= limit:
                end += 1
            line = self.shape("".join(units[start:end]).rstrip(" "))
            last = len(lines) == max_lines - 1
            if _em_width(line) <= limit and (end == len(units) or not last):
                lines.append(line)
                start = end
                continue
            cut = self._cut_with_ellipsis("".join(units[start:]), limit)
            if cut is not None:
                lines.append(cut)
            break
        return tuple(lines)

    def _cut_with_ellipsis(self, text: str, limit: float) -> ShapedLine | None:
        """The longest start of `text` (cut between characters, never inside a cluster) that fits with '…'."""
        cuts = [k for k in range(1, len(text)) if _is_cut_point(text, k)]
        best: ShapedLine | None = None
        low, high = 0, len(cuts) - 1
        while low <= high:  # advance grows with the cut length, so a binary search finds the longest
            mid = (low + high) // 2
            candidate = self.shape(text[: cuts[mid]].rstrip() + ELLIPSIS)
            if _em_width(candidate) <= limit:
                best, low = candidate, mid + 1
            else:
                high = mid - 1
        if best is None:
            alone = self.shape(ELLIPSIS)
            best = alone if _em_width(alone) <= limit else None
        return best


def fit_text(
    text: str,
    *,
    box_width: float,
    box_height: float,
    family: str = "sans",
    weight: str = "bold",
    max_size: float = 48,
    min_size: float = 10,
    max_lines: int = 2,
    line_height: float = 1.15,
    library: FontLibrary | None = None,
    wrap_gain: float = WRAP_GAIN,
) -> FittedText:
    """Lay `text` out in the box at the biggest size it can have, as the architecture contract describes.

    wrap_gain: how much bigger a wrapped layout must be to win over one line (math.inf: wrap only to stay at or
    above min_size, as an organisation line does).
    """
    library = library or FontLibrary.default()
    library.chain(family, weight)  # unknown family or weight -> OptionsError before any work
    if not line_height > 0:
        raise DesignError(f"line_height must be above 0, not {line_height}", hint="1.15 suits most names.")
    clean = clean_text(text)
    if not clean or not (box_width > 0 and box_height > 0 and max_size > 0):
        return FittedText(lines=(), size=max(max_size, 0.0), truncated=bool(clean), width=0.0, height=0.0)
    min_size = min(max(min_size, _SMALLEST), max_size)
    max_lines = max(1, max_lines)
    fitter = _Fitter(clean, library, family, weight, (box_width, box_height))

    layout = _best_layout(fitter, max_size, min_size, max_lines, line_height, wrap_gain)
    truncated = False
    if layout is None:
        floor = min(min_size, box_height / line_height)
        room = max(1, min(max_lines, int(box_height / (line_height * floor) + 1e-9)))
        lines = fitter.ellipsized(floor, room)
        truncated = True
        layout = fitter.layout(lines, floor, line_height) if lines else _Layout((), floor, True)
    width = max((line.width(layout.size) for line in layout.lines), default=0.0)
    height = line_height * layout.size * len(layout.lines)
    return FittedText(lines=layout.lines, size=layout.size, truncated=truncated, width=width, height=height)


def _best_layout(
    fitter: _Fitter, max_size: float, min_size: float, max_lines: int, line_height: float, gain: float = WRAP_GAIN
) -> _Layout | None:
    """One line shrunk as needed; more lines only if one line is below min_size or wrapping wins WRAP_GAIN.

    Lines break at spaces first; inside words (after a hyphen, between ideographs) only when that is not enough,
    so "王小明" or "Anna-Lena" never split just to grow. A layout held below min_size by the box height alone
    still fits (nothing bigger could); one held there by the width does not, and leads to the ellipsis.
    """

    def acceptable(layout: _Layout) -> bool:
        # Below min_size only as one line held there by the box height: two lines of specks never beat one
        # line at min_size with an ellipsis.
        return layout.size >= min_size or (not layout.width_bound and len(layout.lines) == 1)

    def wrap_search(best: _Layout, within_words: bool = True, hyphenate: bool = False) -> _Layout:
        if max_lines < 2 or best.size >= max_size:
            return best  # no line count to try: skip cutting the text into units
        units = break_units(fitter.text, within_words=within_words, hyphenate=hyphenate)
        for count in range(2, min(max_lines, len(units)) + 1):
            if best.size >= max_size:
                break  # nothing beats the biggest allowed size
            ceiling = min(max_size, fitter.box_height / (line_height * count))
            if ceiling <= best.size or (acceptable(best) and ceiling < best.size * gain):
                break  # the box height alone rules out a win, and more lines only lower that ceiling
            candidate = fitter.layout(fitter.wrapped(units, count), max_size, line_height)
            if candidate.size > best.size and (not acceptable(best) or candidate.size >= best.size * gain):
                best = candidate
        return best

    best = fitter.layout((fitter.shape(fitter.text),), max_size, line_height)
    if max_lines < 2:  # one line (a first or a last name): there is nothing to search
        return best if acceptable(best) else None
    best = wrap_search(best, within_words=False)
    if not acceptable(best):
        best = wrap_search(best)
    if not acceptable(best) and max_lines > 1:
        best = wrap_search(best, hyphenate=True)  # a hyphen beats an ellipsis
    return best if acceptable(best) else None


def _balanced_partition(advances: list[float], glue: list[float], count: int) -> list[tuple[int, int]]:
    """Split units into at most `count` consecutive lines minimising the widest (linear partition).

    `glue[i]` is what unit i adds when a line goes on after it (a space; nothing after a hyphen).
    """
    n = len(advances)
    if count >= n:
        return [(i, i + 1) for i in range(n)]
    ends = [0.0, *accumulate(a + g for a, g in zip(advances, glue, strict=True))]

    def width(a: int, b: int) -> float:
        return ends[b] - ends[a] - glue[b - 1]

    if n > _MAX_UNITS:
        return _greedy_partition(n, width, count)
    # best[k][i]: narrowest widest-line for units[i:] in k lines; small n, so O(count * n^2) is nothing.
    best = [[math.inf] * (n + 1) for _ in range(count + 1)]
    choice = [[n] * (n + 1) for _ in range(count + 1)]
    for i in range(n):
        best[1][i] = width(i, n)
    for k in range(2, count + 1):
        for i in range(n):
            for j in range(i + 1, n):
                widest = max(width(i, j), best[k - 1][j])
                if widest < best[k][i]:
                    best[k][i], choice[k][i] = widest, j
    groups, i, k = [], 0, count
    while k > 1 and choice[k][i] < n:
        groups.append((i, choice[k][i]))
        i, k = choice[k][i], k - 1
    groups.append((i, n))
    return groups


def _greedy_partition(n: int, width: Callable[[int, int], float], count: int) -> list[tuple[int, int]]:
    """For long texts: the narrowest line limit (bisected) at which greedy filling needs at most `count` lines."""

    def greedy(limit: float) -> list[tuple[int, int]]:
        groups, start = [], 0
        for index in range(1, n):
            if width(start, index + 1) > limit:
                groups.append((start, index))
                start = index
        groups.append((start, n))
        return groups

    low, high = max(width(i, i + 1) for i in range(n)), width(0, n)
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (low, middle) if len(greedy(middle)) <= count else (middle, high)
    return greedy(high)


def _safe_size(size: float, lines: tuple[ShapedLine, ...], box_width: float, box_height: float, lh: float) -> float:
    """Round the size down (to 0.01 pt when it is at least 1 pt) until rounding can no longer overflow the box."""
    size = math.floor(size * 100) / 100 if size >= 1 else size * (1 - 1e-9)
    widest = max(line.extent[1] - line.extent[0] for line in lines)
    while size > 0 and (widest * size > box_width or lh * size * len(lines) > box_height):
        size *= 1 - 1e-6
    return size


def _line_text(text: str) -> str:
    """A line's printed text: a soft hyphen at its end becomes '-', any other one disappears."""
    if SOFT_HYPHEN not in text:
        return text
    return text[:-1].replace(SOFT_HYPHEN, "") + "-" if text.endswith(SOFT_HYPHEN) else text.replace(SOFT_HYPHEN, "")


def _em_width(line: ShapedLine) -> float:
    return line.extent[1] - line.extent[0]


def _is_cut_point(text: str, index: int) -> bool:
    """True between two characters that may be separated: not before a mark or joiner, not after a joiner."""
    after, before = text[index], text[index - 1]
    if unicodedata.category(after).startswith("M") or after in "\u200c\u200d" or before in "\u200c\u200d":
        return False
    return not ("\ud800" <= before <= "\udbff")


def clean_text(text: str) -> str:
    """NFC (so decomposed 'Nguyễn' uses the precomposed glyphs), one space between words, and only what printable()
    allows: whoever calls, cairo never sees a string it refuses. Soft hyphens go too: the fitter places its own
    where it cuts a long word."""
    text = unicodedata.normalize("NFC", printable(text).text)
    if SOFT_HYPHEN in text:
        text = text.replace(SOFT_HYPHEN, "")
    return _SPACES.sub(" ", text).strip()
