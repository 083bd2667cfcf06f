"""Names and capitals as each script writes them: CJK family name first with no space, Greek capitals unaccented."""

from __future__ import annotations

from pathlib import Path

import pytest

from badge_renderer.model import Attendee
from badge_renderer.names import printed_name, upper_for_print
from badge_renderer.render import RenderOptions, render_preview_png


@pytest.mark.parametrize(
    ("first", "last", "printed"),
    [
        ("小明", "王", "王小明"),
        ("太郎", "山田", "山田太郎"),
        ("민준", "김", "김민준"),
        ("Ada", "Lovelace", "Ada Lovelace"),
        ("小明", "Wang", "小明 Wang"),  # mixed scripts: the order the columns say
        ("", "王", "王"),
    ],
)
def test_east_asian_names_print_family_name_first_without_a_space(first: str, last: str, printed: str) -> None:
    assert printed_name(first, last) == printed
    assert Attendee(row=2, first_name=first, last_name=last).display_name == printed


def test_a_full_name_column_is_printed_as_given() -> None:
    assert Attendee(row=2, first_name="小明", last_name="王", full_name="Wang Xiaoming").display_name == "Wang Xiaoming"


@pytest.mark.parametrize(
    ("text", "capitals"),
    [
        ("Γιώργος Παπαδόπουλος", "ΓΙΩΡΓΟΣ ΠΑΠΑΔΟΠΟΥΛΟΣ"),
        ("Ομιλητής", "ΟΜΙΛΗΤΗΣ"),
        ("προϊόν", "ΠΡΟΪΟΝ"),  # the dialytika stays
        ("ἄρτος", "ΑΡΤΟΣ"),  # polytonic breathings and accents go too
        ("Émile Straße", "ÉMILE STRASSE"),  # Latin keeps its accents
    ],
)
def test_capitals_follow_the_script(text: str, capitals: str) -> None:
    assert upper_for_print(text) == capitals


def test_a_cjk_name_is_not_split_into_an_emphasised_given_name(tmp_path: Path) -> None:
    split_off = RenderOptions(emphasize_first_name=False)
    cjk = Attendee(row=2, first_name="小明", last_name="王")
    assert render_preview_png(cjk, RenderOptions(), dpi=40) == render_preview_png(cjk, split_off, dpi=40)
