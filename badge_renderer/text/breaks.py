"""Where a line may end: after a space, after a hyphen inside a word, and between Chinese/Japanese characters.

A small subset of UAX #14 that covers names and organisations: "Anna-Lena" may wrap after "Anna-",
"北京大学计算机研究所" between any two ideographs, but never before "。" or a small kana, nor after "「".
Hangul is left out on purpose: Korean breaks at spaces.
"""

from __future__ import annotations

HYPHENS = "-\u2010"
SOFT_HYPHEN = "\u00ad"  # ends a unit cut inside a word: the line that ends there prints a hyphen
LONG_WORD = 10  # letters: shorter words are never cut inside
_KEEP = 3  # letters kept on each side of a cut inside a word
# Closing punctuation, iteration marks, small kana and the long-vowel mark may not start a line (kinsoku).
_NO_LINE_START = {
    *"、。，．・：；？！ー〜ゝゞヽヾ",
    *"ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ",
    *"」』）〕］｝〉》】〙〗｣〟’”",
}
_NO_LINE_END = set("「『（〔［｛〈《【〘〖｢〝‘“")


def is_ideographic(char: str) -> bool:
    """Han, kana and CJK symbols: scripts written without spaces, breakable between any two characters."""
    cp = ord(char)
    return (
        0x3000 <= cp <= 0x30FF  # CJK punctuation, hiragana, katakana
        or 0x31F0 <= cp <= 0x31FF
        or 0x3400 <= cp <= 0x4DBF
        or 0x4E00 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF
        or 0xFF00 <= cp <= 0xFFEF  # full-width forms
        or 0x20000 <= cp <= 0x3FFFF
    )


def may_break_after(text: str, index: int, within_words: bool = True) -> bool:
    """True when a line may end after text[index] (and text continues after it).

    within_words=False allows spaces only: a short name is never split inside a word when it could shrink.
    """
    char, following = text[index], text[index + 1]
    if char == " ":
        return True
    if following == " " or not within_words:
        return False  # the space itself takes the break
    if char in HYPHENS:
        return index > 0 and text[index - 1].isalpha() and following.isalpha()
    if is_ideographic(char) or is_ideographic(following):
        return char not in _NO_LINE_END and following not in _NO_LINE_START
    return False


def break_units(text: str, within_words: bool = True, hyphenate: bool = False) -> list[str]:
    """`text` cut into the pieces a line may end after; a piece keeps its trailing space (dropped at line end).

    hyphenate=True also cuts words of LONG_WORD letters or more between any two letters (at least _KEEP on each
    side), each such piece ending in SOFT_HYPHEN: the last resort before an ellipsis, as in
    "Wolfeschlegel-" / "steinhausen-Berg".
    """
    units, start = [], 0
    for index in range(len(text) - 1):
        if may_break_after(text, index, within_words):
            units.append(text[start : index + 1])
            start = index + 1
    if start < len(text):
        units.append(text[start:])
    if hyphenate:
        units = [piece for unit in units for piece in _cut_long_word(unit)]
    return units


def _cut_long_word(unit: str) -> list[str]:
    """A long alphabetic run of Latin, Greek or Cyrillic letters cut into pieces ending in SOFT_HYPHEN."""
    word = unit.rstrip(" " + HYPHENS)
    if len(word) < LONG_WORD or not all(ch.isalpha() and ord(ch) < 0x0530 for ch in word):
        return [unit]
    cuts = range(_KEEP, len(word) - _KEEP + 1)
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(word[start:cut] + SOFT_HYPHEN)
        start = cut
    pieces.append(unit[start:])
    return pieces
