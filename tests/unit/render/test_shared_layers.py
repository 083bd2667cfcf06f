"""A both-cores job of the own PDF writer forks before the static layers are drawn: the worker writes an empty
stand-in per (ticket type, side) and the finished file points its pages at the form the parent's part holds.
Checked with real processes, poppler's pixels and qpdf: the same pages as one process, each layer once."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pikepdf
import pytest

from badge_renderer.model import Attendee
from badge_renderer.options import RenderOptions
from badge_renderer.pdf_stream import FinishedFile, PartReader, PdfAssembler
from badge_renderer.pdf_write.objects import DirectWriterError
from badge_renderer.render import render_pdf
from tests.render_faults import before_each_badge

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "images"
PHOTO = (FIXTURES / "exif-rotate-90.jpg").read_bytes()
TYPES = ("Speaker", "VIP", "Crew")


def crowd(n: int) -> list[Attendee]:
    return [
        Attendee(row=i + 2, first_name=f"Ada{i}", last_name="Lovelace", ticket_type=TYPES[i % 3], ticket_id=f"T{i}")
        for i in range(n)
    ]


def pixels(pdf: Path, folder: Path) -> list[bytes]:
    """Every page as 40 dpi grey samples (poppler)."""
    stem = folder / pdf.stem
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(pdf), str(stem)], check=True)
    return [page.read_bytes() for page in sorted(folder.glob(f"{pdf.stem}-*.pgm"))]


def forms_and_images(pdf: Path) -> tuple[int, int, int]:
    """(Form XObjects, images, empty stand-in forms) in the file."""
    forms = images = empty = 0
    with pikepdf.open(pdf) as doc:
        for obj in doc.objects:
            if not isinstance(obj, pikepdf.Stream):
                continue
            if obj.get("/Subtype") == "/Form":
                forms += 1
                empty += [float(v) for v in obj.BBox] == [0, 0, 0, 0]
            elif obj.get("/Subtype") == "/Image":
                images += 1
    return forms, images, empty


def qpdf_clean(pdf: Path) -> None:
    run = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert run.returncode == 0 and "WARNING" not in run.stdout, run.stdout + run.stderr


CASES = {
    "types-photo-logo": {"background_image": PHOTO, "logo_image": PHOTO},
    "pass-duplex-bleed": {"design": "pass", "sides": "duplex", "bleed_mm": 3, "qr_field": "ticket_id"},
    "foldover-marks": {"sides": "foldover", "crop_marks": True, "event_name": "Conf"},
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_two_processes_print_one_process_s_pages_with_each_layer_once(name: str, tmp_path: Path) -> None:
    options = RenderOptions(accents_by_type={"VIP": "#aa3300", "Crew": "#007744"}, **CASES[name])
    people = crowd(40)
    render_pdf(people, options.with_changes(workers=1), tmp_path / "one.pdf")
    render_pdf(people, options.with_changes(workers=2), tmp_path / "two.pdf")
    assert pixels(tmp_path / "two.pdf", tmp_path) == pixels(tmp_path / "one.pdf", tmp_path)
    one, two = forms_and_images(tmp_path / "one.pdf"), forms_and_images(tmp_path / "two.pdf")
    assert two == one and two[2] == 0  # a layer (and its photo) once, no stand-in left
    assert two[0] >= 3  # three ticket types, three colours: a layer each
    qpdf_clean(tmp_path / "two.pdf")


def test_a_crashed_worker_s_range_is_drawn_here_with_its_layers(tmp_path: Path, monkeypatch) -> None:
    parent = os.getpid()

    def dying(attendee: Attendee) -> None:
        if os.getpid() != parent:
            os._exit(9)

    options = RenderOptions(background_image=PHOTO, accents_by_type={"VIP": "#aa3300"})
    people = crowd(30)
    render_pdf(people, options.with_changes(workers=1), tmp_path / "one.pdf")
    with monkeypatch.context() as patched:
        before_each_badge(patched, dying)
        render_pdf(people, options.with_changes(workers=2), tmp_path / "two.pdf")
    assert pixels(tmp_path / "two.pdf", tmp_path) == pixels(tmp_path / "one.pdf", tmp_path)
    assert forms_and_images(tmp_path / "two.pdf")[2] == 0
    qpdf_clean(tmp_path / "two.pdf")


def _one_page_part(objects_of: bytes, stand_in: bool) -> tuple[io.BytesIO, int]:
    """A part with one page drawing form /S0: a real (tiny) form, or an empty stand-in; (file, form's number)."""
    from badge_renderer.pdf_write.objects import PdfObjects

    buffer = io.BytesIO()
    objects = PdfObjects(buffer)
    head = b"<< /Type /XObject /Subtype /Form /BBox [ 0 0 %s ] >>" % (b"0 0" if stand_in else b"10 10")
    form = objects.add_stream(head, b"" if stand_in else objects_of)
    content = objects.add_stream(b"<< >>", b"q /S0 Do Q")
    pages = objects.reserve()
    page = objects.add(
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 10 10] /Contents %d 0 R /Resources << /XObject << /S0 %d 0 R"
        b" >> >> >>" % (pages, content, form)
    )
    objects.put(pages, b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page)
    objects.close(objects.add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages))
    return buffer, form


def test_stand_ins_point_at_the_form_an_earlier_part_brought(tmp_path: Path) -> None:
    real, real_n = _one_page_part(b"0 0 1 rg 0 0 10 10 re f", stand_in=False)
    stand, stand_n = _one_page_part(b"", stand_in=True)
    out = tmp_path / "joined.pdf"
    with open(out, "wb") as fh:
        writer = PdfAssembler(fh)
        writer.append(PartReader(real), forms=[(("VIP", "front"), real_n)])
        writer.append(PartReader(stand), stand_ins=[(("VIP", "front"), stand_n)])
        writer.close()
    with pikepdf.open(out) as doc:
        assert doc.pages[0].Resources.XObject.S0.objgen == doc.pages[1].Resources.XObject.S0.objgen
    assert forms_and_images(out) == (1, 0, 0)
    qpdf_clean(out)


def test_a_stand_in_without_a_form_has_cairo_draw_the_job(tmp_path: Path) -> None:
    stand, stand_n = _one_page_part(b"", stand_in=True)
    with open(tmp_path / "x.pdf", "wb") as fh:
        writer = PdfAssembler(fh)
        with pytest.raises(DirectWriterError, match="no earlier part"):
            writer.append(PartReader(stand), stand_ins=[(("VIP", "back"), stand_n)])


def test_a_part_with_stand_ins_is_never_merged_by_qpdf(tmp_path: Path) -> None:
    """Once a part could not be streamed (the qpdf fallback), a worker's stand-ins would print badges without
    their background: the job goes to cairo instead."""
    document = FinishedFile(tmp_path / "out.pdf", RenderOptions(), copy_backs=False)
    try:
        document.fallback = True
        with pytest.raises(DirectWriterError, match="stand-ins"):
            document.add(tmp_path / "part-001.pdf", (), ((("VIP", "front"), 5),))
    finally:
        document.abort()
