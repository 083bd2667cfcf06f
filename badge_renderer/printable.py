"""The one rule for which characters may reach a badge: everything printable stays, the rest is named and dropped.

cairo refuses a whole string (CAIRO_STATUS_INVALID_STRING) that holds a Unicode noncharacter or a lone surrogate,
and that error sticks to the drawing context, so one such character used to fail a whole job. Others print as blank
boxes (private use, unassigned), or silently reverse the rest of a line (a bidi override nobody closes), or float
without a letter to sit on (a combining mark at the start of a field). Attendee fields pass through here when the
reader builds them (so the row gets a warning naming its column), options' text when it is read, and every string
again when it is fitted (so no caller can hand cairo a string it would refuse).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_EMBEDDING_OPENERS = "\u202a\u202b\u202d\u202e"  # LRE RLE LRO RLO, closed by PDF
_ISOLATE_OPENERS = "\u2066\u2067\u2068"  # LRI RLI FSI, closed by PDI
_PDF, _PDI = "\u202c", "\u2069"
_BIDI_CONTROLS = frozenset(_EMBEDDING_OPENERS + _ISOLATE_OPENERS + _PDF + _PDI)
_KEPT_CONTROLS = frozenset("\t\n\r")  # whitespace: wrapping and the reader's line breaks handle them
_ASCII_UNPRINTABLE = frozenset(chr(c) for c in (*range(0x20), 0x7F)) - _KEPT_CONTROLS


@dataclass(frozen=True)
class PrintableText:
    """`text` with what cannot be printed taken out; `removed` lists each dropped character with why, in order."""

    text: str
    removed: tuple[tuple[str, str], ...] = ()

    def describe(self, limit: int = 3) -> str:
        """'U+FFFE (a Unicode noncharacter), U+202E (an unclosed direction override)' for warnings."""
        shown = [f"U+{ord(ch):04X} ({why})" for ch, why in self.removed[:limit]]
        more = len(self.removed) - limit
        return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def printable(text: str) -> PrintableText:
    """Drop noncharacters, surrogates, controls (tab/newline kept), private-use and unassigned code points, bidi
    embeddings/overrides/isolates that are not properly closed, and combining marks with no letter before them."""
    if text.isascii() and _ASCII_UNPRINTABLE.isdisjoint(text):
        return PrintableText(text)  # the common case, checked without a per-character loop
    kept: list[str] = []
    removed: list[tuple[int, str, str]] = []  # (position in text, char, why)
    open_bidi: list[tuple[int, int]] = []  # (index in kept, position in text) of openers not yet closed
    has_base = False  # a combining mark needs a letter (or symbol) before it
    for position, ch in enumerate(text):
        why = _unprintable(ch)
        if why is None and ch in _BIDI_CONTROLS:
            why = _bidi_step(ch, kept, open_bidi, position)
        elif why is None and unicodedata.category(ch)[0] == "M" and not has_base:
            why = "a combining mark with no letter before it"
        if why is not None:
            removed.append((position, ch, why))
            continue
        if ch not in _BIDI_CONTROLS:
            has_base = _carries_marks(ch, has_base)
        kept.append(ch)
    for index, position in reversed(open_bidi):  # openers nobody closed would flip the rest of the line
        removed.append((position, kept[index], "an unclosed direction override"))
        kept[index] = ""
    if not removed:
        return PrintableText(text)
    removed.sort()
    return PrintableText("".join(kept), tuple((ch, why) for _, ch, why in removed))


def _unprintable(ch: str) -> str | None:
    """Why a character can never be printed on its own merits, or None."""
    code = ord(ch)
    if 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        return "a Unicode noncharacter"
    category = unicodedata.category(ch)
    if category == "Cc":
        return None if ch in _KEPT_CONTROLS else "a control character"
    if category == "Cs":
        return "half of a broken surrogate pair"
    if category == "Co":
        return "a private-use character no font can print"
    if category == "Cn":
        return "a code point Unicode has not assigned"
    return None


def _bidi_step(ch: str, kept: list[str], open_bidi: list[tuple[int, int]], position: int) -> str | None:
    """Track explicit direction controls; a closer with no matching opener on top is dropped (strict nesting)."""
    if ch in _EMBEDDING_OPENERS or ch in _ISOLATE_OPENERS:
        open_bidi.append((len(kept), position))
        return None
    openers = _EMBEDDING_OPENERS if ch == _PDF else _ISOLATE_OPENERS
    if open_bidi and kept[open_bidi[-1][0]] in openers:
        open_bidi.pop()
        return None
    return "a direction control that closes nothing"


def _carries_marks(ch: str, has_base: bool) -> bool:
    """After `ch`, may a combining mark follow? Letters, digits, symbols and marks yes; spaces and breaks no;
    joiners and other format characters leave it as it was (an emoji ZWJ sequence, a soft hyphen)."""
    category = unicodedata.category(ch)
    if category[0] == "Z" or ch in _KEPT_CONTROLS:
        return False
    if category == "Cf":
        return has_base
    return True
