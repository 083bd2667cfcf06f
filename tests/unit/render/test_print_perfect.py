"""Issue 9, "print-perfect": every script prints or is warned about, names are big, nothing is a speck.

Rendered through render_pdf with the real fonts and cairo; sizes are read back from the PDF with pypdf."""

from __future__ import annotations

import logging
from pathlib import Path

from badge_renderer.model import Attendee
from badge_renderer.render import RenderOptions, render_pdf

logging.getLogger("pypdf").setLevel(logging.ERROR)
HIEROGLYPH = "\U00013000"  # Egyptian hieroglyphs: in no bundled font


def test_an_uncovered_character_in_any_field_is_a_warning_for_that_field(tmp_path: Path) -> None:
    person = Attendee(row=3, full_name="Ada Lovelace", organization=f"Temple {HIEROGLYPH} Ltd", role="Scribe")
    result = render_pdf([person], RenderOptions(design="conference"), tmp_path / "b.pdf")
    found = [w for w in result.warnings if w.row == 3 and w.column == "organization"]
    assert found and HIEROGLYPH in found[0].message and "font" in found[0].message


def test_an_uncovered_character_in_the_event_name_is_warned_about_once_per_job(tmp_path: Path) -> None:
    people = [Attendee(row=r, full_name=f"Person {r}") for r in range(2, 12)]
    result = render_pdf(people, RenderOptions(design="classic", event_name=f"Expo {HIEROGLYPH}"), tmp_path / "b.pdf")
    found = [w for w in result.warnings if w.column == "event_name" and HIEROGLYPH in w.message]
    assert len(found) == 1 and found[0].row is None


def test_emoji_and_new_scripts_in_a_name_need_no_warning(tmp_path: Path) -> None:
    person = Attendee(row=2, full_name="முருகன் 🚀", organization="ქართული ენა", role="김민준")
    result = render_pdf([person], RenderOptions(design="classic"), tmp_path / "b.pdf")
    assert not [w for w in result.warnings if "font" in w.message]


def test_new_script_and_emoji_fonts_are_embedded_as_small_subsets(tmp_path: Path) -> None:
    from pypdf import PdfReader

    person = Attendee(row=2, full_name="ශ්‍රී ලංකා 🚀", organization="ኢትዮጵያ", role="Speaker")
    render_pdf([person], RenderOptions(design="classic"), tmp_path / "b.pdf")
    fonts = {}
    reader = PdfReader(tmp_path / "b.pdf")
    for ref in range(1, 400):
        try:
            obj = reader.get_object(ref)
        except Exception:  # past the last object
            break
        if hasattr(obj, "get") and obj.get("/Type") == "/FontDescriptor":
            stream = obj.get("/FontFile2") or obj.get("/FontFile3")
            fonts[str(obj["/FontName"])] = len(stream.get_object().get_data()) if stream else 0
    names = " ".join(fonts)
    assert "Sinhala" in names and "Ethiopic" in names and "Emoji" in names, fonts
    assert all("+" in name for name in fonts), fonts  # cairo's subset tag: ABCDEF+Name
    assert max(fonts.values()) < 60_000, fonts  # the whole Noto Emoji face is 885 kB
