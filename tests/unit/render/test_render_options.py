"""RenderOptions.from_dict (job.json): types, colours, known design/paper/size/font, images by name."""

from __future__ import annotations

import subprocess
import sys

import pytest

from badge_renderer.errors import OptionsError
from badge_renderer.render import RenderOptions


def test_a_full_job_json_round_trips() -> None:
    options = RenderOptions.from_dict(
        {
            "design": "modern",
            "paper": "letter",
            "badge_size": "4x3in",
            "event_name": "Conf",
            "accent": "#ff0000",
            "accents_by_type": {"Speaker": "#00ff00"},
            "crop_marks": True,
            "sides": "duplex",
            "margin_mm": 5,
            "ticket_types": ["Speaker"],
            "qr_field": "ticket_id",
            "logo_image": "logo.png",
        },
        images={"logo.png": b"\x89PNG..."},
    )
    assert options.design == "modern" and options.sides == "duplex" and options.ticket_types == ("Speaker",)
    assert options.logo_image == b"\x89PNG..."


@pytest.mark.parametrize(
    ("data", "column"),
    [
        ({"design": "nope"}, "design"),
        ({"paper": "B99"}, "paper"),
        ({"badge_size": "huge"}, "badge_size"),
        ({"accent": "red"}, "accent"),
        ({"accent": "#12345"}, "accent"),
        ({"background_color": "#fff;<x>"}, "background_color"),
        ({"accents_by_type": {"vip": "blue"}}, "accents_by_type"),
        ({"font_family": "Comic Sans"}, "font_family"),
        ({"crop_marks": "yes"}, "crop_marks"),
        ({"margin_mm": "10"}, "margin_mm"),
        ({"margin_mm": True}, "margin_mm"),
        ({"workers": 0}, "workers"),
        ({"sides": "triple"}, "sides"),
        ({"preset": "avery-0000"}, "preset"),
        ({"logo_image": "missing.png"}, "logo_image"),
        ({"surprise": 1}, "surprise"),
        ({"event_name": 42}, "event_name"),
    ],
)
def test_bad_values_name_the_option(data: dict[str, object], column: str) -> None:
    with pytest.raises(OptionsError) as caught:
        RenderOptions.from_dict(data)
    assert caught.value.column == column
    assert str(caught.value)  # a readable one-line message


def test_not_a_mapping_is_an_options_error() -> None:
    with pytest.raises(OptionsError):
        RenderOptions.from_dict(["design", "classic"])  # type: ignore[arg-type]


def test_importing_the_package_loads_no_heavy_dependency() -> None:
    heavy = "('cairocffi', 'PIL', 'jinja2', 'cairosvg')"
    code = f"import badge_renderer, sys; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_default_margin_is_automatic_and_an_explicit_one_is_kept() -> None:
    from badge_renderer.render_support import plan_for

    letter = {"paper": "letter", "badge_size": "4x3in"}
    assert RenderOptions.from_dict(letter).margin_mm is None
    assert plan_for(RenderOptions.from_dict(letter)).per_sheet == 6  # 1/4 in side margins, as Avery's inserts
    assert plan_for(RenderOptions.from_dict({**letter, "margin_mm": "auto"})).per_sheet == 6
    upright = {**letter, "rotate": False}
    assert plan_for(RenderOptions.from_dict({**upright, "margin_mm": 10})).per_sheet == 3
    assert plan_for(RenderOptions.from_dict({**upright, "margin_mm": 10, "gutter_mm": 2.5})).per_sheet == 3
    assert plan_for(RenderOptions.from_dict({**letter, "margin_mm": 10})).per_sheet == 4  # turned: 2 x 2
    assert plan_for(RenderOptions(paper="A4", badge_size="4x3in", rotate=False)).per_sheet == 3
    assert plan_for(RenderOptions(paper="A4", badge_size="4x3in")).per_sheet == 4


def test_job_json_takes_margin_gutter_and_a_forgiving_preset_name() -> None:
    options = RenderOptions.from_dict({"margin_mm": 6, "gutter_mm": 3, "preset": "Avery 5395"})
    assert (options.margin_mm, options.gutter_mm, options.preset) == (6, 3, "Avery 5395")
    with pytest.raises(OptionsError) as caught:
        RenderOptions.from_dict({"preset": "Avery 9999"})
    assert caught.value.column == "preset" and "avery-5395" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("preset", "sides", "words"),
    [
        ("HERMA 4412", "foldover", "fold-over"),
        ("DYMO 30856", "duplex", "one side"),
        ("zebra-4x6in", "foldover", "one side"),
    ],
)
def test_a_preset_that_cannot_take_these_sides_is_refused_when_the_job_is_read(preset: str, sides: str, words: str):
    with pytest.raises(OptionsError) as caught:
        RenderOptions.from_dict({"preset": preset, "sides": sides})
    assert caught.value.column == "sides" and words in caught.value.message
    assert RenderOptions.from_dict({"preset": "Durable 1445-02", "sides": "foldover"}).preset  # touching rows: fine
