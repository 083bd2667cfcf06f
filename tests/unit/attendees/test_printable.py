"""printable(): the one rule for what may reach a badge. Each class of unprintable character is dropped and named."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badge_renderer.printable import printable


@pytest.mark.parametrize(
    ("text", "expected", "why"),
    [
        ("A\ufffeda", "Ada", "noncharacter"),
        ("A\uffffda", "Ada", "noncharacter"),
        ("A\ufdd0da", "Ada", "noncharacter"),
        ("A\ufdefda", "Ada", "noncharacter"),
        ("A\U0001fffeda", "Ada", "noncharacter"),
        ("A\U0010ffffda", "Ada", "noncharacter"),
        ("A\ud800da", "Ada", "surrogate"),
        ("A\x85da", "Ada", "control"),
        ("A\ue000da", "Ada", "private-use"),
        ("A\U000f0000da", "Ada", "private-use"),
        ("A\u0378da", "Ada", "not assigned"),
        ("\u0301Ada", "Ada", "combining mark"),
        ("Ada \u0301Lovelace", "Ada Lovelace", "combining mark"),
        ("Ada\u202e", "Ada", "unclosed direction"),
        ("Ada\u2067", "Ada", "unclosed direction"),
        ("Ada\u202c", "Ada", "closes nothing"),
        ("Ada\u2069", "Ada", "closes nothing"),
        ("\u2066Ada\u202c\u2069", "\u2066Ada\u2069", "closes nothing"),
    ],
)
def test_each_class_is_dropped_and_named(text: str, expected: str, why: str) -> None:
    result = printable(text)
    assert result.text == expected
    assert len(result.removed) == 1
    assert why in result.describe()
    assert f"U+{ord(result.removed[0][0]):04X}" in result.describe()


@pytest.mark.parametrize(
    "text",
    [
        "Ada Lovelace",
        "Nguyễn Thị Minh Khai",
        "Nguye\u0302\u0303n",  # decomposed marks on a letter
        "محمد بن موسى",
        "שלום\u200f",  # RLM is a mark, not an embedding: it stays
        "\u2067محمد\u2069 Smith",  # a closed isolate
        "\u202bשלום\u202c",  # a closed embedding
        "क्षत्रिय",
        "ന്\u200d",  # Malayalam chillu: ZWJ after a virama
        "👩\u200d💻 dev",
        "1\ufe0f\u20e3",  # keycap: variation selector + enclosing mark
        "Line one\nline two\tend",
        "\ufffd",  # the replacement character is printable (and flagged by the reader as bad encoding)
    ],
)
def test_printable_text_is_left_alone(text: str) -> None:
    result = printable(text)
    assert result.text == text and result.removed == ()


def test_describe_shortens_long_lists() -> None:
    result = printable("\ufffe" * 5 + "x")
    assert result.text == "x"
    assert result.describe().endswith("and 2 more")


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=40))
def test_what_remains_is_valid_for_cairo_and_idempotent(text: str) -> None:
    """cairo accepts UTF-8 without noncharacters; cleaning twice changes nothing more."""
    cleaned = printable(text).text
    cleaned.encode("utf-8")  # no lone surrogates left
    assert not any(0xFDD0 <= ord(c) <= 0xFDEF or ord(c) & 0xFFFE == 0xFFFE for c in cleaned)
    assert printable(cleaned).text == cleaned
