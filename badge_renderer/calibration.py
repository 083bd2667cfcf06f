"""The printer calibration page: the organizer prints it, folds or measures it, and types the two printer offsets
(RenderOptions.offset_x_mm / offset_y_mm) that the sheet plan then applies to every badge.

Two ways to read it, both in the numbers the form asks for (positive = move right / down):
- Fold the sheet in half edge to edge: the fold is the paper's true centre. Where it crosses the scale printed
  through the centre, the scale's number is the offset (a printer that prints 2 mm too far left puts the +2 tick
  under the fold).
- Or measure from the paper's edges to the lines printed 10 mm in from them.
The page is drawn with the offsets it is given, exactly as badges are, so a second print checks the correction:
the zero ticks then sit on the folds. A 100 mm bar shows whether the print dialog scaled the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from badge_renderer.errors import OptionsError

MM = 72 / 25.4
EDGE_MM = 10.0  # the edge lines: far enough in for any printer's unprintable border
SCALE_MM = 15  # the scales reach this far either side of the centre lines
SCALE_AWAY_MM = 30  # each scale's distance from the centre, along the other fold
BAR_MM = 100.0
MIN_PAPER_MM = (140, 200)  # A5 portrait and up: room for the instructions, the scales and the bar
INK = (0.0, 0.0, 0.0)
GUIDE = (0.1, 0.3, 0.8)


def calibration_pdf(
    out: Path, paper: str = "A4", *, preset: str | None = None, offset_x_mm: float = 0.0, offset_y_mm: float = 0.0
) -> Path:
    """Write the calibration page for `paper` (or the paper of label-sheet `preset`) to `out`."""
    import cairocffi as cairo

    from badge_renderer.layout import find_preset, parse_paper
    from badge_renderer.layout.imposition import calibration_offset

    page = find_preset(preset).paper if preset else parse_paper(paper)
    dx = calibration_offset(offset_x_mm, "offset_x_mm")
    dy = calibration_offset(offset_y_mm, "offset_y_mm")
    if page.width < MIN_PAPER_MM[0] * MM or page.height < MIN_PAPER_MM[1] * MM:
        raise OptionsError(
            f"The calibration page needs paper of at least {MIN_PAPER_MM[0]} x {MIN_PAPER_MM[1]} mm; "
            f"{page.describe()} is smaller",
            hint="Calibrate on A4 or Letter: the offset is the printer's, whatever the paper.",
            column="paper",
        )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    surface = cairo.PDFSurface(str(out), page.width, page.height)
    surface.set_metadata(cairo.PDF_METADATA_TITLE, "BadgeForge printer calibration")
    surface.set_metadata(cairo.PDF_METADATA_CREATOR, "BadgeForge")
    ctx = cairo.Context(surface)
    ctx.translate(dx, dy)  # as the sheet plan moves every badge
    _CalibrationPage(ctx, page.width, page.height).draw(offset_x_mm, offset_y_mm, page.name or page.describe())
    surface.finish()
    return out


class _CalibrationPage:
    def __init__(self, ctx: Any, width: float, height: float) -> None:
        from badge_renderer.render_support import text_module

        self.ctx, self.w, self.h = ctx, width, height
        self.text = text_module()

    def draw(self, offset_x_mm: float, offset_y_mm: float, paper: str) -> None:
        cx, cy = self.w / 2, self.h / 2
        self._centre_lines(cx, cy)
        # Each scale sits on the other fold's line, away from the centre so their numbers never meet: the vertical
        # fold (the true x centre) crosses the across scale wherever it is drawn along it.
        self._scale(cx, cy + SCALE_AWAY_MM * MM, across=True)
        self._scale(cx + SCALE_AWAY_MM * MM, cy, across=False)
        self._edge_lines()
        self._bar(cx, self.h - 40 * MM)
        self._words(offset_x_mm, offset_y_mm, paper)

    def _line(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.3, rgb: tuple = INK) -> None:
        ctx = self.ctx
        ctx.set_source_rgb(*rgb)
        ctx.set_line_width(width)
        ctx.move_to(x1, y1)
        ctx.line_to(x2, y2)
        ctx.stroke()

    def _centre_lines(self, cx: float, cy: float) -> None:
        """Dashed lines through the intended centre, where the folds should fall once calibrated."""
        self.ctx.set_dash([3, 3])
        self._line(cx, 95 * MM, cx, self.h - 50 * MM, 0.4, GUIDE)
        self._line(12 * MM, cy, self.w - 12 * MM, cy, 0.4, GUIDE)
        self.ctx.set_dash([])
        self._label("fold", cx + 1 * MM, 91 * MM, 10 * MM, 4 * MM, align="start")

    def _scale(self, x0: float, y0: float, *, across: bool) -> None:
        """Millimetre ticks centred on (x0, y0), numbered every 5 mm: the number under the fold is the offset to type
        (across: read against the vertical fold; else against the horizontal one)."""
        for mm in range(-SCALE_MM, SCALE_MM + 1):
            length = (4 if mm % 5 == 0 else 2) * MM
            label = f"{mm:+d}" if mm else "0"
            if across:
                x = x0 + mm * MM
                self._line(x, y0 - length, x, y0 + length, 0.45 if mm == 0 else 0.25)
                if mm % 5 == 0:
                    self._label(label, x - 4 * MM, y0 + 5 * MM, 8 * MM, 4 * MM)
            else:
                y = y0 + mm * MM
                self._line(x0 - length, y, x0 + length, y, 0.45 if mm == 0 else 0.25)
                if mm % 5 == 0:
                    self._label(label, x0 + 5 * MM, y - 1.5 * MM, 8 * MM, 4 * MM, align="start")
        name = "Printer offset right (mm)" if across else "Printer offset down (mm)"
        if across:
            self._label(name, x0 - 30 * MM, y0 + 10 * MM, 60 * MM, 4 * MM)
        else:
            self._label(name, x0 - 20 * MM, y0 + (SCALE_MM + 3) * MM, 50 * MM, 4 * MM, align="start")

    def _edge_lines(self) -> None:
        """Lines EDGE_MM in from each edge (with a short arrow label) for measuring with a ruler instead."""
        e = EDGE_MM * MM
        mid_x, mid_y = self.w / 2, self.h / 2
        for x in (e, self.w - e):
            self._line(x, mid_y - 60 * MM, x, mid_y - 20 * MM)
            self._line(x, mid_y + 20 * MM, x, mid_y + 60 * MM)
        for y in (e, self.h - e):
            self._line(mid_x - 60 * MM, y, mid_x - 20 * MM, y)
            self._line(mid_x + 20 * MM, y, mid_x + 60 * MM, y)
        self._label("10 mm from the edge", mid_x - 20 * MM, e + 1 * MM, 40 * MM, 4 * MM)
        self._label("10 mm from the edge", mid_x - 20 * MM, self.h - e - 5 * MM, 40 * MM, 4 * MM)

    def _bar(self, cx: float, y: float) -> None:
        half = BAR_MM / 2 * MM
        self._line(cx - half, y, cx + half, y, 0.6)
        for x in (cx - half, cx + half):
            self._line(x, y - 2 * MM, x, y + 2 * MM, 0.6)
        self._label(
            f"This bar is {BAR_MM:.0f} mm long. If it is not, print again at 100 % (turn off 'fit to page').",
            cx - (self.w / 2 - 15 * MM),
            y + 3 * MM,
            self.w - 30 * MM,
            5 * MM,
        )

    def _words(self, offset_x_mm: float, offset_y_mm: float, paper: str) -> None:
        steps = [
            "1. Print this page at 100 % (no 'fit to page') on the printer and tray you will use for the badges.",
            "2. Fold it in half, left edge onto right edge. Where the fold crosses the scale across the middle, read "
            "the number: type it as Printer offset right (mm). Between two ticks, take the half millimetre.",
            "3. Unfold, fold top edge onto bottom edge. Where the fold crosses the upright scale, read the number: "
            "type it as Printer offset down (mm).",
            "Or measure from each edge to its line (10 mm when exact): offset right = (right - left) / 2, "
            "offset down = (bottom - top) / 2.",
            "Print this page again with the new offsets: the 0 ticks then sit on the folds (if not, add what you "
            "read to the offsets).",
        ]
        self._label("BadgeForge printer calibration", 20 * MM, 18 * MM, self.w - 40 * MM, 9 * MM, size=16)
        self._label(
            f"{paper}; printed with offset right {offset_x_mm:+.1f} mm, down {offset_y_mm:+.1f} mm",
            20 * MM,
            27 * MM,
            self.w - 40 * MM,
            5 * MM,
            size=9,
        )
        y = 36 * MM
        for step in steps:
            self._label(step, 20 * MM, y, self.w - 40 * MM, 9 * MM, size=9, align="start", lines=2)
            y += 9.5 * MM

    def _label(
        self,
        text: str,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        size: float = 8,
        align: str = "center",
        lines: int = 1,
    ) -> None:
        fitted = self.text.fit_text(
            text, box_width=w, box_height=h, family="sans", weight="regular", max_size=size, min_size=5, max_lines=lines
        )
        self.text.draw_text(self.ctx, fitted, x, y, w, h, color=INK, align=align, valign="top")
