"""One badge's drawing error stays that badge's problem: it becomes a row issue and the job goes on.

A cairo error sticks to its context (every later call on it fails too) and an exception midway through a badge
leaves that context's save/translate stack unbalanced, so the next badge would land in the wrong place. The badge
is therefore drawn on the page's surface through a context that is replaced after any failure, and the failed
slot is painted over with the design's blank badge, so nothing half-drawn reaches the printer.
"""

from __future__ import annotations

import logging
from typing import Any

from badge_renderer.errors import BadgeForgeError
from badge_renderer.model import Attendee, RowIssue

log = logging.getLogger(__name__)


class BadgeDrawer:
    """Draws badges of one composer onto one cairo surface; `ctx` is the context to use for anything else."""

    def __init__(self, composer: Any, surface: Any, ctx: Any = None) -> None:
        import cairocffi as cairo

        self.composer = composer
        self.surface = surface
        self.ctx = ctx if ctx is not None else cairo.Context(surface)
        self.failed_rows: set[int] = set()
        self._base_matrix = self.ctx.get_matrix()

    def draw(
        self,
        attendee: Attendee,
        x: float,
        y: float,
        rotation: int = 0,
        side: str = "front",
        *,
        static: bool = True,
        codes: bool | None = None,
    ) -> list[RowIssue]:
        """composer.draw, except that an unexpected error leaves a blank badge and one row issue.

        The project's own errors (a design or option that is wrong for every badge) still stop the job.
        """
        try:
            return self.composer.draw(self.ctx, attendee, x, y, rotation, side, static=static, codes=codes)
        except (BadgeForgeError, MemoryError):
            raise
        except Exception as err:
            log.warning("badge for row %s could not be drawn", attendee.row, exc_info=True)
            self._fresh_context()
            self._blank(attendee, x, y, rotation, side)
            self.failed_rows.add(attendee.row)
            return [failure_issue(attendee, err)]

    def _fresh_context(self) -> None:
        import cairocffi as cairo

        self.ctx = cairo.Context(self.surface)
        self.ctx.set_matrix(self._base_matrix)

    def blank(self, attendee: Attendee, x: float, y: float, rotation: int = 0, side: str = "front") -> None:
        """The badge's slot painted with its blank badge (a copied duplex back of a badge whose front failed)."""
        self._blank(attendee, x, y, rotation, side)

    def _blank(self, attendee: Attendee, x: float, y: float, rotation: int, side: str) -> None:
        """Paint the design's static layer over the slot, hiding whatever part of the badge was drawn."""
        import math

        try:
            ctx = self.ctx
            ctx.save()
            ctx.translate(x, y)
            w, h = self.composer.width, self.composer.height
            if rotation == 180:
                ctx.translate(w, h)
            elif rotation == 90:  # as compose.draw turns a badge that lies on its side
                ctx.translate(h, 0)
            elif rotation == 270:
                ctx.translate(0, w)
            if rotation:
                ctx.rotate(math.radians(rotation))
            ctx.set_source_surface(self.composer.static_layer(attendee.ticket_type, side), 0, 0)
            ctx.paint()
            ctx.restore()
        except Exception:  # the static layer itself is broken: leave the slot as it is, on a clean context
            log.warning("could not blank the badge for row %s", attendee.row, exc_info=True)
            self._fresh_context()


def failure_issue(attendee: Attendee, err: BaseException) -> RowIssue:
    """The row issue of a badge whose drawing failed (it was left blank)."""
    reason = str(err).strip().splitlines()[0][:160] if str(err).strip() else type(err).__name__
    return RowIssue(
        attendee.row,
        None,
        f"This badge could not be drawn ({reason}); it was left blank. Check the row's values, "
        "then print this badge again",
    )
