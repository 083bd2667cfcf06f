"""Reading what a PDF printed, for tests: every text run's size as printed."""

from __future__ import annotations

import math
from pathlib import Path

from pypdf import PdfReader


def text_sizes(pdf: Path) -> list[tuple[float, str]]:
    """(size in points as printed, text) of every text run cairo wrote: font size x the text and graphics scale."""
    runs: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
        if text.strip():
            c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
            runs.append((size * math.hypot(c, d), text.strip()))

    PdfReader(pdf).pages[0].extract_text(visitor_text=visit)
    return runs
