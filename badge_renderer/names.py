"""How a person's name and capitals are written in their script: the rules a printer would follow by hand.

Chinese, Japanese and Korean names are written family name first with no space ("王小明", "김민준"), so a CSV
with given and family name in separate columns must not print "小明 王". Greek drops its accents in capitals
("Γιώργος" -> "ΓΙΩΡΓΟΣ", not "ΓΙΏΡΓΟΣ"); German ß becomes SS (Python's upper() already does that).
"""

from __future__ import annotations

import unicodedata

_GREEK_ACCENTS = {
    "\u0301",
    "\u0300",
    "\u0342",
    "\u0313",
    "\u0314",
    "\u0345",
}  # tonos/oxia, varia, perispomeni, breathings, ypogegrammeni
_DIALYTIKA = "\u0308"


def is_east_asian(text: str) -> bool:
    """True when every letter of `text` is Han, kana or Hangul (spaces and punctuation aside)."""
    if text.isascii():
        return False  # the usual name: no Han, kana or Hangul, answered without a per-character loop
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(_east_asian_letter(ch) for ch in letters)


def _east_asian_letter(char: str) -> bool:
    cp = ord(char)
    return (
        0x3040 <= cp <= 0x30FF  # kana
        or 0x3400 <= cp <= 0x4DBF
        or 0x4E00 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x3FFFF
        or 0xAC00 <= cp <= 0xD7AF  # Hangul syllables
        or 0x1100 <= cp <= 0x11FF
        or 0x3130 <= cp <= 0x318F
    )


def printed_name(first: str, last: str) -> str:
    """First and last name joined as they are written: family first without a space for CJK names."""
    first, last = first.strip(), last.strip()
    if first and last and is_east_asian(first) and is_east_asian(last):
        return f"{last}{first}"
    return f"{first} {last}" if first and last else first or last  # the parts there are, one space between


def upper_for_print(text: str) -> str:
    """Capitals as the script writes them: Greek without accents (a dialytika stays: "ΪΫ"), everything else as
    str.upper()."""
    upper = text.upper()
    if not any("\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff" for ch in upper):
        return upper
    decomposed = unicodedata.normalize("NFD", upper)
    out = []
    for index, ch in enumerate(decomposed):
        base = next((b for b in reversed(decomposed[:index]) if not unicodedata.combining(b)), "")
        greek = "\u0370" <= base <= "\u03ff" or "\u1f00" <= base <= "\u1fff"
        if greek and ch in _GREEK_ACCENTS:
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))
