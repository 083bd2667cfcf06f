"""A both-cores job of the own PDF writer forks before the static layers are drawn: the worker writes an empty
stand-in per (ticket type, side) and the finished file points its pages at the form the parent's part holds.
Checked with real processes, poppler's pixels and qpdf: the same pages as one process, each layer once."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pikepdf
import pytest

from badge_renderer.model import Attendee
from badge_renderer.options import RenderOptions
from badge_renderer.pdf_stream import FinishedFile, PartReader, PdfAssembler
from badge_renderer.pdf_write.objects import DirectWriterError
from badge_renderer.pdf_write.part import DirectPart, LayerStandIn
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
    run = subprocess.run(["pdftoppm", "-r", "40", "-gray", str(pdf), str(stem)], capture_output=True, check=True)
    assert run.stderr == b""  # poppler rebuilds a broken xref silently but for this line
    return [page.read_bytes() for page in sorted(folder.glob(f"{pdf.stem}-*.pgm"))]


def forms_and_images(pdf: Path) -> tuple[int, int, int]:
    """(Form XObjects, images, empty stand-in forms) in the file; every page's XObjects are in its xref."""
    forms = images = empty = 0
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            assert all(isinstance(x, pikepdf.Stream) for x in page.Resources.XObject.values())
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
    assert two[1] == one[1] and two[2] == 0  # each layer's images once, no empty stand-in left
    layers = 3 * (2 if name.startswith("pass") else 1)  # three ticket types, three colours; pass has a back
    assert one[0] < two[0] <= one[0] + layers  # the worker's part refers to a copy of a layer's form dictionary
    qpdf_clean(tmp_path / "two.pdf")


def test_three_processes_number_their_parts_one_after_the_other(tmp_path: Path) -> None:
    options = RenderOptions(background_image=PHOTO, accents_by_type={"VIP": "#aa3300"}, sides="duplex")
    people = crowd(120)
    render_pdf(people, options.with_changes(workers=1), tmp_path / "one.pdf")
    render_pdf(people, options.with_changes(workers=3), tmp_path / "three.pdf")
    assert pixels(tmp_path / "three.pdf", tmp_path) == pixels(tmp_path / "one.pdf", tmp_path)
    assert forms_and_images(tmp_path / "three.pdf")[1:] == forms_and_images(tmp_path / "one.pdf")[1:]
    qpdf_clean(tmp_path / "three.pdf")


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


KEY = ("VIP", "front")


def _part(path: Path, layer: object, **numbering: object) -> DirectPart:
    """A one-page own-writer part whose one badge is `layer` (a cairo recording, or a LayerStandIn)."""
    with open(path, "wb") as fh:
        part = DirectPart(fh, 100, 100, **numbering)  # type: ignore[arg-type]
        page = part.page()
        page.begin_badge(10, 10, 0, 50, 50, None)
        page.static(layer)
        page.end_badge()
        part.finish_page(page)
        part.close()
    return part


def _red_square() -> object:
    import cairocffi as cairo

    layer = cairo.RecordingSurface(cairo.CONTENT_COLOR_ALPHA, (0, 0, 50, 50))
    ctx = cairo.Context(layer)
    ctx.set_source_rgb(0.8, 0.1, 0.1)
    ctx.rectangle(5, 5, 40, 40)
    ctx.fill()
    return layer


def _assembler(fh: object) -> PdfAssembler:
    from badge_renderer.pdf_stream import finish_for
    from badge_renderer.render_support import plan_for

    return PdfAssembler(fh, finish_for(plan_for(RenderOptions()), title="t", pdfx=False))  # type: ignore[arg-type]


def test_a_numbered_part_is_copied_as_its_bytes_with_its_stand_in_drawing_the_parent_s_layer(tmp_path: Path) -> None:
    layer = _red_square()
    own = tmp_path / "part-000.pdf"
    parent = _part(own, layer)
    number = parent.form(layer)[1]
    worker = _part(tmp_path / "part-001.pdf", LayerStandIn(*KEY), base=400, boxes=(b" /TrimBox [1 1 99 99]", b""))
    out = tmp_path / "joined.pdf"
    with open(out, "wb") as fh, open(own, "rb") as a, open(tmp_path / "part-001.pdf", "rb") as b:
        writer = _assembler(fh)
        writer.append(PartReader(a), forms=[(KEY, number)])
        assert writer.append_numbered(PartReader(b), worker.body, worker.stand_ins.items()) == 1
        writer.close()
    body = (tmp_path / "part-001.pdf").read_bytes()[worker.body[0] : worker.body[1]]
    assert body in out.read_bytes()  # as written: no object renumbered
    qpdf_clean(out)
    with pikepdf.open(out) as doc:
        first, second = (page.Resources.XObject.S0 for page in doc.pages)
        assert first.read_raw_bytes() == second.read_raw_bytes() and first.objgen != second.objgen
        assert first.Resources.objgen == second.Resources.objgen  # what the form draws with is not copied again
        assert [float(v) for v in doc.pages[1].TrimBox] == [1, 1, 99, 99]
    first_page, second_page = pixels(out, tmp_path)
    assert first_page == second_page and min(first_page[-3000:]) < 160  # the same red square on white


def test_a_stand_in_without_a_form_has_cairo_draw_the_job(tmp_path: Path) -> None:
    worker = _part(tmp_path / "part-001.pdf", LayerStandIn(*KEY), base=400)
    with open(tmp_path / "x.pdf", "wb") as fh, open(tmp_path / "part-001.pdf", "rb") as b:
        writer = _assembler(fh)
        with pytest.raises(DirectWriterError, match="no earlier part"):
            writer.append_numbered(PartReader(b), worker.body, worker.stand_ins.items())


def test_parts_before_that_outgrew_the_worker_s_numbering_have_cairo_draw_the_job(tmp_path: Path) -> None:
    layer = _red_square()
    own = tmp_path / "part-000.pdf"
    _part(own, layer)
    worker = _part(tmp_path / "part-001.pdf", LayerStandIn(*KEY), base=3)
    with open(tmp_path / "x.pdf", "wb") as fh, open(own, "rb") as a, open(tmp_path / "part-001.pdf", "rb") as b:
        writer = _assembler(fh)
        writer.append(PartReader(a))
        with pytest.raises(DirectWriterError, match="does not fit"):
            writer.append_numbered(PartReader(b), worker.body, worker.stand_ins.items())


def test_a_numbered_part_is_never_merged_by_qpdf(tmp_path: Path) -> None:
    """Once a part could not be streamed (the qpdf fallback), a worker's stand-ins would print badges without
    their background: the job goes to cairo instead."""
    document = FinishedFile(tmp_path / "out.pdf", RenderOptions(), copy_backs=False)
    try:
        document.fallback = True
        with pytest.raises(DirectWriterError, match="numbering"):
            document.add(tmp_path / "part-001.pdf", (), ((KEY, 405),), (15, 900))
    finally:
        document.abort()
