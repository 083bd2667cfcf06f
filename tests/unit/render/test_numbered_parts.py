"""Every part the own writer writes for a job is in the finished file's numbering: the parent's own part 0 (from
object 2), each forked worker's, and a one-process job's one part. The finished file copies them as bytes
(PdfAssembler.append_numbered, never the renumbering append), part 0's layer forms serve the workers' stand-ins,
and the fallbacks (a part that does not fit, cairo) still give the same badges."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pikepdf
import pytest

from badge_renderer.options import RenderOptions
from badge_renderer.pdf_stream import FIRST_NUMBER, PartReader, PdfAssembler, finish_for
from badge_renderer.pdf_write.objects import DirectWriterError
from badge_renderer.pdf_write.part import LayerStandIn
from badge_renderer.render import render_pdf
from badge_renderer.render_support import plan_for
from tests.unit.render.test_shared_layers import (
    KEY,
    PHOTO,
    _part,
    _red_square,
    crowd,
    forms_and_images,
    pixels,
    qpdf_clean,
)


def _copies(monkeypatch: pytest.MonkeyPatch, kept: Path | None = None) -> list[str]:
    """Which copy each part of a job takes ("bytes" or "renumbered"); with `kept`, each part file is kept there."""
    seen: list[str] = []
    numbered, renumbered = PdfAssembler.append_numbered, PdfAssembler.append

    def by_bytes(self, reader, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append("bytes")
        if kept is not None:
            shutil.copyfile(reader.fh.name, kept / f"part-{len(seen)}.pdf")
        return numbered(self, reader, *args, **kwargs)

    def by_number(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append("renumbered")
        return renumbered(self, *args, **kwargs)

    monkeypatch.setattr(PdfAssembler, "append_numbered", by_bytes)
    monkeypatch.setattr(PdfAssembler, "append", by_number)
    return seen


def test_part_zero_is_copied_as_its_bytes_and_its_form_draws_the_worker_s_stand_in(tmp_path: Path) -> None:
    finish = finish_for(plan_for(RenderOptions()), title="", pdfx=False)
    boxes = (b" /TrimBox [1 1 99 99]", b"")
    layer = _red_square()
    own = _part(tmp_path / "part-000.pdf", layer, base=FIRST_NUMBER, boxes=boxes, finish=finish)
    number = own.form(layer)[1]
    worker = _part(tmp_path / "part-001.pdf", LayerStandIn(*KEY), base=400, boxes=boxes)
    out = tmp_path / "joined.pdf"
    with open(out, "wb") as fh, open(tmp_path / "part-000.pdf", "rb") as a, open(tmp_path / "part-001.pdf", "rb") as b:
        writer = PdfAssembler(fh, finish)
        assert writer.append_numbered(PartReader(a), own.body, (), [(KEY, number)]) == 1
        assert writer.append_numbered(PartReader(b), worker.body, worker.stand_ins.items()) == 1
        writer.close()
    data = out.read_bytes()
    for path, part in ((tmp_path / "part-000.pdf", own), (tmp_path / "part-001.pdf", worker)):
        assert path.read_bytes()[part.body[0] : part.body[1]] in data  # as written: no object renumbered
    qpdf_clean(out)
    with pikepdf.open(out) as doc:
        first, second = (page.Resources.XObject.S0 for page in doc.pages)
        assert first.objgen == (number, 0) and second.objgen != first.objgen
        assert first.read_raw_bytes() == second.read_raw_bytes()
        assert first.Resources.objgen == second.Resources.objgen  # what the form draws with is not copied again
        assert all([float(v) for v in page.TrimBox] == [1, 1, 99, 99] for page in doc.pages)
    first_page, second_page = pixels(out, tmp_path)
    assert first_page == second_page and min(first_page[-3000:]) < 160  # the same red square on white


def test_a_form_part_zero_does_not_hold_has_cairo_draw_the_job(tmp_path: Path) -> None:
    finish = finish_for(plan_for(RenderOptions()), title="", pdfx=False)
    own = _part(tmp_path / "part-000.pdf", _red_square(), base=FIRST_NUMBER, finish=finish)
    with (
        open(tmp_path / "x.pdf", "wb") as fh,
        open(tmp_path / "part-000.pdf", "rb") as a,
        pytest.raises(DirectWriterError, match="not in the part"),
    ):
        PdfAssembler(fh, finish).append_numbered(PartReader(a), own.body, (), [(KEY, 9999)])


@pytest.mark.parametrize(
    "case",
    [
        {"background_image": PHOTO, "logo_image": PHOTO, "event_name": "東京会議"},  # cairo's fallback font named
        {"design": "pass", "sides": "duplex", "bleed_mm": 3, "qr_field": "ticket_id"},
    ],
)
def test_a_one_process_job_is_one_part_copied_as_its_bytes(
    case: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = RenderOptions(accents_by_type={"VIP": "#aa3300"}, workers=1, **case)  # type: ignore[arg-type]
    people = crowd(24)
    with monkeypatch.context() as patched:
        seen = _copies(patched, tmp_path)
        render_pdf(people, options, tmp_path / "one.pdf")
    assert seen == ["bytes"]
    part = (tmp_path / "part-1.pdf").read_bytes()
    body = part[part.index(b"\n2 0 obj\n") + 1 : part.rindex(b"\nendobj\n", 0, part.index(b"/Type /Pages")) + 8]
    assert body in (tmp_path / "one.pdf").read_bytes()
    qpdf_clean(tmp_path / "one.pdf")
    render_pdf(people, options.with_changes(workers=2), tmp_path / "two.pdf")
    assert pixels(tmp_path / "one.pdf", tmp_path) == pixels(tmp_path / "two.pdf", tmp_path)
    with pikepdf.open(tmp_path / "one.pdf") as doc:
        fonts = [o for o in doc.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/FontDescriptor"]
        assert fonts and not any("CairoFont" in str(f.FontName) for f in fonts)  # the layer's forms are finished
        assert all("/TrimBox" in page and "/ArtBox" in page for page in doc.pages)


def test_both_processes_copy_every_part_as_its_bytes_with_each_layer_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = RenderOptions(background_image=PHOTO, accents_by_type={"VIP": "#aa3300", "Crew": "#007744"})
    people = crowd(60)
    render_pdf(people, options.with_changes(workers=1), tmp_path / "one.pdf")
    with monkeypatch.context() as patched:
        seen = _copies(patched)
        render_pdf(people, options.with_changes(workers=2), tmp_path / "two.pdf")
    assert seen == ["bytes", "bytes"]
    assert pixels(tmp_path / "two.pdf", tmp_path) == pixels(tmp_path / "one.pdf", tmp_path)
    assert forms_and_images(tmp_path / "two.pdf")[1:] == (forms_and_images(tmp_path / "one.pdf")[1], 0)
    qpdf_clean(tmp_path / "two.pdf")


def test_a_one_process_pdfx_job_with_a_bleed_gets_its_boxes_once(tmp_path: Path) -> None:
    options = RenderOptions(background_image=PHOTO, pdfx=True, bleed_mm=3, crop_marks=True, workers=1)
    render_pdf(crowd(12), options, tmp_path / "x.pdf")
    qpdf_clean(tmp_path / "x.pdf")
    data = (tmp_path / "x.pdf").read_bytes()
    with pikepdf.open(tmp_path / "x.pdf") as doc:
        pages = len(doc.pages)
        assert str(doc.trailer.Info.GTS_PDFXVersion) and len(doc.Root.OutputIntents) == 1
        for page in doc.pages:
            assert "/TrimBox" in page and "/BleedBox" in page and "/ArtBox" not in page  # PDF/X: no ArtBox
            trim, bleed = [float(v) for v in page.TrimBox], [float(v) for v in page.BleedBox]
            assert bleed[0] < trim[0] and bleed[2] > trim[2]
    assert data.count(b"/TrimBox") == data.count(b"/BleedBox") == pages  # written by the part, not again


def test_a_one_process_part_that_does_not_fit_has_cairo_draw_the_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refused(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise DirectWriterError("a part numbered from 2 does not fit (injected)")

    monkeypatch.setattr(PdfAssembler, "append_numbered", refused)
    with caplog.at_level(logging.WARNING):
        result = render_pdf(crowd(12), RenderOptions(background_image=PHOTO, workers=1), tmp_path / "x.pdf")
    assert result.badges == 12 and "cairo draws it" in caplog.text and "injected" in caplog.text
    qpdf_clean(tmp_path / "x.pdf")
