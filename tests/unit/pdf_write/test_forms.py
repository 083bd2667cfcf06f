"""cairo's one-time drawings copied as Form XObjects into our own page writer's file: the static layer of every
bundled design (background photo, logo, bleed, the event name in a cairo-embedded font) placed at several spots and
quarter turns renders pixel-identical to cairo painting the same layer on a cairo page; qpdf finds nothing to
warn about; the text reads the same; the photo is one object however often the form is placed; and the file goes
through pdf_stream's finish (FinishedFile) unchanged, fallback fonts named. Real cairo, poppler and qpdf; no mocks.
"""

from __future__ import annotations

import io
import os
import subprocess
import zlib
from pathlib import Path

import cairocffi as cairo
import pikepdf
import pytest
from pdf_pages import pixels, qpdf_check, tool, write_page

from badge_renderer.designs import list_designs
from badge_renderer.options import RenderOptions
from badge_renderer.output import make_composer
from badge_renderer.pdf_stream import FinishedFile, PartFormatError, PartReader
from badge_renderer.pdf_write.forms import CairoForm, copy_cairo_form, copy_page_form
from badge_renderer.pdf_write.objects import PdfObjects

GAP = 12.0


def _photo() -> bytes:
    from PIL import Image, ImageFilter

    image = Image.effect_noise((640, 480), 60).convert("RGB").filter(ImageFilter.GaussianBlur(3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _logo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 150), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 140, 140), fill=(31, 111, 235, 200))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


PHOTO, LOGO = _photo(), _logo()


def _options(design: str, event: str = "PrintConf 2026", **extra: object) -> RenderOptions:
    return RenderOptions(
        design=design,
        event_name=event,
        background_image=PHOTO,
        logo_image=LOGO,
        bleed_mm=3,
        **extra,  # type: ignore[arg-type]
    )


TURNS = {0: (1, 0, 0, 1), 90: (0, 1, -1, 0), 180: (-1, 0, 0, -1), 270: (0, -1, 1, 0)}  # clockwise, cairo order


def _slots(w: float, h: float, b: float, turns: tuple[int, ...]) -> tuple[list[tuple[float, ...]], float, float]:
    """Badge matrices (xx yx xy yy x0 y0) turned as asked, each in its own cell of a grid two cells wide (at a
    sub-point offset, as sheets place badges); and the page's width and height."""
    cell = max(w, h) + 2 * b + GAP
    slots = []
    for i, turn in enumerate(turns):
        xx, yx, xy, yy = TURNS[turn]
        cx, cy = GAP + b + (i % 2) * cell + 0.13, GAP + b + (i // 2) * cell + 0.29
        # shift so the turned badge's top-left corner is the cell's
        corners = [(xx * u + xy * v, yx * u + yy * v) for u in (0, w) for v in (0, h)]
        slots.append((xx, yx, xy, yy, cx - min(c[0] for c in corners), cy - min(c[1] for c in corners)))
    return slots, 2 * cell + GAP, (len(turns) + 1) // 2 * cell + GAP


def _pages(
    tmp_path: Path, options: RenderOptions, side: str = "front", turns: tuple[int, ...] = (0, 90, 180, 270)
) -> tuple[Path, Path]:
    """(cairo painting the static layer at every slot, our page placing its form there)."""
    composer = make_composer(options)
    layer = composer.static_layer("Attendee", side)
    w, h, b = composer.width, composer.height, composer.bleed
    slots, width, height = _slots(w, h, b, turns)
    reference = tmp_path / "cairo.pdf"
    surface = cairo.PDFSurface(str(reference), width, height)
    ctx = cairo.Context(surface)
    for slot in slots:
        ctx.save()
        ctx.transform(cairo.Matrix(*slot))
        ctx.set_source_surface(layer, 0, 0)
        ctx.paint()
        ctx.restore()
    surface.finish()
    forms: list[CairoForm] = []

    def build(objects: PdfObjects) -> tuple[bytes, dict[str, int]]:
        form = copy_cairo_form(
            objects, lambda c: (c.set_source_surface(layer, 0, 0), c.paint()), (-b, -b, w + 2 * b, h + 2 * b)
        )
        forms.append(form)
        content = b"".join(
            b"q %.6f %.6f %.6f %.6f %.6f %.6f cm %s /Static Do Q\n" % (*s, form.placement) for s in slots
        )
        return content, {"Static": form.number}

    ours = write_page(tmp_path / "ours.pdf", width, height, build)
    return reference, ours


def _same_but_edges(ours: Path, reference: Path) -> int:
    """150 dpi renders equal but for pixels on an edge of the drawing (where the reference's own 3 x 3
    neighbourhood is not one colour); returns how many pixels differ.

    Why the tolerance: poppler anti-aliases some edges a little differently once a page has drawn the same
    transparency group at another turn (each badge alone, or all four turns, render identical here), and our form
    is one level deeper. Flat areas (the photo, fills, text interiors) must be equal pixel for pixel."""
    from PIL import Image, ImageChops, ImageFilter

    size, mine = pixels(ours, 150)
    other, theirs = pixels(reference, 150)
    assert size == other
    if mine == theirs:
        return 0
    a, b = Image.frombytes("RGB", size, mine), Image.frombytes("RGB", size, theirs)
    differs = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v else 0)
    edges = ImageChops.difference(b.filter(ImageFilter.MaxFilter(3)), b.filter(ImageFilter.MinFilter(3)))
    edge = edges.convert("L").point(lambda v: 255 if v else 0)
    assert ImageChops.subtract(differs, edge).getbbox() is None, "a pixel off the drawing's edges differs"
    count = sum(differs.histogram()[255:])
    assert count < size[0] * size[1] / 100
    return count


