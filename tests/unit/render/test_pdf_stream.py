"""The streamed print file (pdf_stream): cairo parts copied object by object with the finish applied on the way
show exactly what the old pikepdf finish + qpdf merge showed, checked with the print shop's tools (qpdf --check,
pdfinfo -box, pdftotext, pdffonts); fan-out chunks concatenate the same way; a file the reader does not handle
falls back to qpdf; and the copy never holds the pages in memory. No mocks: real cairo parts, real tools.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tracemalloc
from pathlib import Path

import pikepdf
import pytest

from badge_renderer import parallel
from badge_renderer.model import Attendee
from badge_renderer.output import write_pdf_part
from badge_renderer.pdf_finish import finish_for_options
from badge_renderer.pdf_stream import FinishedFile, PartFormatError, PartReader, assemble
from badge_renderer.render import RenderOptions, render_pdf

PEOPLE = [
    Attendee(row=2, first_name="Ada", last_name="Lovelace", organization="Engines Ltd", ticket_id="T1"),
    Attendee(row=3, first_name="太郎", last_name="山田", organization="東京大学", ticket_id="T2"),  # synthetic bold
    Attendee(row=4, first_name="Zoë", last_name="Øster", organization="Łódź", ticket_id="T3"),
    Attendee(row=5, first_name="Grace", last_name="Hopper", organization="Navy", ticket_id="T4"),
    Attendee(row=6, first_name="Alan", last_name="Turing", organization="Bletchley", ticket_id="T5"),
]
MODES = {
    "single": {},
    "duplex_pdfx_bleed": {"design": "pass", "sides": "duplex", "bleed_mm": 3, "pdfx": True},
    "foldover_marks": {"sides": "foldover", "crop_marks": True},
    "one_per_page_bleed": {"one_per_page": True, "bleed_mm": 3, "crop_marks": True},
}


def _run(*cmd: str) -> str:
    if shutil.which(cmd[0]) is None:
        pytest.fail(f"{cmd[0]} is missing: run `bash scripts/system_deps.sh test`")
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def facts(pdf: Path) -> dict[str, str]:
    """What a print shop sees: boxes of every page and the title, the text, the fonts, qpdf's verdict."""
    boxes = _run("pdfinfo", "-box", "-f", "1", "-l", "999", str(pdf))
    return {
        "boxes": "\n".join(x for x in boxes.splitlines() if "Box" in x or x.startswith(("Title", "Pages"))),
        "text": _run("pdftotext", "-layout", str(pdf), "-"),
        "fonts": "\n".join(
            sorted(line.split()[0].split("+")[-1] for line in _run("pdffonts", str(pdf)).splitlines()[2:])
        ),
        "check": _run("qpdf", "--check", str(pdf)).split("\n", 1)[1],
    }


