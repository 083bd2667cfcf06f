"""Where a line may end: after a space, after a hyphen inside a word, and between Chinese/Japanese characters.

A small subset of UAX #14 that covers names and organisations: "Anna-Lena" may wrap after "Anna-",
"北京大学计算机研究所" between any two ideographs, but never before "。" or a small kana, nor after "「".
Hangul is left out on purpose: Korean breaks at spaces.
"""

from __future__ import annotations

HYPHENS = "-\u2010"
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


def break_units(text: str, within_words: bool = True) -> list[str]:
    """`text` cut into the pieces a line may end after; a piece keeps its trailing space (dropped at line end)."""
    units, start = [], 0
    for index in range(len(text) - 1):
        if may_break_after(text, index, within_words):
            units.append(text[start : index + 1])
            start = index + 1
    if start < len(text):
        units.append(text[start:])
    return units
