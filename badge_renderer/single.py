"""One badge now: a design kept warm (fonts loaded, static layer recorded) so each desk print only draws one name.

Why a class of its own: a job renders thousands of badges in one go, a desk renders one at a time for hours; the
expensive part (loading the design and fonts, recording what every badge shares) must happen once per desk, not
once per attendee. A drawing is not thread-safe, so one lock per warm badge.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Any, Literal

from badge_renderer.model import Attendee, RowIssue
from badge_renderer.options import RenderOptions

LabelFormat = Literal["pdf", "zpl"]
_WARM_UP = Attendee(row=0, first_name="Warm", last_name="Up", organization="BadgeForge", role="Desk")


class WarmBadge:
    """Renders single badges for one set of options (a label preset: the page is the label)."""

    def __init__(self, options: RenderOptions) -> None:
        from badge_renderer.output import make_composer

        options = options.with_changes(sides="single", crop_marks=False, bleed_mm=0.0, workers=1)
        options.validate()
        self.options = options
        self.composer = make_composer(options)
        self._lock = threading.Lock()
        self.pdf(_WARM_UP)  # loads the fonts and records the static layer now, not at the first attendee's print

    @property
    def size_mm(self) -> tuple[float, float]:
        """The label as printed (width, length) in mm: a continuous roll's length is the design's."""
        from badge_renderer.layout.units import MM

        return round(self.composer.width / MM, 2), round(self.composer.height / MM, 2)

    def pdf(self, attendee: Attendee) -> tuple[bytes, list[RowIssue]]:
        """The badge as a one-page PDF at the label's size."""
        from badge_renderer.output import write_pdf_part

        with self._lock, tempfile.TemporaryDirectory(prefix="badgeforge-one-") as tmp:
            out = Path(tmp) / "badge.pdf"
            part = write_pdf_part([attendee], self.options, out, composer=self.composer)
            return out.read_bytes(), list(part.issues)

    def zpl(
        self, attendee: Attendee, *, dpi: int = 203, mode: Any = "threshold", compress: bool = True
    ) -> tuple[bytes, list[RowIssue]]:
        """The badge as one ZPL label (ASCII bytes, ready for TCP 9100)."""
        from badge_renderer.zpl import render_zpl

        with self._lock:
            text, issues = render_zpl(
                [attendee], self.options, dpi=dpi, mode=mode, compress=compress, composer=self.composer
            )
        return text.encode("ascii"), issues

    def render(self, attendee: Attendee, fmt: LabelFormat, *, dpi: int = 203) -> tuple[bytes, list[RowIssue]]:
        return self.zpl(attendee, dpi=dpi) if fmt == "zpl" else self.pdf(attendee)
