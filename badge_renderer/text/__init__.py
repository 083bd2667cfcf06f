"""Text in every script on a badge: bundled fonts with script fallback, bidi + HarfBuzz shaping, shrink/wrap/
ellipsis fitting, and cairo drawing that embeds each font once. cairocffi is imported only when drawing."""

from __future__ import annotations

from badge_renderer.text import fitting, quick, stamps
from badge_renderer.text.drawing import draw_text
from badge_renderer.text.fitting import FittedText, fit_text
from badge_renderer.text.fonts import FontLibrary, missing_glyphs
from badge_renderer.text.shaping import ShapedLine, ShapedRun

__all__ = [
    "FittedText",
    "FontLibrary",
    "ShapedLine",
    "ShapedRun",
    "draw_text",
    "fit_text",
    "fitting",
    "missing_glyphs",
    "quick",
    "stamps",
]