def options_for(mode: str, **extra: object) -> RenderOptions:
    return RenderOptions(event_name="PrintConf", qr_field="ticket_id", **MODES[mode], **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", sorted(MODES))
def test_a_streamed_file_shows_what_the_pikepdf_finish_showed(mode: str, tmp_path: Path) -> None:
    options = options_for(mode)
    part = tmp_path / "part.pdf"
    write_pdf_part(PEOPLE, options, part)
    old = tmp_path / "old.pdf"
    shutil.copyfile(part, old)
    finish_for_options(old, options)  # the pikepdf pass this replaces
    new = tmp_path / "new.pdf"
    document = FinishedFile(new, options)
    document.add(part)
    document.close()
    before, after = facts(old), facts(new)
    assert after == before
    assert "No syntax or stream encoding errors" in after["check"] and "WARNING" not in after["check"]
    assert "CairoFont" not in after["fonts"] and "Title:           PrintConf badges" in after["boxes"]
    with pikepdf.open(old) as a, pikepdf.open(new) as b:
        assert b.pdf_version == a.pdf_version
        assert [p.obj.get("/ArtBox") is None for p in b.pages] == [p.obj.get("/ArtBox") is None for p in a.pages]
        if options.pdfx:
            (intent,) = b.Root.OutputIntents
            assert intent.DestOutputProfile.read_bytes()[36:40] == b"acsp" and int(intent.DestOutputProfile.N) == 3
            meta = b.open_metadata()
            assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4" and meta["dc:title"] == "PrintConf badges"
            assert b.docinfo["/Trapped"] == "/False" and str(b.docinfo["/GTS_PDFXVersion"]) == "PDF/X-4"
        forms = [o for o in b.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Form"]
        assert sorted(str(list(f.BBox)) for f in forms) == sorted(
            str(list(f.BBox)) for f in a.objects if isinstance(f, pikepdf.Stream) and f.get("/Subtype") == "/Form"
        )


@pytest.mark.parametrize("event", ["Room 1 0 R (east) \\ wing", "Café Ünïcode 東京"])
def test_the_title_keeps_every_character_of_the_event_name(event: str, tmp_path: Path) -> None:
    render_pdf(PEOPLE[:2], RenderOptions(event_name=event), tmp_path / "t.pdf")
    with pikepdf.open(tmp_path / "t.pdf") as doc:
        assert str(doc.docinfo["/Title"]) == f"{event} badges"


def test_fanout_chunks_concatenate_in_order_keeping_one_catalog(tmp_path: Path) -> None:
    """Finished chunk files (streams, as read from Storage) -> one file: pages in order, qpdf-clean, the first
    chunk's PDF/X intent and title, no second copy of the others' (they are left out, not orphaned)."""
    options = options_for("duplex_pdfx_bleed")
    chunks = []
    for i in range(3):
        crowd = [Attendee(row=i * 10 + j, first_name=f"Chunk{i}", last_name=f"Person{j}") for j in range(3)]
        render_pdf(crowd, options, tmp_path / f"c{i}.pdf")
        chunks.append(io.BytesIO((tmp_path / f"c{i}.pdf").read_bytes()))
    out = io.BytesIO()
    parallel.merge_parts(chunks, out)
    (tmp_path / "merged.pdf").write_bytes(out.getvalue())
    merged = facts(tmp_path / "merged.pdf")
    assert "No syntax or stream encoding errors" in merged["check"] and "WARNING" not in merged["check"]
    text = merged["text"]
    assert text.index("Chunk0") < text.index("Chunk1") < text.index("Chunk2")
    with pikepdf.open(tmp_path / "merged.pdf") as doc:
        assert len(doc.pages) == 3 * 2 and str(doc.docinfo["/Title"]) == "PrintConf badges"
        assert len(doc.Root.OutputIntents) == 1 and doc.pdf_version >= "1.6"
        intents = [o for o in doc.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/OutputIntent"]
        assert len(intents) == 1


def test_a_part_the_reader_does_not_handle_is_merged_by_qpdf_instead(tmp_path: Path) -> None:
    """An object-stream file (what a qpdf rewrite may give) raises PartFormatError before a byte is written, and
    merge_parts and FinishedFile both still produce the right file the old way."""
    options = options_for("single")
    render_pdf(PEOPLE[:4], options, tmp_path / "a.pdf")
    with pikepdf.open(tmp_path / "a.pdf") as pdf:
        pdf.save(tmp_path / "packed.pdf", object_stream_mode=pikepdf.ObjectStreamMode.generate)
    with open(tmp_path / "packed.pdf", "rb") as fh, pytest.raises(PartFormatError):
        PartReader(fh)
    out = io.BytesIO()
    with pytest.raises(PartFormatError):
        assemble([tmp_path / "a.pdf", tmp_path / "packed.pdf"], out)
    assert out.getvalue() == b""
    parallel.merge_parts([tmp_path / "a.pdf", tmp_path / "packed.pdf"], tmp_path / "m.pdf")
    assert facts(tmp_path / "m.pdf")["text"].count("Ada") == 2

    part = tmp_path / "cairo-packed.pdf"
    write_pdf_part(PEOPLE, options, part)
    with pikepdf.open(part, allow_overwriting_input=True) as pdf:
        pdf.save(part, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    document = FinishedFile(tmp_path / "f.pdf", options)
    document.add(part)
    document.close()
    assert document.fallback and "Title:           PrintConf badges" in facts(tmp_path / "f.pdf")["boxes"]
    assert not (tmp_path / "f.pdf.tmp").exists()


def test_copying_holds_one_part_s_numbers_and_one_block_not_the_pages(tmp_path: Path) -> None:
    """Python memory while streaming four parts into one file is what one part needs (its xref numbers and one
    block of its bytes): it does not grow with the pages already written."""
    from badge_renderer import pdf_stream

    crowd = [Attendee(row=i + 2, first_name=f"Name{i}", last_name="Person", ticket_id=f"T{i}") for i in range(1200)]
    options = RenderOptions(event_name="MemConf", qr_field="ticket_id")
    write_pdf_part(crowd, options, tmp_path / "part.pdf")
    with open(tmp_path / "part.pdf", "rb") as fh:
        objects = PartReader(fh).size

    def peak(parts: int) -> int:
        tracemalloc.start()
        try:
            document = FinishedFile(tmp_path / f"out{parts}.pdf", options)
            for _ in range(parts):
                document.add(tmp_path / "part.pdf")
            document.close()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    one, four = peak(1), peak(4)
    assert four < one * 1.3, (one, four)  # the old merge held all four parts' objects at once
    assert one < 150 * objects + pdf_stream._BLOCK + 150_000, (one, objects)
    assert (tmp_path / "out4.pdf").stat().st_size > 3.5 * (tmp_path / "part.pdf").stat().st_size
    with pikepdf.open(tmp_path / "out4.pdf") as doc:
        assert len(doc.pages) == 4 * 300 and all("/TrimBox" in page.obj for page in doc.pages)


def test_the_copy_inlines_lengths_and_shares_identical_resources_so_the_file_is_smaller_than_cairo_s(
    tmp_path: Path,
) -> None:
    """cairo writes every stream's /Length as an object of its own, every page's resources as another copy of the
    same dictionary and every dictionary indented over many lines: the copy writes lengths inline, one resources
    object per distinct dictionary and dictionaries on one line, so the finished file (boxes, title and all) is
    smaller than cairo's part and has about two objects per page."""
    crowd = [Attendee(row=i + 2, first_name=f"Name{i}", last_name="Person") for i in range(400)]
    options = RenderOptions(event_name="SizeConf")
    part = tmp_path / "part.pdf"
    write_pdf_part(crowd, options, part)
    document = FinishedFile(tmp_path / "out.pdf", options)
    document.add(part)
    document.add(part)  # a second part: its numbers follow the first's, its resources are its own
    document.close()
    out = tmp_path / "out.pdf"
    assert out.stat().st_size < 2 * part.stat().st_size * 0.88  # it was 1.1x cairo's
    raw = out.read_bytes()
    one_line = re.findall(rb"\d+ 0 obj\n<< /Type /Page /[^\n]*>>\n", raw)
    assert b"/Type /Page %" not in raw and len(one_line) == 200  # page dictionaries on one line, no comment
    check = facts(out)["check"]
    assert "No syntax or stream encoding errors" in check and "WARNING" not in check
    with pikepdf.open(out) as doc:
        pages = doc.pages
        assert len(pages) == 200
        assert len(doc.objects) < 2 * len(pages) + 60, len(doc.objects)
        assert not [o for o in doc.objects if isinstance(o, int)]  # no length objects left
        resources = {page.obj.Resources.objgen for page in pages}
        assert len(resources) <= 4, resources  # per part: one per distinct dictionary, not one per page
        assert pages[0].obj.Resources.objgen != pages[-1].obj.Resources.objgen  # parts keep their own fonts
    assert facts(out)["text"] == 2 * _run("pdftotext", "-layout", str(part), "-")
