"""quick_stamp (the one-line ASCII fast path) makes exactly the stamp fit_text + make_stamp make, or declines."""

from __future__ import annotations

import math
import random

import pytest

from badge_renderer.text import fit_text
from badge_renderer.text.fitting import WRAP_GAIN
from badge_renderer.text.fonts import FontLibrary
from badge_renderer.text.quick import quick_stamp
from badge_renderer.text.stamps import make_stamp

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "den",
    "sa",
    "vo",
    "tri",
    "el",
    "an",
    "ber",
    "gu",
    "sten",
    "wi",
    "zo",
    "pa",
    "ff",
    "fi",
    "é",
    "ß",
]
LATIN = ["Ada", "Grace Hopper", "van Rossum", "O'Neil-Smith", "J. R. R. Tolkien", "Wolfeschlegelsteinhausenbergerdorff"]
ACCENTED = [
    "Zoë Ångström",
    "Nguyễn Thị",
    "Müller-Lüdenscheidt",
    "Łukasz Żółć",
    "Αλέξανδρος",
    "Дмитрий",
    "Griffin Clifford",
]
OTHER = [
    "محمد",
    "שרה",
    "अनुराग",
    "สมชาย",
    "王小明",
    "Ada 😀",
    "Ada  Lovelace",
    " Ada",
    "Ada\tB",
    "",
    "Zoe\u0308",
    "Ada\u00adB",
]
BOXES = [(10.0, 20.0, 220.0, 40.0), (3.5, 7.25, 90.0, 18.0), (0.0, 0.0, 40.0, 60.0), (12.0, 100.0, 300.0, 9.0)]


def _names(count: int) -> list[str]:
    rng = random.Random(13)
    names = list(LATIN) + list(ACCENTED)
    for _ in range(count):
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 7))).capitalize()
        names.append(word if rng.random() < 0.7 else f"{rng.choice(LATIN + ACCENTED)} {word}")
    return names


def _both(text: str, box, **kwargs):
    library = FontLibrary.default()
    family, weight = kwargs.pop("family", "sans"), kwargs.pop("weight", "bold")
    x, y, w, h = box
    fitted = fit_text(text, box_width=w, box_height=h, family=family, weight=weight, library=library, **kwargs)
    general = make_stamp(fitted, x, y, w, h, color=(0.1, 0.2, 0.3), align=kwargs.get("align", "center"))
    return fitted, general


@pytest.mark.parametrize("box", BOXES)
def test_the_quick_stamp_is_the_general_stamp_wherever_it_applies(box) -> None:
    library = FontLibrary.default()
    rng = random.Random(hash(box) & 0xFFFF)
    used = accented_or_ligature = 0
    for text in _names(100):
        max_lines = rng.choice([1, 1, 2, 3])
        gain = rng.choice([WRAP_GAIN, math.inf])
        family, weight = rng.choice([("sans", "bold"), ("sans", "regular"), ("serif", "bold")])
        align, valign = rng.choice(["center", "left", "right", "start", "end"]), rng.choice(["top", "middle", "bottom"])
        max_size, min_size = rng.choice([(40, 12), (20, 18), (13, 7), (10, 6)])
        x, y, w, h = box
        fitted = fit_text(
            text,
            box_width=w,
            box_height=h,
            family=family,
            weight=weight,
            max_size=max_size,
            min_size=min_size,
            max_lines=max_lines,
            library=library,
            wrap_gain=gain,
        )
        general = make_stamp(fitted, x, y, w, h, color=(0.1, 0.2, 0.3), align=align, valign=valign)
        quick = quick_stamp(
            text,
            library,
            family,
            weight,
            box,
            max_size=max_size,
            min_size=min_size,
            max_lines=max_lines,
            wrap_gain=gain,
            color=(0.1, 0.2, 0.3),
            align=align,
            valign=valign,
        )
        if quick is None:  # declined: an ellipsis, a wrap, or a wrap it cannot rule out
            assert fitted.truncated or len(fitted.lines) != 1 or max_lines > 1, text
            continue
        used += 1
        assert quick.parts() == general.parts(), (text, box, align, valign)
        assert (quick.size, quick.truncated, quick.text) == (fitted.size, False, fitted.text)
        assert len(fitted.lines) == 1 and not fitted.truncated
        if not text.isascii() or sum(line.glyph_count for line in fitted.lines) != len(text):
            accented_or_ligature += 1
    assert used >= 30  # the common case really takes the quick path
    assert accented_or_ligature >= 5  # and so do accents and ligatures


