"""Renderer messages in the web form's words: the renderer's hints name CLI flags (--map, --offset-x, --preset),
which mean nothing to an organizer on the upload page. Every message the API hands a browser (errors, job status,
warnings) passes through `for_web`, which names the form's field instead."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# The renderer's phrasings, most specific first; each says where the same choice is in the form.
_PHRASES = (
    ("say which column holds the names with --map full_name=Column", "choose the names' column under Full name"),
    ("use --map full_name=Column", "choose the names' column under Full name in the column mapping"),
    ("the --map option", "the column mapping"),
    ("--offset-x/--offset-y", "Printer offset right and down (Print; the calibration page measures them)"),
    ("--duplex or --fold-over", "Sides set to Two-sided (duplex) or Fold-over"),
    ("use --one-per-page", "choose One badge per page"),
    ("without --preset", "without a label sheet"),
    ("without --bleed", "with Bleed set to 0"),
    ("Raise --margin, or leave --margin on auto", "Raise the margin, or leave Margin empty (automatic)"),
)
# Any other flag: the form's label for that option when there is one, else the words without the dashes.
_FLAG = re.compile(r"(?<![\w-])--([a-z][a-z-]*)(?:[ =]\S+)?")
_FLAG_LABELS = {
    "map": "the column mapping",
    "preset": "Label sheet",
    "paper": "Paper",
    "size": "Badge size",
    "margin": "Margin",
    "gutter": "Gap between badges",
    "bleed": "Bleed",
    "duplex": "Sides: Two-sided (duplex)",
    "fold-over": "Sides: Fold-over",
    "one-per-page": "One badge per page",
    "no-rotate": "Turn badges when more fit (off)",
    "crop-marks": "Crop marks",
    "qr": "QR code",
    "font": "Font",
    "accent": "Accent colour",
}


def for_web(text: str) -> str:
    """`text` with CLI flags replaced by where the form offers the same choice."""
    if "--" not in text:
        return text
    for phrase, words in _PHRASES:
        text = text.replace(phrase, words)
    return _FLAG.sub(lambda m: _FLAG_LABELS.get(m.group(1), m.group(1).replace("-", " ")), text)


def web_message(item: Mapping[str, Any]) -> dict[str, Any]:
    """A warning or error dict with its message and hint in the form's words."""
    out = dict(item)
    for key in ("message", "hint"):
        if isinstance(out.get(key), str):
            out[key] = for_web(out[key])
    return out
