"""QR codes that scan: big enough in every design, light quiet zone, drawn as one image mask, decoded by zbarimg.

Real tools, no mocks: pdftoppm renders the PDF at 150 dpi (what a cheap phone camera resolves at arm's length) and
zbarimg (Debian zbar-tools, installed by `scripts/system_deps.sh test`) must read back exactly what was encoded.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from badge_renderer.designs import list_designs
from badge_renderer.model import Attendee
from badge_renderer.output import make_composer
from badge_renderer.pdf_write.job import WRITER_ENV
from badge_renderer.qr import (
    MIN_SYMBOL_MM,
    MIN_VCARD_SYMBOL_MM,
    PIXEL_MM,
    fit_qr,
    grid_window,
    qr_payload,
)
from badge_renderer.render import RenderOptions, render_pdf

DESIGNS = [d.name for d in list_designs()]
ADA = Attendee(
    row=2,
    first_name="Zoë",
    last_name="Øster-Ñúñez",
    organization="Analytical Engines, Łódź",
    email="zoe.oster@example.org",
    ticket_id="PYC-2026-0002",
)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: run `bash scripts/system_deps.sh test`")
    return path


def _qr_windows(design: str) -> list[int]:
    """The side in whole 150 dpi pixels of every QR box the design draws (front and, for two-sided designs, back),
    with the badge at the page origin."""
    import cairocffi as cairo

    composer = make_composer(RenderOptions(design=design))
    spec = composer.design
    sides = ("front", "back") if spec.has_back else ("front",)
    ctx = cairo.Context(cairo.PDFSurface(None, 1000, 1000))
    return [grid_window(ctx, composer._box(e)).pixels for s in sides for e in spec.side_elements(s) if e.kind == "qr"]


LONG = Attendee(
    row=3,
    first_name="Maximiliana Josephine",
    last_name="Wolfeschlegelsteinhausen-Bergerdorff",
    organization="Internationale Gesellschaft für Angewandte Informatik e.V.",
    role="Wissenschaftliche Mitarbeiterin",
    email="maximiliana.wolfeschlegelsteinhausen@informatik.example.org",
)


@pytest.mark.parametrize("design", DESIGNS)
def test_every_design_prints_codes_at_least_15_mm_and_vcards_20_mm_on_whole_pixels(design: str) -> None:
    """At the design's own size: the shortest codes, a typical vCard and a long one (a 300-byte vCard) all reach the
    minimum with whole 150 dpi pixels per module, quiet zone inside the box."""
    windows = _qr_windows(design)
    assert windows, f"{design} has no QR element"
    cases = [
        ("1", MIN_SYMBOL_MM),
        ("PYC-2026-0002", MIN_SYMBOL_MM),
        (qr_payload(Attendee(row=2), "", "vcard"), MIN_VCARD_SYMBOL_MM),
        (qr_payload(ADA, "", "vcard"), MIN_VCARD_SYMBOL_MM),
        (qr_payload(LONG, "", "vcard"), MIN_VCARD_SYMBOL_MM),
    ]
    for pixels in windows:
        for text, wanted in cases:
            fitted = fit_qr(text, pixels, wanted)
            assert fitted is not None, (design, text)
            code, per_module = fitted
            assert code.size * per_module <= pixels and per_module >= 2
            assert code.symbol_modules * per_module * PIXEL_MM >= wanted, (design, text, code.version, per_module)


def _black_extent(png: Path) -> int:
    """The width in pixels of what is pure black on the page: only QR modules are (designs' text is not #000)."""
    from PIL import Image

    with Image.open(png) as image:
        box = image.convert("RGB").point(lambda v: 255 if v == 0 else 0).convert("L").getbbox()
    return 0 if box is None else box[2] - box[0]


def _decode_pages(pdf: Path, tmp_path: Path) -> list[tuple[str, int]]:
    """(decoded text, width of the code in pixels) of every page rendered at 150 dpi."""
    subprocess.run([_tool("pdftoppm"), "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    found = []
    for png in sorted(tmp_path.glob("page*.png")):
        run = subprocess.run([_tool("zbarimg"), "-q", "--raw", str(png)], capture_output=True)
        found.append((run.stdout.decode("utf-8"), _black_extent(png)))
    return found


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("kind", ["vcard", "text"])
def test_zbarimg_reads_every_design_from_a_150_dpi_render(design: str, kind: str, tmp_path: Path) -> None:
    """Read without -Sbinary: the UTF-8 ECI header tells zbar the charset. Measured on the render: >= 15 / 20 mm."""
    sides = "duplex" if any(d.name == design and d.has_back for d in list_designs()) else "single"
    options = RenderOptions(
        design=design,
        one_per_page=True,
        sides=sides,  # type: ignore[arg-type]
        qr_kind=kind,  # type: ignore[arg-type]
        qr_field="ticket_id" if kind == "text" else None,
    )
    render_pdf([ADA], options, tmp_path / "b.pdf")
    decoded = [(text, width) for text, width in _decode_pages(tmp_path / "b.pdf", tmp_path) if text]
    expected = qr_payload(ADA, "ticket_id", kind)
    assert decoded, f"zbarimg found no code on {design}"
    # zbarimg ends each symbol with a newline of its own.
    assert all(text.removesuffix("\n") == expected for text, _ in decoded), decoded
    wanted = MIN_VCARD_SYMBOL_MM if kind == "vcard" else MIN_SYMBOL_MM
    assert all(width * PIXEL_MM >= wanted for _, width in decoded), (design, [w * PIXEL_MM for _, w in decoded])


@pytest.mark.parametrize("writer", ["own", "cairo"])
def test_a_code_is_one_image_mask_not_hundreds_of_rectangles(tmp_path: Path, writer: str, monkeypatch) -> None:
    if writer == "cairo":
        monkeypatch.setenv(WRITER_ENV, "cairo")
    options = RenderOptions(design="classic", qr_kind="vcard", one_per_page=True)
    render_pdf([ADA], options, tmp_path / "q.pdf")
    data = (tmp_path / "q.pdf").read_bytes()
    page_content = b"".join(
        zlib.decompress(m.group(1))
        for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S)
        if m.group(1)[:1] == b"x"
    )
    if writer == "cairo":
        assert b"/ImageMask true" in data and b"/Interpolate false" in data
    else:  # one inline image mask in the page's own content: no object per code
        assert page_content.count(b"BI /W ") == 1 and b"/IM true" in page_content and b"/I false" in page_content
    assert page_content.count(b" re") < 40  # the light square and the artwork, not one per dark run


def test_a_badge_size_too_small_for_a_scannable_code_is_said_once(tmp_path: Path) -> None:
    people = [ADA, ADA, ADA]
    small = render_pdf(
        people, RenderOptions(design="minimal", badge_size="70x42mm", qr_kind="vcard"), tmp_path / "s.pdf"
    )
    notes = [w for w in small.warnings if w.column == "badge_size"]
    assert len(notes) == 1 and "under the 20 mm" in notes[0].message and notes[0].row is None
    default = render_pdf(people, RenderOptions(design="minimal", qr_kind="vcard"), tmp_path / "d.pdf")
    assert not [w for w in default.warnings if w.column == "badge_size"]


def _people(count: int) -> list[Attendee]:
    return [
        Attendee(row=i + 2, first_name=f"Ada{i}", last_name="Lovelace", organization="Engines", email=f"a{i}@x.org")
        for i in range(count)
    ]


def _page_images(pdf: Path) -> list[list[tuple[int, int]]]:
    import pikepdf

    with pikepdf.open(pdf) as document:
        return [
            [
                (int(x.Width), int(x.Height))
                for x in page.Resources.get("/XObject", {}).values()
                if x.Subtype == "/Image"
            ]
            for page in document.pages
        ]


def test_a_sheets_codes_are_one_image_of_only_that_sheets_codes(tmp_path: Path, cairo_writer: None) -> None:
    """One Flate stream per sheet instead of one per code, and a page cut out of the PDF carries no other sheet's
    contact cards; every code still decodes from a 150 dpi render."""
    people = _people(7)  # classic 4x3 in on A4: 4 a sheet, so sheets of 4 and 3
    result = render_pdf(people, RenderOptions(design="classic", qr_kind="vcard", workers=1), tmp_path / "s.pdf")
    assert result.pages == 2
    images = _page_images(tmp_path / "s.pdf")
    size = images[0][0][0]
    assert images == [[(size, 4 * size)], [(size, 3 * size)]]
    subprocess.run([_tool("pdftoppm"), "-r", "150", "-png", str(tmp_path / "s.pdf"), str(tmp_path / "p")], check=True)
    run = subprocess.run(
        [_tool("zbarimg"), "-q", "--raw", *map(str, sorted(tmp_path.glob("p*.png")))], capture_output=True
    )
    decoded = sorted(text.lstrip("\n") for text in run.stdout.decode("utf-8").split("END:VCARD\r\n") if text.strip())
    assert decoded == sorted(qr_payload(p, "", "vcard").removesuffix("END:VCARD\r\n") for p in people)
    check = subprocess.run([_tool("qpdf"), "--check", str(tmp_path / "s.pdf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_composer_reused_on_another_surface_never_draws_from_the_last_sheets_image(tmp_path: Path) -> None:
    import cairocffi as cairo

    composer = make_composer(RenderOptions(design="classic", qr_kind="vcard"))
    ada, other = _people(2)
    sheet_surface = cairo.PDFSurface(None, 600, 600)
    composer.expect_sheet([ada, other], ("front",), cairo.Context(sheet_surface))
    surface = cairo.PDFSurface(str(tmp_path / "one.pdf"), composer.width, composer.height)
    composer.draw(cairo.Context(surface), ada, 0, 0)
    surface.finish()
    (image,) = _page_images(tmp_path / "one.pdf")[0]
    assert image[0] == image[1]  # its own code only, not the two-code sheet image


def test_the_next_sheet_frees_the_last_sheets_image_and_the_page_drawn_from_it_keeps_its_codes(tmp_path: Path) -> None:
    """The sheet image is held through libcairo pointers (no cairocffi wrappers): replacing the sheet must free it
    (idempotently), and cairo must have kept its own copy for the page already drawn from it."""
    import cairocffi as cairo

    composer = make_composer(RenderOptions(design="classic", qr_kind="vcard"))
    ada, other = _people(2)
    surface = cairo.PDFSurface(str(tmp_path / "two.pdf"), 2 * composer.width, composer.height)
    ctx = cairo.Context(surface)
    composer.expect_sheet([ada, other], ("front",), ctx)
    first = composer._qr_sheet
    assert first is not None and first._images
    composer.draw(ctx, ada, 0, 0)
    composer.draw(ctx, other, composer.width, 0)
    composer.expect_sheet((), (), ctx)  # freed before the page is written: cairo's snapshot must carry the bits
    assert first._images == [] and composer._qr_sheet is None
    first.close()  # a second close is harmless
    surface.show_page()
    surface.finish()
    subprocess.run([_tool("pdftoppm"), "-r", "150", "-png", str(tmp_path / "two.pdf"), str(tmp_path / "p")], check=True)
    run = subprocess.run([_tool("zbarimg"), "-q", "--raw", *map(str, tmp_path.glob("p*.png"))], capture_output=True)
    decoded = sorted(text.lstrip("\n") for text in run.stdout.decode("utf-8").split("END:VCARD\r\n") if text.strip())
    assert decoded == sorted(qr_payload(p, "", "vcard").removesuffix("END:VCARD\r\n") for p in (ada, other))
