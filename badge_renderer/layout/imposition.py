"""N-up imposition: how many badges fit a sheet, where each goes, and where its back goes (duplex or fold-over)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from badge_renderer.errors import DesignError, OptionsError
from badge_renderer.layout.bleed import check_bleed, mark_gap, marks_reach
from badge_renderer.layout.geometry import Line, Rotation, SheetLayout, Size, Slot
from badge_renderer.layout.marks import MARK_MINIMUM
from badge_renderer.layout.marks import crop_marks as compute_crop_marks
from badge_renderer.layout.units import MM, format_mm, mm_text

Sides = Literal["single", "duplex", "foldover"]
SIDES: tuple[str, ...] = ("single", "duplex", "foldover")
_FIT_TOLERANCE = 1e-6  # points; A6 on A4 without margins fits exactly and must not lose to rounding
AUTO_MARGIN_MM = 10.0  # what an automatic margin plans with: clear of any printer's unprintable border
SMALLEST_AUTO_MARGIN_MM = 4.0  # a typical office printer's unprintable border; auto never goes below it
Turn = Literal[0, 90]


def plan_sheet(
    paper: Size,
    badge: Size,
    *,
    margin_mm: float | None = 10.0,
    gutter_mm: float = 0.0,
    offset_x_mm: float = 0.0,
    offset_y_mm: float = 0.0,
    one_per_page: bool = False,
    sides: str = "single",
    crop_marks: bool = False,
    rotate: bool = True,
    bleed_mm: float = 0.0,
) -> SheetLayout:
    """As many badges as fit the paper inside the margins, as a grid centred on the page, then moved by the printer
    calibration offset (positive = right / down). With `one_per_page` the page is the badge itself (badge printers).
    `margin_mm=None` is the automatic margin (see `auto_margin_mm`); a number is used as given.

    With `rotate` the badges are turned 90 degrees when that fits more of them (4 x 3 in on A4: 4 instead of 3;
    the slots' rotation says so). Fold-over puts each badge's back against its front's top edge, upside down, so
    the pair folds along their shared edge; the pair is what has to fit. Duplex puts the backs on the next page,
    mirrored.

    `bleed_mm` (see layout.bleed): the gutter grows to at least two bleeds, so a cut that misses the trim by up to a
    bleed still shows this badge's own artwork; one-per-page pages grow by the bleed (and room for marks outside it).
    """
    check_sides(sides)
    bleed = check_bleed(bleed_mm)
    gutter_mm = max(gutter_mm, 2 * bleed_mm)
    gutter = _length(gutter_mm, "gutter_mm")
    offset_x, offset_y = calibration_offset(offset_x_mm, "offset_x_mm"), calibration_offset(offset_y_mm, "offset_y_mm")
    if margin_mm is not None:
        _length(margin_mm, "margin_mm")
    if one_per_page:
        piece_w, piece_h = _piece(badge, sides, 0)
        border = bleed + (marks_reach(bleed) if crop_marks and bleed else 0.0)
        page = Size(piece_w + 2 * border, piece_h + 2 * border, badge.name)
        return impose(
            page,
            badge,
            [(border, border)],
            sides=sides,
            offset=(offset_x, offset_y),
            crop_marks=crop_marks,
            bleed=bleed,
        )
    if bleed and margin_mm is not None and margin_mm * MM < bleed:
        raise OptionsError(
            f"A {format_mm(bleed)} bleed needs margins of at least {format_mm(bleed)} (the margin is "
            f"{format_mm(margin_mm * MM)})",
            hint="Raise --margin, or leave --margin on auto.",
            column="bleed_mm",
        )

    turns: tuple[Turn, ...] = (0, 90) if rotate and abs(badge.width - badge.height) > _FIT_TOLERANCE else (0,)
    grids = [_grid_for(paper, badge, sides, turn, margin_mm, gutter, bleed_mm) for turn in turns]
    upright, best = grids[0], max(grids, key=lambda g: g.count)  # max keeps the first (upright) on a tie
    if best.count == 0:
        raise _does_not_fit(paper, badge, upright.margin, sides)
    used_w = best.columns * best.piece_w + (best.columns - 1) * gutter
    used_h = best.rows * best.piece_h + (best.rows - 1) * gutter
    left, top = (paper.width - used_w) / 2, (paper.height - used_h) / 2
    origins = [
        (left + c * (best.piece_w + gutter), top + r * (best.piece_h + gutter))
        for r in range(best.rows)
        for c in range(best.columns)
    ]
    return impose(
        paper,
        badge,
        origins,
        sides=sides,
        offset=(offset_x, offset_y),
        crop_marks=crop_marks,
        turn=best.turn,
        bleed=bleed,
    )


@dataclass(frozen=True)
class _Grid:
    turn: Turn
    margin: float  # points
    piece_w: float
    piece_h: float
    columns: int
    rows: int

    @property
    def count(self) -> int:
        return self.columns * self.rows


def _grid_for(
    paper: Size, badge: Size, sides: str, turn: Turn, margin_mm: float | None, gutter: float, bleed_mm: float = 0.0
) -> _Grid:
    piece_w, piece_h = _piece(badge, sides, turn)
    if margin_mm is None:  # automatic, but never inside the bleed
        margin_mm = max(_auto_margin(paper, piece_w, piece_h, gutter), bleed_mm)
    margin = margin_mm * MM
    columns = _count(paper.width - 2 * margin, piece_w, gutter)
    rows = _count(paper.height - 2 * margin, piece_h, gutter)
    return _Grid(turn, margin, piece_w, piece_h, columns, rows)


def _piece(badge: Size, sides: str, turn: Turn) -> tuple[float, float]:
    """What is cut out, as it lies on the sheet: the badge, or a fold-over pair joined at the badges' top edges."""
    pair = 2 if sides == "foldover" else 1
    if turn == 90:
        return badge.height * pair, badge.width
    return badge.width, badge.height * pair


def auto_margin_mm(paper: Size, badge: Size, *, gutter_mm: float = 0.0, sides: str = "single") -> float:
    """The margin an automatic layout of upright badges uses: 10 mm, unless a margin down to 4 mm fits more.

    Then it is the largest margin that still gets that larger count (the space the bigger grid leaves on its tighter
    side), e.g. two 4 in columns on US Letter leave 1/4 in (6.35 mm). The grid is centred either way, so every margin
    between this one and 4 mm gives the same sheet; this one is the honest figure to report. Avery's 4 x 3 in insert
    sheets print 6 per Letter sheet with 1/4 in side margins, where a fixed 10 mm margin allowed only 3. At 4 mm,
    a typical printer border, crop marks still fit: they start 1.5 mm off the badge and need 1 mm of length.
    """
    gutter = _length(gutter_mm, "gutter_mm")
    return _auto_margin(paper, *_piece(badge, sides, 0), gutter)


def _auto_margin(paper: Size, piece_w: float, piece_h: float, gutter: float) -> float:
    def grid(margin_mm: float) -> tuple[int, int]:
        margin = margin_mm * MM
        return _count(paper.width - 2 * margin, piece_w, gutter), _count(paper.height - 2 * margin, piece_h, gutter)

    planned, tightest = grid(AUTO_MARGIN_MM), grid(SMALLEST_AUTO_MARGIN_MM)
    if tightest[0] * tightest[1] == 0:
        return SMALLEST_AUTO_MARGIN_MM  # nothing fits even then: the error names the margin really tried
    if tightest[0] * tightest[1] <= planned[0] * planned[1]:
        return AUTO_MARGIN_MM
    columns, rows = tightest
    slack_x = paper.width - (columns * piece_w + (columns - 1) * gutter)
    slack_y = paper.height - (rows * piece_h + (rows - 1) * gutter)
    margin_mm = min(slack_x, slack_y) / 2 / MM
    return max(SMALLEST_AUTO_MARGIN_MM, min(AUTO_MARGIN_MM, margin_mm))


# How a back is turned so it reads upright when the badge is turned round on its lanyard (about its own vertical
# axis): duplex flips the sheet on its long edge, so a badge lying on its side has its back the other way round.
_DUPLEX_BACK: dict[int, Rotation] = {0: 0, 90: 270}
# Fold-over joins front and back at their top edges: the back is upside down relative to its front.
_FOLD_BACK: dict[int, Rotation] = {0: 180, 90: 270}


def impose(
    page: Size,
    badge: Size,
    origins: Sequence[tuple[float, float]],
    *,
    sides: str,
    offset: tuple[float, float],
    crop_marks: bool,
    turn: Turn = 0,
    bleed: float = 0.0,
) -> SheetLayout:
    """Fronts, backs and marks for pieces whose top-left corners are `origins` (uncalibrated), then the offset.

    `turn` 90 lays every badge on its side (top edge to the right). The calibration offset moves every page the
    same way, backs included: it corrects where this printer puts the image on the paper, whichever side is up.
    """
    w, h = (badge.height, badge.width) if turn == 90 else (badge.width, badge.height)  # the slot on the page
    if sides == "foldover" and turn == 90:
        # The front's top edge is its right edge: the back lies to its right, joined there, its top at its left.
        fronts = [Slot(x, y, w, h, turn) for x, y in origins]
        backs = [Slot(x + w, y, w, h, _FOLD_BACK[turn]) for x, y in origins]
        pieces = [Slot(x, y, 2 * w, h) for x, y in origins]
    elif sides == "foldover":
        backs = [Slot(x, y, w, h, _FOLD_BACK[turn]) for x, y in origins]
        fronts = [Slot(x, y + h, w, h) for x, y in origins]
        pieces = [Slot(x, y, w, 2 * h) for x, y in origins]
    else:
        fronts = [Slot(x, y, w, h, turn) for x, y in origins]
        # Flipped on its long edge, a portrait sheet swaps left and right: front at x lands behind page_w - x - w.
        backs = [Slot(page.width - x - w, y, w, h, _DUPLEX_BACK[turn]) for x, y in origins] if sides == "duplex" else []
        pieces = fronts
    dx, dy = offset
    fronts, backs, pieces = ([s.moved(dx, dy) for s in group] for group in (fronts, backs, pieces))
    gap = mark_gap(bleed)
    marks: tuple[Line, ...] = compute_crop_marks(pieces, page, gap=gap) if crop_marks else ()
    # Duplex backs get their own marks, from where the backs really are (not a copy of the front's): professional
    # imposition marks both sides, so the operator can hold a sheet to the light to see how far this printer's
    # duplex registration drifts, and cut from either side. Copying the front marks was only right while every
    # grid was left-right symmetric (centred grids are, with any offset); an off-centre label sheet is not.
    back_marks: tuple[Line, ...] = compute_crop_marks(backs, page, gap=gap) if crop_marks and sides == "duplex" else ()
    notes = (_dropped_marks_note(pieces, page, marks, gap),) if crop_marks and len(origins) else ()
    return SheetLayout(
        page=page,
        fronts=tuple(fronts),
        backs=tuple(backs),
        backs_on_next_page=sides == "duplex",
        crop_marks=marks,
        badge=badge,
        back_crop_marks=back_marks,
        notes=tuple(n for n in notes if n),
        bleed=bleed,
    )


def _dropped_marks_note(pieces: Sequence[Slot], page: Size, marks: Sequence[Line], gap: float) -> str:
    """'' when every cut has a mark; else says how many cuts lost theirs (margins too narrow for a mark)."""
    edge = 0.01  # points: a cut on the paper's own edge needs no mark
    cuts_x = {round(v, 2) for s in pieces for v in (s.x, s.right) if edge < v < page.width - edge}
    cuts_y = {round(v, 2) for s in pieces for v in (s.y, s.bottom) if edge < v < page.height - edge}
    marked_x = {round(m.x1, 2) for m in marks if abs(m.x1 - m.x2) < edge}
    marked_y = {round(m.y1, 2) for m in marks if abs(m.y1 - m.y2) < edge}
    missing = len(cuts_x - marked_x) + len(cuts_y - marked_y)
    if not missing:
        return ""
    total = len(cuts_x) + len(cuts_y)
    what = "Crop marks were dropped" if not marks else f"Crop marks were dropped for {missing} of {total} cut lines"
    return (
        f"{what}: the margins beside the badges are too narrow for a mark (it needs "
        f"{mm_text(gap + MARK_MINIMUM)} mm clear of the badges)."
    )


def check_sides(sides: str) -> None:
    """Reject a sides value the imposition does not know, naming the valid ones."""
    if sides not in SIDES:
        raise OptionsError(f"Unknown sides '{sides}'", hint=f"Choose one of: {', '.join(SIDES)}.", column="sides")


def _count(space: float, size: float, gutter: float) -> int:
    """How many `size` pieces with `gutter` between them fit in `space`."""
    if space + _FIT_TOLERANCE < size:
        return 0
    return math.floor((space + gutter + _FIT_TOLERANCE) / (size + gutter))


def _length(value_mm: float, option: str) -> float:
    if not isinstance(value_mm, int | float) or not math.isfinite(value_mm) or not 0 <= value_mm <= 100:
        raise OptionsError(f"{option} must be a number of millimetres from 0 to 100", column=option)
    return value_mm * MM


def calibration_offset(value_mm: float, option: str) -> float:
    """A printer calibration offset in mm as points; more than 5 cm is a typo, not a printer."""
    if not isinstance(value_mm, int | float) or not math.isfinite(value_mm) or abs(value_mm) > 50:
        raise OptionsError(f"{option} must be a number of millimetres from -50 to 50", column=option)
    return value_mm * MM


def _does_not_fit(paper: Size, badge: Size, margin: float, sides: str) -> DesignError:
    what = (
        f"A fold-over pair of {badge.describe()} badges (twice the badge height)"
        if sides == "foldover"
        else f"The badge size {badge.describe()}"
    )
    printable = f"{mm_text(paper.width - 2 * margin)} x {mm_text(paper.height - 2 * margin)} mm"
    return DesignError(
        f"{what} does not fit on {paper.describe()} paper with {format_mm(margin)} margins: the printable area is "
        f"only {printable}",
        hint="Choose a larger paper, smaller margins or a smaller badge size, or use --one-per-page for a badge "
        "printer.",
    )