def _text(pdf: Path) -> str:
    return subprocess.run([tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True).stdout


CASES = [(d.name, "front") for d in list_designs()] + [(d.name, "back") for d in list_designs() if d.has_back]
FULL = os.environ.get("BADGEFORGE_FORMS_SWEEP") == "1"  # every case at every quarter turn (the suite: two, and
# all four for classic), since a 150 dpi render of a page of photo badges takes poppler ~0.1 s a badge


@pytest.mark.parametrize(("design", "side"), CASES)
def test_a_static_layer_form_renders_as_cairo_paints_the_layer(design: str, side: str, tmp_path: Path) -> None:
    options = _options(design, sides="duplex" if side == "back" else "single")
    turns = (0, 90, 180, 270) if FULL or design == "classic" else (0, 270) if side == "back" else (0, 90)
    reference, ours = _pages(tmp_path, options, side, turns)
    check = qpdf_check(ours)
    assert "No syntax or stream encoding errors" in check and "WARNING" not in check
    _same_but_edges(ours, reference)
    assert _text(ours) == _text(reference)
    if side == "front":  # the event name, in a font cairo embedded inside the layer
        assert _text(ours).casefold().count("printconf 2026") == len(turns)


def test_the_photo_is_one_object_however_often_the_form_is_placed(tmp_path: Path) -> None:
    _, ours = _pages(tmp_path, _options("classic"))
    listing = subprocess.run([tool("pdfimages"), "-list", str(ours)], capture_output=True, text=True, check=True)
    jpegs = [line.split() for line in listing.stdout.splitlines()[2:] if " jpeg " in line]
    assert len(jpegs) == 4  # drawn once per placement...
    assert len({row[10] for row in jpegs}) == 1  # ...from one image object
    assert ours.read_bytes().count(b"/DCTDecode") == 1


def test_the_finish_keeps_the_form_and_names_cairo_fallback_fonts(tmp_path: Path) -> None:
    """A CJK event name is drawn in synthetic bold, which cairo writes as "CairoFont-N-M": the streamed finish
    (pdf_stream.FinishedFile) gives it its face's name and family, as it does for cairo's own parts."""
    options = _options("classic", event="東京会議", paper="A4")
    _, part = _pages(tmp_path, options)
    assert b"CairoFont-" in part.read_bytes()
    finished = tmp_path / "finished.pdf"
    document = FinishedFile(finished, options)
    document.add(part)
    document.close()
    assert not document.fallback  # copied by the streaming reader, not merged the old way
    check = qpdf_check(finished)
    assert "No syntax or stream encoding errors" in check and "WARNING" not in check
    assert pixels(finished, 150) == pixels(part, 150)
    assert _text(finished).count("東京会議") == 4
    fonts = subprocess.run([tool("pdffonts"), str(finished)], capture_output=True, text=True, check=True).stdout
    assert "CairoFont" not in fonts and "DroidSansFallback-Bold" in fonts
    with pikepdf.open(finished) as pdf:
        descriptors = [
            o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/FontDescriptor"
        ]
        assert descriptors and all(str(d.get("/FontFamily", "")) for d in descriptors)


def _source(path: Path, contents: list[bytes], resources: bytes) -> Path:
    """A one-page file as cairo writes them, but its content split into several Flate streams (as other writers
    and older cairo do) and the resources inline."""
    with open(path, "wb") as fh:
        objects = PdfObjects(fh)
        streams = [objects.add_stream(b"<< /Filter /FlateDecode >>", zlib.compress(part)) for part in contents]
        pages = objects.reserve()
        refs = b" ".join(b"%d 0 R" % n for n in streams)
        page = objects.add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [ 0 0 100 80 ] /Contents [ %s ] /Resources %s >>"
            % (pages, refs, resources)
        )
        objects.put(pages, b"<< /Type /Pages /Kids [ %d 0 R ] /Count 1 >>" % page)
        objects.close(objects.add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages))
    return path


def test_a_content_array_is_joined_and_inline_resources_copied(tmp_path: Path) -> None:
    flip = b"1 0 0 -1 0 80 cm "
    drawing = flip + b"/G0 gs 0.2 0.4 0.8 rg 10 10 50 30 re f 1 0 0 rg 40 30 50 40 re f"
    split = [drawing[:37], drawing[37:63], drawing[63:]]  # cut inside operators, as a content array may be
    source = _source(tmp_path / "source.pdf", split, b"<< /ExtGState << /G0 << /ca 0.5 /CA 0.5 >> >> >>")

    def build(objects: PdfObjects) -> tuple[bytes, dict[str, int]]:
        with open(source, "rb") as fh:
            form = copy_page_form(objects, PartReader(fh), (0, 0, 100, 80))
        return b"q %s /F Do Q" % form.placement, {"F": form.number}

    ours = write_page(tmp_path / "ours.pdf", 100, 80, build)
    assert "WARNING" not in qpdf_check(ours)
    assert pixels(ours, 150) == pixels(source, 150)


def test_what_cannot_be_copied_says_so(tmp_path: Path) -> None:
    out = io.BytesIO()
    objects = PdfObjects(out)
    with pytest.raises(ValueError, match="positive width"):
        copy_cairo_form(objects, lambda c: None, (0, 0, 0, 10))
    two = tmp_path / "two.pdf"
    surface = cairo.PDFSurface(str(two), 50, 50)
    ctx = cairo.Context(surface)
    ctx.paint()
    ctx.show_page()
    ctx.paint()
    surface.finish()
    with open(two, "rb") as fh, pytest.raises(PartFormatError, match="one-page file, not 2 pages"):
        copy_page_form(objects, PartReader(fh), (0, 0, 50, 50))
