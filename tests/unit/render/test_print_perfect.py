"""Issue 9, "print-perfect": every script prints or is warned about, names are big, nothing is a speck.

Rendered through render_pdf with the real fonts and cairo; sizes are read back from the PDF with pypdf."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pypdf import PdfReader

from badge_renderer.designs import _parse_manifest, list_designs, load_design
from badge_renderer.layout import PRESETS
from badge_renderer.model import Attendee
from badge_renderer.render import RenderOptions, render_pdf
from badge_renderer.text import fit_text
from tests.pdf_text import text_sizes

logging.getLogger("pypdf").setLevel(logging.ERROR)
DESIGNS = [d.name for d in list_designs()]
LABELS = sorted(name for name, preset in PRESETS.items() if preset.kind != "sheet")
SMALLEST_PT = 6.0
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


# ---- nothing is too small, names are big ----------------------------------------------------------------------
SMALL_SIZES = [("badge_size", "ID-1"), ("badge_size", "A7"), ("badge_size", "3.5x2.25in")] + [
    ("preset", name) for name in ("Avery 5392", "Avery 5395", *LABELS)
]
LONG = Attendee(
    row=2,
    first_name="Maximiliane",
    last_name="Wolkenstein-Rodeneck",
    role="Head of Developer Relations",
    organization="Internationale Gesellschaft fuer Datenverarbeitung",
    pronouns="she/her",
    ticket_type="Speaker",
)


@pytest.mark.parametrize(("kind", "size"), SMALL_SIZES)
@pytest.mark.parametrize("design", DESIGNS)
def test_no_word_is_under_6_pt_and_no_band_under_its_min_size(
    tmp_path: Path, design: str, kind: str, size: str
) -> None:
    out = tmp_path / "b.pdf"
    render_pdf([LONG], RenderOptions(design=design, event_name="PyCon Europe 2026", **{kind: size}), out)
    runs = text_sizes(out)
    assert len(runs) >= 5
    assert min(runs)[0] >= SMALLEST_PT - 0.01, (design, size, min(runs))
    band = load_design(design).elements
    ticket_min = next(e.min_size for e in band if e.format.startswith("{ticket_type"))
    assert next(s for s, text in runs if text == "SPEAKER") >= ticket_min - 0.01  # conference on ID-1: 0.87 pt


@pytest.mark.parametrize("size", ["4x3in", "3x4in", "ID-1", "3.5x2.25in"])
@pytest.mark.parametrize("design", DESIGNS)
def test_names_are_at_least_18_pt_on_badges_3_in_wide_or_more(tmp_path: Path, design: str, size: str) -> None:
    out = tmp_path / "b.pdf"
    people = [Attendee(row=2, first_name="Ada", last_name="Lovelace"), Attendee(row=3, full_name="Grace Hopper")]
    render_pdf(people, RenderOptions(design=design, badge_size=size, one_per_page=True), out)
    runs = text_sizes(out)
    names = [s for s, text in runs if text in ("Ada", "Lovelace", "Ada Lovelace")]
    assert names and min(names) >= 18 - 0.01, (design, size, runs)


def test_a_very_long_word_breaks_with_a_hyphen_onto_another_line_before_any_ellipsis() -> None:
    fitted = fit_text(
        "Wolfeschlegelsteinhausen-Bergerdorffvonsteinbach",
        box_width=200,
        box_height=80,
        max_size=40,
        min_size=12,
        max_lines=3,
    )
    assert not fitted.truncated and fitted.size >= 12 and len(fitted.lines) >= 2
    assert all(line.text.endswith("-") for line in fitted.lines[:-1]), fitted.text
    assert fitted.text.replace("-\n", "").replace("\n", "") in (
        "Wolfeschlegelsteinhausen-Bergerdorffvonsteinbach",
        "WolfeschlegelsteinhausenBergerdorffvonsteinbach",
    )


def test_a_name_takes_a_third_line_rather_than_an_ellipsis() -> None:
    name = "Maria Fernanda Gonzalez de la Concepcion Rodriguez"
    two = fit_text(name, box_width=230, box_height=90, max_size=40, min_size=18, max_lines=2)
    three = fit_text(name, box_width=230, box_height=90, max_size=40, min_size=18, max_lines=3)
    assert two.truncated and not three.truncated and len(three.lines) == 3 and three.size >= 18


def test_an_organization_wraps_to_a_second_line_before_shrinking_below_7_pt(tmp_path: Path) -> None:
    person = Attendee(
        row=2,
        full_name="Ada Lovelace",
        organization="Internationale Gesellschaft fuer Datenverarbeitung und Rechentechnik",
    )
    out = tmp_path / "b.pdf"
    result = render_pdf([person], RenderOptions(design="classic"), out)
    org = [(s, text) for s, text in text_sizes(out) if "Gesellschaft" in text or "Rechentechnik" in text]
    assert len(org) == 2 and min(s for s, _ in org) >= 7 - 0.01, org
    assert not [w for w in result.warnings if w.column == "organization"]


def test_a_short_organization_stays_on_one_line(tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    render_pdf([Attendee(row=2, full_name="Ada", organization="Analytical Engines")], RenderOptions(), out)
    assert [text for _, text in text_sizes(out) if "Engines" in text] == ["Analytical Engines"]


def test_a_design_with_a_min_size_below_6_pt_is_refused(tmp_path: Path) -> None:
    (tmp_path / "static.svg.j2").write_text("<svg/>")
    raw = {"colors": {}, "elements": [{"kind": "text", "format": "{role}", "box": [0, 0, 1, 0.1], "min_size": 5}]}
    with pytest.raises(ValueError, match="at least 6"):
        _parse_manifest(raw, tmp_path)


# ---- job-level warnings: once per job, naming what to change ------------------------------------------------------
def _png(color: tuple[int, int, int]) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), color).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_long_event_name_is_warned_about_once_per_job(tmp_path: Path) -> None:
    people = [Attendee(row=r, full_name=f"Person {r}") for r in range(2, 8)]
    event = "The Twenty-Seventh International Conference on Very Large Data Bases and Knowledge Engineering 2026"
    result = render_pdf(people, RenderOptions(design="modern", event_name=event), tmp_path / "b.pdf")
    found = [w for w in result.warnings if w.column == "event_name"]
    assert len(found) == 1 and found[0].row is None and "shortened" in found[0].message
    short = render_pdf(people, RenderOptions(design="modern", event_name="PyCon 2026"), tmp_path / "c.pdf")
    assert not [w for w in short.warnings if w.column == "event_name"]


def test_a_two_sided_design_printed_single_sided_warns(tmp_path: Path) -> None:
    person = [Attendee(row=2, full_name="Ada Lovelace", ticket_id="T1")]
    single = render_pdf(person, RenderOptions(design="pass", qr_field="ticket_id"), tmp_path / "a.pdf")
    assert [w for w in single.warnings if w.column == "sides" and "--duplex" in w.message]
    duplex = render_pdf(person, RenderOptions(design="pass", sides="duplex", qr_field="ticket_id"), tmp_path / "b.pdf")
    assert not [w for w in duplex.warnings if w.column == "sides"]


def test_dark_text_on_a_dark_background_colour_warns_with_the_ratio(tmp_path: Path) -> None:
    person = [Attendee(row=2, full_name="Ada Lovelace", organization="Engines")]
    dark = render_pdf(person, RenderOptions(design="classic", background_color="#202020"), tmp_path / "a.pdf")
    found = [w for w in dark.warnings if w.column == "background_color"]
    assert found and any("name" in w.message and ":1" in w.message for w in found)
    light = render_pdf(person, RenderOptions(design="classic", background_color="#fcfcfc"), tmp_path / "b.pdf")
    assert not [w for w in light.warnings if w.column == "background_color"]


def test_text_over_a_dark_background_image_warns_and_over_a_light_one_does_not(tmp_path: Path) -> None:
    person = [Attendee(row=2, full_name="Ada Lovelace")]
    dark = RenderOptions(design="conference", background_image=_png((25, 25, 40)))
    assert [w for w in render_pdf(person, dark, tmp_path / "a.pdf").warnings if w.column == "background_image"]
    light = RenderOptions(design="conference", background_image=_png((240, 240, 230)))
    assert not [w for w in render_pdf(person, light, tmp_path / "b.pdf").warnings if w.column == "background_image"]


def test_a_name_box_too_short_for_two_18_pt_lines_is_said_with_sizes_that_fit(tmp_path: Path) -> None:
    person = [Attendee(row=2, full_name="Ada Lovelace")]
    options = RenderOptions(design="conference", badge_size="ID-1", event_name="PyCon 2026")
    result = render_pdf(person, options, tmp_path / "a.pdf")
    found = [w for w in result.warnings if w.column == "badge_size"]
    assert found and "18 pt" in found[0].message and "3x4in" in found[0].message
    roomy = render_pdf(person, RenderOptions(design="conference", badge_size="3x4in"), tmp_path / "b.pdf")
    assert not [w for w in roomy.warnings if w.column == "badge_size"]


# ---- fold-over -----------------------------------------------------------------------------------------------
def _dashed_strokes(pdf: Path) -> int:
    content = PdfReader(pdf).pages[0].get_contents().get_data().decode("latin-1")
    return content.count("[ 3 2] 0 d") + content.count("[3 2] 0 d")


@pytest.mark.parametrize("size", ["3x4in", "4x3in"])  # 4x3in pairs are turned on A4: the fold is vertical
def test_fold_over_pairs_get_a_dashed_fold_line_on_their_shared_edge(tmp_path: Path, size: str) -> None:
    from badge_renderer.layout.marks import fold_lines
    from badge_renderer.render_support import plan_for

    people = [Attendee(row=r, full_name=f"Person {r}") for r in range(2, 4)]
    options = RenderOptions(design="pass", sides="foldover", badge_size=size, paper="A4")
    layout = plan_for(options)
    lines = fold_lines(layout.fronts, layout.backs)
    assert len(lines) == len(layout.fronts)
    for line, front in zip(lines, layout.fronts, strict=True):
        on_edge = {round(line.y1, 3), round(line.y2, 3)} <= {round(front.y, 3), round(front.bottom, 3)}
        across = {round(line.x1, 3), round(line.x2, 3)} <= {round(front.x, 3), round(front.right, 3)}
        assert on_edge or across
        assert min(abs(line.length - front.width), abs(line.length - front.height)) < 1e-6
    render_pdf(people, options, tmp_path / "fold.pdf")
    assert _dashed_strokes(tmp_path / "fold.pdf") == 1
    render_pdf(people, RenderOptions(design="pass", sides="duplex"), tmp_path / "duplex.pdf")
    assert _dashed_strokes(tmp_path / "duplex.pdf") == 0


# ---- layouts close up --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("design", ["conference", "modern", "minimal"])
def test_the_name_box_takes_over_the_room_of_an_absent_logo_and_event_name(design: str) -> None:
    from badge_renderer.compose import BadgeComposer

    size = load_design(design).default_badge_size
    from badge_renderer.layout import parse_badge_size

    badge = parse_badge_size(size)
    name = next(e for e in load_design(design).elements if e.kind == "name")
    bare = BadgeComposer(RenderOptions(design=design), badge.width, badge.height).box(name)
    options = RenderOptions(design=design, event_name="Expo", logo_image=_png((200, 30, 30)))
    full = BadgeComposer(options, badge.width, badge.height)
    with_both = full.box(name)
    assert bare[1] < with_both[1] - 10 and bare[3] > with_both[3] + 10  # moved up, grew by the header's height
    assert abs((bare[1] + bare[3]) - (with_both[1] + with_both[3])) < 1e-6  # the bottom stays where it was


def test_a_design_without_grows_into_keeps_its_boxes() -> None:
    from badge_renderer.compose import BadgeComposer

    name = next(e for e in load_design("classic").elements if e.kind == "name")
    bare = BadgeComposer(RenderOptions(design="classic"), 288, 216).box(name)
    full = BadgeComposer(RenderOptions(design="classic", event_name="Expo"), 288, 216).box(name)
    assert bare == full
