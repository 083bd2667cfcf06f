"""The own writer's text operators: the whole-number TJ of a quick stamp (no offsets, 1000 units per em) is byte for
byte the one the general pen arithmetic makes, kerned or not, in every bundled family, weight, size and alignment."""

from __future__ import annotations

import random
import re

import pytest

from badge_renderer.pdf_write import text_ops
from badge_renderer.pdf_write.part import font_keys
from badge_renderer.text.fonts import FontLibrary
from badge_renderer.text.quick import quick_stamp

NAMES = [
    "AVAWAY To Ty Vo",  # kerning pairs in a row
    "Wolfeschlegelsteinhausen",
    "Griffin Clifford",  # ligatures: fewer glyphs than characters
    "Zoë Ångström",
    "Łukasz Żółć",
    "ДмитрийYakovlev",
    "Αλέξανδρος",
    "Tr. Yv. P.A.W. L'Tavern",
    "Ada",
    "x",
    "12345 67890",
    "Fa Fe Fo Ta Te To Va Ve Vo Wa We Wo Ya Ye Yo",
]


def _stamps(seed: int) -> list:
    library = FontLibrary.default()
    rng = random.Random(seed)
    syllables = ["ka", "Lo", "mi", "Ra", "den", "Sa", "vo", "Tri", "el", "An", "Wy", "gu", "Te", "fi", "zo", "PA"]
    names = NAMES + ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 6))) for _ in range(60)]
    stamps = []
    for family in library.families:
        for weight in ("regular", "bold"):
            for name in names:
                size = rng.uniform(4, 60)
                box = (rng.uniform(-20, 50), rng.uniform(0, 50), rng.uniform(60, 500), size * 1.3)
                stamp = quick_stamp(
                    name,
                    library,
                    family,
                    weight,
                    box,
                    max_size=size,
                    min_size=4,
                    max_lines=1,
                    wrap_gain=1.1,
                    color=(0, 0, 0),
                    align=rng.choice(["left", "center", "right"]),
                    valign=rng.choice(["top", "middle", "bottom"]),
                    arrays=False,
                )
                if stamp is not None and not stamp.plain.font.synthetic_bold:
                    stamps.append(stamp)
    return stamps


@pytest.mark.parametrize("seed", [1, 2])
def test_the_whole_number_tj_is_the_pen_arithmetics_tj(seed: int) -> None:
    keys = font_keys()
    compared = kerned = 0
    for stamp in _stamps(seed):
        plain = stamp.plain
        assert plain.font.upem == 1000 and plain.advances is not None  # every bundled font, every name here
        widths = keys.widths[keys.key(plain.font)]
        general = text_ops._runs(plain.glyphs, plain.xs, plain.ys, widths, plain.size)
        whole = text_ops._kerned_line(plain.glyphs, plain.xs[0], plain.ys[0], widths, plain.advances)
        assert whole == general, plain.text
        compared += 1
        kerned += bool(re.search(rb">-?\d+<", whole))
    assert compared > 300 and kerned > 50, (compared, kerned)  # both kinds of line were compared


def test_a_run_with_offsets_keeps_no_advances() -> None:
    """A run whose glyphs GPOS moves off their pens (here none on the quick path): advances are only kept while
    every glyph sits at its pen, which the whole-number TJ relies on."""
    for stamp in _stamps(3):
        plain = stamp.plain
        if plain.advances is not None:
            assert len(plain.advances) == len(plain.glyphs)
            assert all(y == plain.ys[0] for y in plain.ys)
            start, scale = plain.xs[0], plain.size / plain.font.upem
            pens = [start + sum(plain.advances[:i]) * scale for i in range(len(plain.glyphs))]
            assert plain.xs == pytest.approx(pens, abs=1e-9)