@pytest.mark.parametrize("text", OTHER)
def test_marks_controls_rtl_fallbacks_and_odd_spaces_are_left_to_the_general_path(text: str) -> None:
    stamp = quick_stamp(
        text,
        FontLibrary.default(),
        "sans",
        "bold",
        (0.0, 0.0, 200.0, 40.0),
        max_size=30,
        min_size=8,
        max_lines=1,
        wrap_gain=WRAP_GAIN,
        color=(0, 0, 0),
        align="center",
        valign="middle",
    )
    assert stamp is None


def test_a_name_that_needs_an_ellipsis_or_a_wrap_is_left_to_the_general_path() -> None:
    library = FontLibrary.default()
    long = "Wolfeschlegelsteinhausenbergerdorff Featherstonehaugh"
    common = {"max_size": 40, "min_size": 18, "color": (0, 0, 0), "align": "center", "valign": "middle"}
    assert fit_text(long, box_width=120, box_height=30, max_size=40, min_size=18, max_lines=1).truncated
    assert quick_stamp(long, library, "sans", "bold", (0, 0, 120, 30), max_lines=1, wrap_gain=1.2, **common) is None
    tall = fit_text(long, box_width=200, box_height=120, max_size=40, min_size=18, max_lines=3)
    assert len(tall.lines) > 1
    assert quick_stamp(long, library, "sans", "bold", (0, 0, 200, 120), max_lines=3, wrap_gain=1.2, **common) is None


def test_the_baseline_loop_and_the_offset_loop_place_and_measure_glyphs_alike() -> None:
    """_offset_glyphs, which takes over from quick_stamp's baseline loop when HarfBuzz moves a glyph off its pen
    (no name the bundled fonts shape does, so the tests above never reach it), keeps the positions a PlainRun
    derives from its advances and measures the ink box as maxima and minima over the glyphs (what the general path's
    ShapedLine._ink_box takes, and the baseline loop is compared with above)."""
    import uharfbuzz as hb

    from badge_renderer.text.quick import _offset_glyphs

    library = FontLibrary.default()
    for family, weight in [("sans", "bold"), ("serif", "regular")]:
        font = library.chain(family, weight)[0]
        for text in _names(40):
            stamp = quick_stamp(
                text, library, family, weight, (5.0, 9.0, 400.0, 40.0), max_size=30, min_size=8, max_lines=1,
                wrap_gain=math.inf, color=(0, 0, 0), align="center", valign="middle", arrays=False,
            )  # fmt: skip
            assert stamp is not None and stamp.plain is not None, text
            plain = stamp.plain
            assert plain.advances is not None and plain.given_xs is None
            buffer = hb.Buffer()
            buffer.add_str(text)
            buffer.guess_segment_properties()
            hb.shape(font.hb_font, buffer)
            xs, ys, pen, top, bottom, left, right = _offset_glyphs(
                font, plain.glyphs, buffer.glyph_positions, 1.0 / font.upem
            )
            start, baseline = plain.origin
            assert plain.xs == [start + gx * plain.size for gx in xs]
            assert plain.ys == [baseline - gy * plain.size for gy in ys]
            assert pen == sum(plain.advances)
            # the ink box the baseline loop measured decided the size: the offset loop's gives the same size
            tops, bottoms, lefts, rights = font.ink_parts
            assert top == max(0.0, *map(tops.__getitem__, plain.glyphs))
            assert bottom == max(0.0, *map(bottoms.__getitem__, plain.glyphs))
            assert left == min(x + lefts[g] for x, g in zip(xs, plain.glyphs, strict=True))
            assert right == max(x + rights[g] for x, g in zip(xs, plain.glyphs, strict=True))
