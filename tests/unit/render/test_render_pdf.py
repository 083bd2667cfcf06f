"""render_pdf end to end on small inputs: page counts, one embedded image/font, injection, warnings, workers."""

from __future__ import annotations

import io
import logging
import math
import unicodedata
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from badge_renderer.model import Attendee
from badge_renderer.render import RenderOptions, render_pdf
from badge_renderer.render_support import plan_for

logging.getLogger("pypdf").setLevel(logging.ERROR)  # cairo repeats XObject keys; pypdf warns about each


def people(n: int, **fields: str) -> list[Attendee]:
    base = {"last_name": "Lovelace", "role": "Speaker", "organization": "Engines Ltd", "ticket_id": "T1"}
    base.update(fields)
    return [Attendee(row=i + 2, first_name=f"Ada{i}", **base) for i in range(n)]


def jpeg_bytes(size: tuple[int, int] = (400, 300)) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 50).convert("RGB").save(out, "JPEG")
    return out.getvalue()


def xobjects(pdf: Path) -> tuple[set[int], set[int]]:
    """Ids of image XObjects and form XObjects reachable from all pages (nested forms included)."""
    images: set[int] = set()
    forms: set[int] = set()

    def walk(resources: object) -> None:
        xobject = resources.get("/XObject") if resources else None  # type: ignore[union-attr]
        for ref in (xobject or {}).values():
            obj = ref.get_object()
            if obj["/Subtype"] == "/Image":
                images.add(ref.idnum)
            elif ref.idnum not in forms:
                forms.add(ref.idnum)
                walk(obj.get("/Resources"))

    for page in PdfReader(pdf).pages:
        walk(page.get("/Resources"))
    return images, forms


def font_objects(pdf: Path) -> list[str]:
    names: list[str] = []
    reader = PdfReader(pdf)
    for obj_id in range(1, len(reader.xref_objStm) + 5000):
        try:
            obj = reader.get_object(obj_id)
        except Exception:
            break
        if hasattr(obj, "get") and obj.get("/Type") == "/FontDescriptor":
            names.append(str(obj["/FontName"]))
    return names


def test_page_count_is_badges_over_slots_per_sheet(tmp_path: Path) -> None:
    options = RenderOptions(design="classic")
    per_sheet = plan_for(options).per_sheet
    result = render_pdf(people(13), options, tmp_path / "b.pdf")
    assert result.badges == 13
    assert result.pages == math.ceil(13 / per_sheet) == len(PdfReader(tmp_path / "b.pdf").pages)


def test_duplex_doubles_the_pages(tmp_path: Path) -> None:
    options = RenderOptions(design="classic", sides="duplex")
    per_sheet = plan_for(options).per_sheet
    result = render_pdf(people(13), options, tmp_path / "b.pdf")
    assert result.pages == 2 * math.ceil(13 / per_sheet) == len(PdfReader(tmp_path / "b.pdf").pages)


def test_background_and_logo_are_embedded_once_for_fifty_badges(tmp_path: Path) -> None:
    options = RenderOptions(
        design="conference", event_name="Expo", background_image=jpeg_bytes(), logo_image=jpeg_bytes((300, 100))
    )
    render_pdf(people(50), options, tmp_path / "b.pdf")
    images, _ = xobjects(tmp_path / "b.pdf")
    assert len(images) == 2


def test_each_font_is_embedded_once(tmp_path: Path) -> None:
    render_pdf(people(50), RenderOptions(design="modern", event_name="Expo"), tmp_path / "b.pdf")
    fonts = font_objects(tmp_path / "b.pdf")
    assert fonts and len(fonts) == len(set(fonts))


def test_name_with_svg_markup_prints_literally_and_loads_nothing(tmp_path: Path) -> None:
    evil = '</text><image href="file:///etc/passwd"/>'
    attendee = Attendee(row=2, full_name=evil, organization="<b>&amp;</b>")
    render_pdf([attendee], RenderOptions(design="classic"), tmp_path / "b.pdf")
    reader = PdfReader(tmp_path / "b.pdf")
    # NFKC: HarfBuzz may form the "fi" ligature, which extracts as U+FB01.
    text = unicodedata.normalize("NFKC", "".join(page.extract_text() for page in reader.pages))
    assert " ".join(text.split()) == f"{evil} <b>&amp;</b>"
    images, _ = xobjects(tmp_path / "b.pdf")
    assert images == set()


def test_event_name_with_markup_is_escaped_in_the_design_svg(tmp_path: Path) -> None:
    from badge_renderer.designs import load_design
    from badge_renderer.svg_layer import svg_source

    evil = '</title><image href="file:///etc/passwd"/><title>'
    source = svg_source(
        load_design("classic"),
        width=100,
        height=80,
        colors={"accent": "#000000"},
        ticket_type="",
        event_name=evil,
        has_background_image=False,
        has_logo=False,
    )
    assert "<image" not in source and "&lt;image" in source
    render_pdf(people(1), RenderOptions(design="classic", event_name=evil), tmp_path / "b.pdf")
    assert xobjects(tmp_path / "b.pdf")[0] == set()


def test_truncated_text_becomes_a_row_warning(tmp_path: Path) -> None:
    long_org = " ".join(["Extraordinarily"] * 40)
    result = render_pdf(people(1, organization=long_org), RenderOptions(design="classic"), tmp_path / "b.pdf")
    assert any(w.row == 2 and w.column == "organization" for w in result.warnings)


