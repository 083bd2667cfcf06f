"""fit_text: shrink first, then wrap at word boundaries, then an ellipsis; never outside the box."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badge_renderer.errors import DesignError
from badge_renderer.text import FittedText, fit_text
from badge_renderer.text.breaks import break_units, may_break_after
from badge_renderer.text.fitting import clean_text
from badge_renderer.text.shaping import ink_bounds

BOX = {"box_width": 200.0, "box_height": 60.0}


def assert_inside(fitted: FittedText, box_width: float, box_height: float, line_height: float = 1.15) -> None:
    assert fitted.width <= box_width
    assert fitted.height <= box_height
    for line in fitted.lines:
        assert line.width(fitted.size) <= box_width
    assert fitted.height == pytest.approx(line_height * fitted.size * len(fitted.lines))
    if fitted.lines:
        top, bottom = ink_bounds(fitted.lines, line_height)  # the glyphs' real outlines fit too, not only line boxes
        assert (bottom - top) * fitted.size <= box_height * (1 + 1e-9)


def test_a_short_name_gets_the_biggest_size() -> None:
    fitted = fit_text("Ada", box_width=300, box_height=80, max_size=40)
    assert fitted.size == 40 and not fitted.truncated and len(fitted.lines) == 1


def test_shrink_happens_before_wrap() -> None:
    # Too wide at 48 pt, fine at ~30 pt on one line; two lines would not be clearly bigger.
    fitted = fit_text("Maximilian Jäger", box_width=300, box_height=60, max_size=48, min_size=10)
    assert len(fitted.lines) == 1
    assert 10 <= fitted.size < 48
    assert fitted.width == pytest.approx(300, rel=0.01)
    assert not fitted.truncated


def test_wrap_at_a_word_boundary_when_one_line_would_be_below_min_size() -> None:
    text = "Maria Fernanda Gonzalez Rodriguez"
    fitted = fit_text(text, box_width=150, box_height=60, max_size=30, min_size=12)
    assert len(fitted.lines) == 2 and not fitted.truncated
    assert fitted.size >= 12
    assert " ".join(line.text for line in fitted.lines) == text  # nothing lost, broken only at spaces
    assert_inside(fitted, 150, 60)


def test_double_barrelled_names_may_wrap_after_the_hyphen() -> None:
    fitted = fit_text("Fitzgerald-Worthington", box_width=120, box_height=70, max_size=40, min_size=14)
    assert [line.text for line in fitted.lines] == ["Fitzgerald-", "Worthington"]
    assert not fitted.truncated


def test_break_units_are_words_with_their_space_and_hyphenated_parts() -> None:
    assert break_units("Anna-Lena Ørsted") == ["Anna-", "Lena ", "Ørsted"]
    # Only a hyphen between letters is a break: not a lone dash, not a leading or trailing one, not "-5".
    assert break_units("Ann - Lee") == ["Ann ", "- ", "Lee"]
    assert break_units("-Ann- x-5") == ["-Ann- ", "x-5"]


def test_chinese_and_japanese_break_between_characters_but_not_before_closing_marks() -> None:
    assert break_units("北京大学") == ["北", "京", "大", "学"]
    assert break_units("「東京」カップ") == ["「東", "京」", "カッ", "プ"]  # no line starts with 」 or ッ
    assert break_units("김민준 이") == ["김민준 ", "이"]  # Hangul breaks at spaces only


def test_a_short_name_is_not_split_inside_a_word_just_to_grow() -> None:
    for name in ("王小明", "Anna-Lena", "山田太郎"):
        fitted = fit_text(name, box_width=100, box_height=150, max_size=60, min_size=10)
        assert [line.text for line in fitted.lines] == [name]


def test_a_long_chinese_organisation_wraps_instead_of_being_cut() -> None:
    text = "北京大学计算机科学技术研究所"
    fitted = fit_text(text, box_width=150, box_height=60, max_size=30, min_size=12)
    assert len(fitted.lines) == 2 and not fitted.truncated
    assert "".join(line.text for line in fitted.lines) == text


def test_long_texts_never_exceed_max_lines() -> None:
    text = " ".join(["word"] * 200)
    fitted = fit_text(text, box_width=300, box_height=300, max_size=40, min_size=1, max_lines=3)
    assert len(fitted.lines) <= 3 and not fitted.truncated
    assert_broken_only_at_spaces_or_hyphens(fitted, text)


def test_wrap_picks_the_balanced_break() -> None:
    fitted = fit_text("Anna Maria Lucia Rossi", box_width=120, box_height=80, max_size=40, min_size=14)
    assert [line.text for line in fitted.lines] == ["Anna Maria", "Lucia Rossi"]


def test_wrap_when_two_lines_give_clearly_bigger_text() -> None:
    fitted = fit_text("Anna Maria Lucia Rossi", box_width=150, box_height=120, max_size=48, min_size=8)
    assert len(fitted.lines) == 2 and not fitted.truncated
    one_line = fit_text("Anna Maria Lucia Rossi", box_width=150, box_height=120, max_size=48, max_lines=1)
    assert fitted.size >= one_line.size * 1.2


def test_ellipsis_is_the_last_resort_and_sets_truncated() -> None:
    long = "Supercalifragilisticexpialidocious " * 4
    fitted = fit_text(long, box_width=150, box_height=30, max_size=24, min_size=10, max_lines=2)
    assert fitted.truncated
    assert fitted.size == 10
    assert fitted.lines[-1].text.endswith("…")
    assert_inside(fitted, 150, 30)


def test_one_long_word_is_cut_with_an_ellipsis_not_split() -> None:
    fitted = fit_text("Pneumonoultramicroscopicsilicovolcanoconiosis", box_width=100, box_height=40, min_size=12)
    assert fitted.truncated and len(fitted.lines) == 1
    assert fitted.text.startswith("Pneumono") and fitted.text.endswith("…")


def test_rtl_ellipsis_cuts_the_logical_end() -> None:
    fitted = fit_text("محمد عبد الله بن عبد الرحمن " * 3, box_width=80, box_height=20, min_size=12, max_lines=1)
    assert fitted.truncated and fitted.text.startswith("محمد") and fitted.text.endswith("…")
    assert fitted.lines[0].rtl


def test_a_box_lower_than_min_size_still_holds_one_line() -> None:
    fitted = fit_text("Ada Lovelace", box_width=200, box_height=6, min_size=10)
    assert len(fitted.lines) == 1
    assert_inside(fitted, 200, 6)


def test_max_lines_one_never_wraps() -> None:
    fitted = fit_text("Anna Maria Lucia Rossi", box_width=60, box_height=200, min_size=10, max_lines=1)
    assert len(fitted.lines) == 1 and fitted.truncated


def test_a_zero_min_size_or_line_height_is_handled() -> None:
    fitted = fit_text("Pneumonoultramicroscopicsilicovolcanoconiosis", box_width=5, box_height=5, min_size=0)
    assert_inside(fitted, 5, 5)
    with pytest.raises(DesignError, match="line_height"):
        fit_text("Ada", box_width=100, box_height=20, line_height=0)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_blank_text_draws_nothing(text: str) -> None:
    fitted = fit_text(text, **BOX)
    assert fitted.lines == () and not fitted.truncated and fitted.height == 0


def test_whitespace_and_controls_are_normalised() -> None:
    fitted = fit_text("  Ada\t\nLovelace\x00 ", box_width=400, box_height=60)
    assert fitted.text == "Ada Lovelace"


SCRIPTS = st.sampled_from(
    [
        "Ada",
        "Jäger",
        "Nguyễn",
        "Γιώργος",
        "Дмитрий",
        "王小明",
        "やまだ",
        "김민준",
        "محمد",
        "דוד",
        "अर्जुन",
        "สมชาย",
        "J.",
        "-",
    ]
)
LONG_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzWM", min_size=15, max_size=60)
WORDS = st.lists(st.one_of(SCRIPTS, LONG_WORDS, st.text(min_size=1, max_size=12)), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    words=WORDS,
    box_width=st.floats(min_value=1, max_value=600),
    box_height=st.floats(min_value=1, max_value=200),
    max_size=st.floats(min_value=4, max_value=72),
    min_size=st.floats(min_value=0, max_value=30),
    max_lines=st.integers(min_value=1, max_value=4),
    line_height=st.floats(min_value=0.8, max_value=2.0),
)
def test_fitted_text_is_never_wider_nor_taller_than_the_box(
    words: list[str],
    box_width: float,
    box_height: float,
    max_size: float,
    min_size: float,
    max_lines: int,
    line_height: float,
) -> None:
    fitted = fit_text(
        " ".join(words),
        box_width=box_width,
        box_height=box_height,
        max_size=max_size,
        min_size=min_size,
        max_lines=max_lines,
        line_height=line_height,
    )
    assert_inside(fitted, box_width, box_height, line_height)
    assert len(fitted.lines) <= max_lines
    assert fitted.size <= max_size
    if not fitted.truncated:
        assert_broken_only_at_spaces_or_hyphens(fitted, clean_text(" ".join(words)))


def assert_broken_only_at_spaces_or_hyphens(fitted: FittedText, text: str) -> None:
    """Nothing was dropped or changed: the lines are `text`, split at a space, after a hyphen or between CJK, or
    inside a long word with an added hyphen (breaks.LONG_WORD letters or more, 3 kept on each side)."""
    position = 0
    for line in fitted.lines:
        piece = line.text
        if not text.startswith(piece, position) and piece.endswith("-") and text.startswith(piece[:-1], position):
            piece = piece[:-1]  # a hyphen added inside a word
            assert text[position + len(piece) - 1].isalpha() and text[position + len(piece)].isalpha(), line.text
            assert len(piece) >= 3, line.text
            position += len(piece)
            continue
        assert text.startswith(piece, position), (piece, text)
        position += len(piece)
        if position < len(text):
            if text[position] == " ":
                position += 1
            else:
                assert may_break_after(text, position - 1), (text, position)
    assert position == len(text)


@settings(max_examples=100, deadline=None)
@given(words=st.lists(SCRIPTS, min_size=1, max_size=4))
def test_names_that_fit_at_min_size_are_never_truncated(words: list[str]) -> None:
    fitted = fit_text(" ".join(words), box_width=400, box_height=100, min_size=8)
    assert not fitted.truncated and fitted.size >= 8
