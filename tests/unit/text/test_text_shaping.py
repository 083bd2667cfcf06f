"""Complex scripts come out as a reader expects: Arabic joined and right to left, Devanagari conjuncts, bidi runs."""

from __future__ import annotations

import unicodedata

from badge_renderer.text import FontLibrary, ShapedLine, fit_text
from badge_renderer.text.direction import embedding_levels, visual_order
from badge_renderer.text.shaping import shape_line


def shape(text: str) -> ShapedLine:
    library = FontLibrary.default()
    return shape_line(text, library.chain("sans", "bold"), library)


def test_arabic_letters_join_into_contextual_forms() -> None:
    word = "محمد"
    joined = shape(word)
    (run,) = joined.runs
    isolated = [shape(letter).runs[0].glyphs[0] for letter in word]
    assert run.rtl and joined.rtl
    # Initial, medial and final forms are other glyphs than the isolated letters.
    assert sorted(run.glyphs) != sorted(isolated)
    assert len(set(run.glyphs) - set(isolated)) >= 2


def test_arabic_is_laid_out_right_to_left() -> None:
    (run,) = shape("محمد عبد الله").runs
    # Glyphs are stored left to right on the page; the first letter of the text is the rightmost glyph.
    assert run.clusters[0] > run.clusters[-1]
    assert run.clusters[-1] == 0
    assert list(run.xs) == sorted(run.xs)


def test_hebrew_is_right_to_left() -> None:
    (run,) = shape("דוד לוי").runs
    assert run.rtl and run.clusters[-1] == 0 and run.clusters[0] == len("דוד לוי") - 1


def test_devanagari_conjuncts_are_single_glyphs() -> None:
    for conjunct in ("क्ष", "श्र"):
        line = shape(conjunct)
        assert line.glyph_count < len(conjunct), conjunct
        assert 0 not in line.runs[0].glyphs


def test_hindi_name_is_shaped_with_fewer_glyphs_than_code_points() -> None:
    line = shape("अर्जुन शर्मा")
    assert line.runs[0].font.name == "Noto Sans Devanagari"
    assert line.glyph_count < len("अर्जुन शर्मा")


def test_thai_marks_stack_on_their_base() -> None:
    line = shape("ใจดี")
    (run,) = line.runs
    assert run.font.name == "Noto Sans Thai"
    # The vowel mark over ด takes no room of its own.
    assert run.advance < sum(shape(ch).advance for ch in "ใจดี")


def test_latin_run_stays_left_to_right_inside_an_rtl_line() -> None:
    line = shape("محمد J. Smith")
    assert line.rtl
    latin, arabic = line.runs  # visual order, left to right
    assert latin.text == "J. Smith" and not latin.rtl
    assert list(latin.clusters) == sorted(latin.clusters)
    assert arabic.rtl and arabic.text.strip() == "محمد"


def test_embedding_levels_and_visual_order_follow_the_bidi_algorithm() -> None:
    assert embedding_levels("abc") == [0, 0, 0]
    levels = embedding_levels("محمد J. Smith")
    assert levels[:4] == [1, 1, 1, 1] and levels[-5:] == [2] * 5
    # Rule L2 on "AB cd EF" in an RTL paragraph: the Latin word keeps its order, the runs swap.
    assert visual_order(["A", "b", "C"], [1, 2, 1]) == ["C", "b", "A"]
    assert visual_order(["a", "B", "C", "d"], [0, 1, 1, 0]) == ["a", "C", "B", "d"]
    # A number inside Arabic inside a Latin line: levels 0, 1, 2 -> the number keeps its order, Arabic flips.
    assert visual_order(["a", "B", "12", "C", "d"], [0, 1, 2, 1, 0]) == ["a", "C", "12", "B", "d"]
    assert visual_order(["a", "b"], [0, 0]) == ["a", "b"]


def test_a_space_between_scripts_does_not_split_a_run_needlessly() -> None:
    line = shape("山田 太郎")
    assert len(line.runs) == 1 and line.runs[0].font.name == "Droid Sans Fallback"
    mixed = shape("Li 王")
    assert [run.font.name for run in mixed.runs] == ["Noto Sans", "Droid Sans Fallback"]
    assert mixed.runs[0].text == "Li "


def test_decomposed_vietnamese_is_composed_and_drawn_in_one_font() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn")
    (line,) = fit_text(decomposed, box_width=300, box_height=50).lines
    assert line.text == "Nguyễn"
    assert [run.font.name for run in line.runs] == ["Noto Sans"]