def test_ticket_type_filter_keeps_only_that_type(tmp_path: Path) -> None:
    crowd = people(3, ticket_type="Speaker", role="Dev") + people(4, ticket_type="Attendee", role="Dev")
    result = render_pdf(crowd, RenderOptions(design="classic", ticket_types=("speaker",)), tmp_path / "b.pdf")
    assert result.badges == 3


def test_two_workers_give_the_same_pages_as_one(tmp_path: Path) -> None:
    crowd = people(40)
    one = render_pdf(crowd, RenderOptions(design="minimal", workers=1), tmp_path / "one.pdf")
    seen: list[tuple[int, int]] = []
    two = render_pdf(
        crowd,
        RenderOptions(design="minimal", workers=2),
        tmp_path / "two.pdf",
        progress=lambda d, t: seen.append((d, t)),
    )
    assert one.pages == two.pages == len(PdfReader(tmp_path / "two.pdf").pages)
    assert seen[-1] == (40, 40)


@pytest.mark.parametrize("design", ["classic", "modern", "conference", "minimal", "pass"])
def test_every_design_renders_with_qr_and_vcard(tmp_path: Path, design: str) -> None:
    options = RenderOptions(design=design, qr_kind="vcard", event_name="Expo")
    result = render_pdf(people(3, email="ada@example.org"), options, tmp_path / "b.pdf")
    assert result.pages >= 1 and result.pdf_bytes > 1000


def test_two_workers_embed_the_background_at_most_once_per_part(tmp_path: Path) -> None:
    options = RenderOptions(design="classic", workers=2, background_image=jpeg_bytes())
    render_pdf(people(60), options, tmp_path / "b.pdf")
    images, _ = xobjects(tmp_path / "b.pdf")
    assert 1 <= len(images) <= 2
    fonts = font_objects(tmp_path / "b.pdf")
    assert fonts and all(fonts.count(name) <= 2 for name in fonts)


def test_small_jobs_stay_in_one_process_unless_more_are_asked_for() -> None:
    from badge_renderer.output import choose_workers

    assert choose_workers(500, None) == 1
    assert choose_workers(50_000, 2) == 2
    assert choose_workers(1, 4) == 1


def test_fold_over_puts_front_and_back_on_the_same_page(tmp_path: Path) -> None:
    options = RenderOptions(design="minimal", sides="foldover")
    layout = plan_for(options)
    assert layout.backs and not layout.backs_on_next_page
    result = render_pdf(people(7), options, tmp_path / "b.pdf")
    assert result.pages == math.ceil(7 / layout.per_sheet)
    text = PdfReader(tmp_path / "b.pdf").pages[0].extract_text()
    assert text.count("Ada0") == 2  # the back repeats the front so the name reads whichever way it flips


def test_crop_marks_are_drawn(tmp_path: Path) -> None:
    plain = render_pdf(people(6), RenderOptions(design="minimal"), tmp_path / "a.pdf")
    marked = render_pdf(people(6), RenderOptions(design="minimal", crop_marks=True), tmp_path / "b.pdf")
    assert plan_for(RenderOptions(design="minimal", crop_marks=True)).crop_marks
    assert marked.pdf_bytes > plain.pdf_bytes


def test_first_name_is_emphasised_only_when_known(tmp_path: Path) -> None:
    from badge_renderer.render import render_preview_png

    split = render_preview_png(Attendee(row=2, first_name="Ada", last_name="Lovelace"), RenderOptions(), dpi=40)
    joined = render_preview_png(Attendee(row=2, full_name="Ada Lovelace"), RenderOptions(), dpi=40)
    plain = render_preview_png(
        Attendee(row=2, first_name="Ada", last_name="Lovelace"), RenderOptions(emphasize_first_name=False), dpi=40
    )
    assert split != joined and joined == plain


def test_a_character_no_font_covers_becomes_a_warning(tmp_path: Path) -> None:
    odd = Attendee(row=5, full_name="Ada \U0001f9ff\U00013000 Lovelace")  # nazar amulet + Egyptian hieroglyph
    result = render_pdf([odd], RenderOptions(design="classic"), tmp_path / "b.pdf")
    assert any(w.row == 5 and w.column == "full_name" and "font" in w.message for w in result.warnings)


def test_a_design_with_a_back_prints_its_back_on_duplex_pages(tmp_path: Path) -> None:
    options = RenderOptions(design="pass", sides="duplex", qr_field="ticket_id", event_name="Expo")
    render_pdf(people(2, organization="Engines Ltd"), options, tmp_path / "b.pdf")
    front, back = (page.extract_text() for page in PdfReader(tmp_path / "b.pdf").pages)
    assert "Engines Ltd" in front and "Engines Ltd" not in back
    assert "Ada0" in back and "Expo" in back


def test_a_design_without_a_back_repeats_the_front(tmp_path: Path) -> None:
    render_pdf(people(2), RenderOptions(design="classic", sides="duplex"), tmp_path / "b.pdf")
    front, back = (page.extract_text() for page in PdfReader(tmp_path / "b.pdf").pages)
    assert "Engines Ltd" in front and "Engines Ltd" in back
