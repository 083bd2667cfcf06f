"""EmbeddedFont: the font objects BadgeForge's own page writer needs, checked with real tools.

Every PDF here is built with PdfObjects and the glyph ids HarfBuzz gives (the page writer's input), then read by
qpdf (structure), pdffonts (embedded, subset, ToUnicode), pdftotext (the text comes back), pdftoppm (the pixels
equal cairo's drawing of the same glyphs at the same places), Ghostscript and PDFium (two more renderers agree);
fontTools and HarfBuzz open the subset program itself. Nothing is mocked.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import subprocess
import unicodedata
import zlib
from itertools import pairwise
from pathlib import Path

import cairocffi
import pypdfium2 as pdfium
import pytest
import uharfbuzz as hb
from fontTools.pens.recordingPen import DecomposingRecordingPen, RecordingPen
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageOps
from pypdf import PdfReader

from badge_renderer.pdf_write.fonts import (
    EmbeddedFont,
    FontFileError,
    embedded_font,
    subset_tag,
    to_unicode_cmap,
)
from badge_renderer.pdf_write.objects import PdfObjects
from badge_renderer.text.cairo_fonts import cairo_font_face
from badge_renderer.text.fonts import FontFile, FontLibrary, fonts_dir

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("qpdf", "pdffonts", "pdftotext", "pdftoppm", "gs")),
    reason="needs qpdf, poppler-utils and ghostscript (scripts/system_deps.sh test)",
)

FONTS = fonts_dir()
PAGE = (420.0, 90.0)  # width, height in points
SIZE = 24.0
ORIGIN = (20.0, 55.0)  # the first glyph's origin, cairo space (y down)
# family key, weight, text; "exact" texts must come back from pdftotext as written
SCRIPTS = {
    "latin": ("sans", "regular", "Ada Lovelace", True),
    "accented": ("sans", "bold", "Émile Żółkiewski-Ångström", True),
    "greek": ("sans", "regular", "Γιώργος Παπαδόπουλος", True),
    "cyrillic": ("serif", "bold", "Дмитрий Иванов", True),
    "ligature": ("serif", "regular", "Jeffrey Officer", False),
    "arabic": ("arabic", "regular", "محمد عبد الله", True),
    "devanagari": ("devanagari", "regular", "ऐश्वर्या ओझा दीक्षित", False),
    "cjk": ("cjk", "regular", "王小明 山田太郎", True),
    "emoji": ("emoji", "regular", "😀🎉👍", True),
}
GHOSTSCRIPT = ("gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pnggray", "-r150", "-dTextAlphaBits=4")
KEPT_TABLES = ("head", "hhea", "maxp", "hmtx", "loca", "glyf", "cvt ", "fpgm", "prep")
_FALLBACKS = {"arabic": "NotoSansArabic", "devanagari": "NotoSansDevanagari", "cjk": "DroidSans", "emoji": "NotoEmoji"}


def font_for(family: str, weight: str) -> FontFile:
    library = FontLibrary.default()
    if family in _FALLBACKS:
        chain = library.chain("sans", weight)
        return next(f for f in chain if f.path.name.startswith(_FALLBACKS[family]))
    return library.family(family).file(weight)


class Shaped:
    """A line as HarfBuzz shapes it: glyph ids, their positions in points (cairo space) and the ToUnicode map."""

    def __init__(self, font: FontFile, text: str) -> None:
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        hb.shape(font.hb_font, buffer)
        scale = SIZE / font.upem
        infos, positions = buffer.glyph_infos or [], buffer.glyph_positions or []  # None for ""
        starts = [*sorted({info.cluster for info in infos}), len(text)]
        ends = dict(pairwise(starts))
        self.placed: list[tuple[int, float, float]] = []
        self.advances: list[float] = []
        self.used: dict[int, str] = {}
        seen: set[int] = set()
        x, y = ORIGIN
        for info, pos in zip(infos, positions, strict=True):
            self.placed.append((info.codepoint, x + pos.x_offset * scale, y - pos.y_offset * scale))
            self.advances.append(pos.x_advance * 1000 / font.upem)
            x += pos.x_advance * scale
            text_of = text[info.cluster : ends[info.cluster]] if info.cluster not in seen else ""
            seen.add(info.cluster)
            if not self.used.get(info.codepoint):
                self.used[info.codepoint] = text_of
        self.glyphs = [gid for gid, _, _ in self.placed]


def own_pdf(font: FontFile, shaped: Shaped, path: Path, *, with_tj: bool = False) -> EmbeddedFont:
    """A one-page PDF written with PdfObjects: each glyph at its HarfBuzz place (Tm per glyph), or one TJ line whose
    adjustments come from EmbeddedFont.widths (as the page writer does it)."""
    return own_pages([(font, shaped)], path, with_tj=with_tj)[0]


def own_pages(lines: list[tuple[FontFile, Shaped]], path: Path, *, with_tj: bool = False) -> list[EmbeddedFont]:
    """One page per (font, shaped line), each page's font object F0 written by EmbeddedFont."""
    embedded = [EmbeddedFont(font.path) for font, _ in lines]
    with path.open("wb") as out:
        objects = PdfObjects(out)
        catalog, tree = objects.reserve(), objects.reserve()
        kids = []
        for font, (_, shaped) in zip(embedded, lines, strict=True):
            font_ref = objects.reserve()
            content = objects.add_stream(
                b"<< /Filter /FlateDecode >>", zlib.compress(_operators(font, shaped, with_tj))
            )
            kids.append(
                objects.add(
                    b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %g %g] /Resources << /Font << /F0 %d 0 R >> >>"
                    b" /Contents %d 0 R >>" % (tree, *PAGE, font_ref, content)
                )
            )
            font.write(objects, font_ref, shaped.used, synthetic_bold=lines[len(kids) - 1][0].synthetic_bold)
        refs = b" ".join(b"%d 0 R" % kid for kid in kids)
        objects.put(tree, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids)))
        objects.put(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % tree)
        objects.close(catalog)
    return embedded


def _operators(embedded: EmbeddedFont, shaped: Shaped, with_tj: bool) -> bytes:
    height = PAGE[1]
    if with_tj:
        parts = []
        for (gid, _, _), advance in zip(shaped.placed, shaped.advances, strict=True):
            parts.append(b"<%04X>" % gid)
            adjust = embedded.widths[gid] - advance  # what TJ takes back of /W's advance, in 1/1000 em
            if abs(adjust) > 0.0005:
                parts.append(b"%.3f" % adjust)
        x, y = ORIGIN
        return b"BT /F0 %g Tf 1 0 0 1 %g %g Tm [%s] TJ ET" % (SIZE, x, height - y, b"".join(parts))
    return (
        b"BT /F0 %g Tf " % SIZE
        + b" ".join(b"1 0 0 1 %.4f %.4f Tm <%04X> Tj" % (x, height - y, gid) for gid, x, y in shaped.placed)
        + b" ET"
    )


def cairo_pdf(font: FontFile, shaped: Shaped, path: Path) -> None:
    """The same glyphs at the same places drawn by cairo (what the renderer does today)."""
    surface = cairocffi.PDFSurface(str(path), *PAGE)
    context = cairocffi.Context(surface)
    options = cairocffi.FontOptions()
    options.set_hint_style(cairocffi.HINT_STYLE_NONE)
    options.set_hint_metrics(cairocffi.HINT_METRICS_OFF)
    context.set_font_options(options)
    context.set_font_face(cairo_font_face(font))
    context.set_font_size(SIZE)
    context.show_glyphs(shaped.placed)
    surface.finish()


def pixels(pdf: Path) -> Image.Image:
    png = subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(pdf)], capture_output=True, check=True).stdout
    return Image.open(io.BytesIO(png)).convert("L")


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.strip()


def pdffonts_row(pdf: Path) -> list[str]:
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(listing) == 3, listing  # the heading, the rule and one font
    return listing[2].split()


def outline(font: TTFont, gid: int) -> list:
    """The glyph's contours with composites flattened (component names differ: the subset has no post table)."""
    glyphs = font.getGlyphSet()
    pen = DecomposingRecordingPen(glyphs)
    glyphs[font.getGlyphOrder()[gid]].draw(pen)
    return pen.value


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_a_page_with_the_embedded_font_reads_back_and_looks_like_cairos(script: str, tmp_path: Path) -> None:
    family, weight, text, exact = SCRIPTS[script]
    font = font_for(family, weight)
    shaped = Shaped(font, text)
    assert 0 not in shaped.glyphs, "the test text must be covered by its font"
    ours, theirs = tmp_path / "ours.pdf", tmp_path / "cairo.pdf"
    embedded = own_pdf(font, shaped, ours)
    cairo_pdf(font, shaped, theirs)

    check = subprocess.run(["qpdf", "--check", str(ours)], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, check.stdout + check.stderr
    row = pdffonts_row(ours)
    assert re.fullmatch(r"[A-Z]{6}\+" + re.escape(embedded.postscript_name), row[0]), row
    assert row[1:3] == ["CID", "TrueType"] and row[3] == "Identity-H", row
    assert row[4:7] == ["yes", "yes", "yes"], row  # emb sub uni

    read = pdftotext(ours).strip("\u202a\u202b\u202c")  # poppler wraps a right-to-left line in bidi embeddings
    if exact:
        assert read == text
    else:
        assert read.replace(" ", "") and set(read) - {" ", "\n"} <= set(text) | {"\u200d"}, read
    if script == "ligature":
        assert len(shaped.glyphs) < len(text), "the serif font makes ligatures of ff/ffi"
        assert read == text  # the ligature glyphs' ToUnicode gives their letters back

    assert_looks_alike(pixels(ours), pixels(theirs))


def assert_looks_alike(mine: Image.Image, cairo: Image.Image) -> None:
    """The same glyphs at the same places, up to anti-aliasing and a one-pixel shift of some glyphs.

    Why the shift: cairo writes its /W widths in whole units and Tj's without adjustments while its glyphs stay within
    1/1000 em of the pen, so a glyph after one whose HarfBuzz advance cairo rounded (1023 -> 1022 in the Devanagari
    line) can land one pixel over at 150 dpi; ours sits where HarfBuzz put it (with cairo's /W set to 1023 the two
    pages rasterise pixel-identical). A missing, wrong or misplaced glyph still fails: each pixel must match the
    other page at its own place or one pixel left or right (within a quarter of full scale), and fewer than 5 % of
    the ink's pixels may differ at all at their own place.
    """
    assert mine.size == cairo.size
    ink = sum(cairo.histogram()[:128])
    assert ink > 100, "cairo drew the text"
    nearest = ImageChops.difference(mine, cairo)
    for shift in (-1, 1):
        nearest = ImageChops.darker(nearest, ImageChops.difference(mine, ImageChops.offset(cairo, shift, 0)))
    assert nearest.getextrema()[1] <= 64, nearest.getbbox()
    assert sum(ImageChops.difference(mine, cairo).histogram()[9:]) < 0.05 * ink


def test_ghostscript_and_pdfium_draw_every_script_as_poppler_does(tmp_path: Path) -> None:
    """Two more readers with their own PDF and TrueType code: Ghostscript, and PDFium (Chrome's viewer). Each draws
    every page (Ghostscript without a word on stderr) with its ink where poppler's is (within 2 pixels at 150 dpi)
    and as much of it (within 8 %); PDFium also reads the text back where it is one glyph per character."""
    lines = []
    for family, weight, text, _ in SCRIPTS.values():
        font = font_for(family, weight)
        lines.append((font, Shaped(font, text)))
    pdf = tmp_path / "scripts.pdf"
    own_pages(lines, pdf)
    drawn = subprocess.run([*GHOSTSCRIPT, f"-sOutputFile={tmp_path}/gs-%d.png", str(pdf)], capture_output=True)
    assert drawn.returncode == 0 and drawn.stderr == b"", drawn.stderr
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(pdf), str(tmp_path / "pp")], check=True)
    document = pdfium.PdfDocument(str(pdf))
    for page, script in enumerate(SCRIPTS, 1):
        poppler = Image.open(tmp_path / f"pp-{page}.png").convert("L")
        chrome = document[page - 1].render(scale=150 / 72, grayscale=True).to_pil().convert("L")
        for image in (Image.open(tmp_path / f"gs-{page}.png").convert("L"), chrome):
            ink = [sum(im.histogram()[:128]) for im in (image, poppler)]
            assert abs(ink[0] - ink[1]) <= 0.08 * ink[1], (script, ink)
            boxes = [ImageOps.invert(im).point(lambda v: 255 if v >= 128 else 0).getbbox() for im in (image, poppler)]
            assert all(abs(a - b) <= 2 for a, b in zip(*boxes, strict=True)), (script, boxes)
        _, _, text, exact = SCRIPTS[script]
        if exact and script != "arabic":  # PDFium gives right-to-left text in visual order
            assert document[page - 1].get_textpage().get_text_range() == text, script
    document.close()


def test_widths_are_the_w_array_and_the_harfbuzz_advances(tmp_path: Path) -> None:
    font = font_for("sans", "regular")
    shaped = Shaped(font, "AVATAR Wolf Tåve")
    embedded = own_pdf(font, shaped, tmp_path / "w.pdf", with_tj=True)
    cid_font = PdfReader(tmp_path / "w.pdf").pages[0]["/Resources"]["/Font"]["/F0"]["/DescendantFonts"][0]
    cid_font = cid_font.get_object()
    declared: dict[int, float] = {}
    w = list(cid_font["/W"])
    while w:
        first, widths = w[0], w[1]
        declared.update({first + i: float(v) for i, v in enumerate(widths)})
        w = w[2:]
    for gid in {0, *shaped.glyphs}:
        assert declared.get(gid, float(cid_font["/DW"])) == embedded.widths[gid]
    hb_font = font.hb_font
    for gid in shaped.glyphs:
        assert embedded.widths[gid] == pytest.approx(hb_font.get_glyph_h_advance(gid) * 1000 / font.upem, abs=5e-4)
    assert any(a != embedded.widths[g] for g, a in zip(shaped.glyphs, shaped.advances, strict=True)), "kerning"
    # the TJ line (adjustments from widths) lands every glyph where HarfBuzz put it, as the per-glyph Tm page does
    own_pdf(font, shaped, tmp_path / "tm.pdf")
    assert ImageChops.difference(pixels(tmp_path / "w.pdf"), pixels(tmp_path / "tm.pdf")).getbbox() is None


def test_cjk_widths_are_exact_in_three_decimals_at_256_units_per_em() -> None:
    droid = EmbeddedFont(FONTS / "DroidSansFallback.ttf")
    hb_font = font_for("cjk", "regular").hb_font
    gid = hb_font.get_nominal_glyph(ord("王"))
    assert droid.widths[gid] == round(hb_font.get_glyph_h_advance(gid) * 1000 / 256, 3)


@pytest.mark.parametrize("script", ["accented", "devanagari", "arabic", "cjk"])
def test_the_subset_keeps_glyph_ids_used_outlines_and_composite_components(script: str) -> None:
    family, weight, text, _ = SCRIPTS[script]
    font = font_for(family, weight)
    shaped = Shaped(font, text)
    embedded = EmbeddedFont(font.path)
    original = _original(font.path.name)
    subset = TTFont(io.BytesIO(embedded.subset(shaped.glyphs)), lazy=True)
    kept = set(embedded.kept_glyphs(shaped.glyphs))
    glyf = original["glyf"]
    order = original.getGlyphOrder()
    components = {
        order.index(name)
        for gid in shaped.glyphs
        if glyf[order[gid]].isComposite()
        for name in glyf[order[gid]].getComponentNames(glyf)
    }
    assert components <= kept
    if script in ("accented", "devanagari"):
        assert components - set(shaped.glyphs), "the text has composite glyphs whose components are not drawn alone"
    assert subset["maxp"].numGlyphs == max(kept) + 1  # ids above the highest kept one are cut off, none renumbered
    for gid in kept:
        assert outline(subset, gid) == outline(original, gid), gid
        assert subset["hmtx"][subset.getGlyphOrder()[gid]] == original["hmtx"][order[gid]], gid
    unused = sorted(set(range(max(kept) + 1)) - kept)
    for gid in unused[:: max(1, len(unused) // 500)]:  # a sample: the CJK font has 50,000
        assert subset["glyf"][subset.getGlyphOrder()[gid]].numberOfContours == 0, gid
        advance, side_bearing = subset["hmtx"][subset.getGlyphOrder()[gid]]
        shared = gid >= subset["hhea"].numberOfHMetrics - 1  # past the long metrics all share the last advance
        assert side_bearing == 0 and advance == (original["hmtx"][order[gid]][0] if shared else 0), gid
    assert set(subset.keys()) - {"GlyphOrder"} <= set(KEPT_TABLES)


def test_the_sfnt_checksums_and_directory_are_right() -> None:
    data = EmbeddedFont(FONTS / "NotoSans-Bold.ttf").subset(Shaped(font_for("sans", "bold"), "Quartz Émile").glyphs)
    count, search, selector, shift = struct.unpack_from(">4H", data, 4)
    assert (search, selector, shift) == (128, 3, count * 16 - 128) and count == 9
    tags = []
    total = 0
    for i in range(count):
        tag, checksum, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        tags.append(tag)
        assert offset % 4 == 0
        table = bytearray(data[offset : offset + length + (-length % 4)])
        if tag == b"head":
            table[8:12] = b"\0\0\0\0"
        assert sum(struct.unpack(f">{len(table) // 4}I", table)) & 0xFFFFFFFF == checksum, tag
        total += checksum
    assert tags == sorted(tags)
    header = data[: 12 + 16 * count]
    total += sum(struct.unpack(f">{len(header) // 4}I", header))
    head_at = _directory(data)[b"head"][1]
    assert struct.unpack_from(">I", data, head_at + 8)[0] == (0xB1B0AFBA - total) & 0xFFFFFFFF


@settings(max_examples=int(os.environ.get("BF_FONT_EXAMPLES", "15")), deadline=None)  # more: BF_FONT_EXAMPLES=500
@given(st.sets(st.integers(1, 3316), max_size=40), st.sets(st.integers(1, 3316), min_size=1, max_size=20))
def test_random_glyph_sets_subset_to_fonts_that_keep_them(first: set[int], more: set[int]) -> None:
    embedded = embedded_font(FONTS / "NotoSans-Regular.ttf")
    original = _original("NotoSans-Regular.ttf")
    small, large = embedded.subset(first), embedded.subset(first | more)
    assert len(small) <= len(large)
    glyf = lambda data: TTFont(io.BytesIO(data), lazy=True).reader.tables[b"glyf"].length  # noqa: E731
    if set(embedded.kept_glyphs(more)) - set(embedded.kept_glyphs(first)) - _empty_glyphs():
        assert glyf(small) < glyf(large)
    font = TTFont(io.BytesIO(large), lazy=True)
    for gid in sorted(first | more)[:10]:
        assert outline(font, gid) == outline(original, gid)


_cache: dict[str, object] = {}


def _original(name: str) -> TTFont:
    if name not in _cache:
        _cache[name] = TTFont(FONTS / name, lazy=True)
    return _cache[name]  # type: ignore[return-value]


def _empty_glyphs() -> set[int]:
    original = _original("NotoSans-Regular.ttf")
    if "empty" not in _cache:
        glyf = original["glyf"]
        _cache["empty"] = {i for i, name in enumerate(original.getGlyphOrder()) if glyf[name].numberOfContours == 0}
    return _cache["empty"]  # type: ignore[return-value]


BUNDLED = sorted(FONTS.glob("*.ttf"))


def test_every_bundled_font_is_truetype_glyf_and_embeds(tmp_path: Path) -> None:
    """One page per bundled font (the last dozen characters of its cmap: its own script), one qpdf and pdffonts; the
    outlines are compared through HarfBuzz (an independent reader, and fast: fontTools would take seconds here)."""
    lines = []
    for path in BUNDLED:
        face = hb.Face(hb.Blob.from_file_path(str(path)))
        assert "glyf" in face.table_tags and not {"CFF ", "CFF2"} & set(face.table_tags), path.name
        drawn = [chr(cp) for cp in sorted(face.unicodes) if unicodedata.category(chr(cp))[0] in "LNSP"]
        font = FontFile(path=path, name=path.stem)
        lines.append((font, Shaped(font, "".join(drawn[-12:]))))
    pdf = tmp_path / "all.pdf"
    embedded = own_pages(lines, pdf)
    check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, check.stdout + check.stderr
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [row.split() for row in listing.splitlines()[2:]]
    assert len(rows) == len(BUNDLED)
    reader = PdfReader(pdf)
    for page, row, font, (file, shaped) in zip(reader.pages, rows, embedded, lines, strict=True):
        family = file.hb_font.face.get_name(hb.OTNameIdPredefined.TYPOGRAPHIC_FAMILY)
        assert font.family == (family or file.hb_font.face.get_name(hb.OTNameIdPredefined.FONT_FAMILY)), file.path
        assert font.postscript_name == file.hb_font.face.get_name(hb.OTNameIdPredefined.POSTSCRIPT_NAME)
        assert re.fullmatch(r"[A-Z]{6}\+" + re.escape(font.postscript_name), row[0]) and row[4:7] == ["yes"] * 3, row
        descriptor = _page_descriptor(page)
        assert descriptor["/FontFamily"] == font.family
        stream = descriptor["/FontFile2"].get_object()
        data = stream.get_data()
        assert stream["/Length1"] == len(data)
        subset = hb.Font(hb.Face(hb.Blob(data)))
        for gid in shaped.glyphs:
            assert hb_outline(subset, gid) == hb_outline(file.hb_font, gid), (file.path.name, gid)


def hb_outline(font: hb.Font, gid: int) -> list:
    pen = RecordingPen()
    font.draw_glyph_with_pen(gid, pen)
    return pen.value


def _page_descriptor(page):
    font = page["/Resources"]["/Font"]["/F0"]
    return font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()


def _descriptor(pdf: Path):
    return _page_descriptor(PdfReader(pdf).pages[0])


def test_the_descriptor_says_family_weight_and_metrics(tmp_path: Path) -> None:
    font = font_for("sans", "bold")
    own_pdf(font, Shaped(font, "Ada"), tmp_path / "a.pdf")
    descriptor = _descriptor(tmp_path / "a.pdf")
    assert descriptor["/FontFamily"] == "Noto Sans"
    assert re.fullmatch(r"/[A-Z]{6}\+NotoSans-Bold", str(descriptor["/FontName"]))
    assert descriptor["/FontWeight"] == 700 and descriptor["/Flags"] == 4 and descriptor["/ItalicAngle"] == 0
    assert descriptor["/Ascent"] > descriptor["/CapHeight"] > 600 and descriptor["/Descent"] < 0
    assert list(descriptor["/FontBBox"])[2] > 1000 and descriptor["/StemV"] > 100


def test_a_synthetic_bold_face_is_named_bold_like_the_cairo_path(tmp_path: Path) -> None:
    font = font_for("cjk", "bold")
    assert font.synthetic_bold
    own_pdf(font, Shaped(font, "王小明"), tmp_path / "b.pdf")
    assert re.fullmatch(r"[A-Z]{6}\+DroidSansFallback-Bold", pdffonts_row(tmp_path / "b.pdf")[0])
    assert _descriptor(tmp_path / "b.pdf")["/FontWeight"] == 700


def test_the_subset_tag_follows_the_glyph_set() -> None:
    assert subset_tag([0, 5, 9]) == subset_tag([9, 5, 0])
    assert re.fullmatch(r"[A-Z]{6}", subset_tag([0, 5, 9]))
    assert len({subset_tag([0, n]) for n in range(1, 200)}) > 195


def test_to_unicode_leaves_out_glyphs_of_no_text_and_writes_surrogates_and_ligatures() -> None:
    used = {3: "A", 7: "", 9: "ffi", 11: "😀"} | {100 + i: chr(0x4E00 + i) for i in range(150)}
    cmap = to_unicode_cmap(used).decode("ascii")
    assert "<0003> <0041>" in cmap and "<0009> <006600660069>" in cmap and "<000B> <D83DDE00>" in cmap
    assert "<0007>" not in cmap
    assert [int(n) for n in re.findall(r"(\d+) beginbfchar", cmap)] == [100, 53]


def test_writing_twice_gives_the_same_bytes_and_the_parse_is_shared() -> None:
    font = font_for("sans", "regular")
    shaped = Shaped(font, "Ada Lovelace")
    embedded = embedded_font(font.path)
    assert embedded is embedded_font(font.path)
    outputs = []
    for _ in range(2):
        out = io.BytesIO()
        objects = PdfObjects(out)
        embedded.write(objects, objects.reserve(), shaped.used)
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1]


def _font_bytes(path: Path, change) -> bytes:
    data = bytearray(path.read_bytes())
    change(data)
    return bytes(data)


def _directory(data: bytes) -> dict[bytes, tuple[int, int, int]]:
    count = struct.unpack_from(">H", data, 4)[0]
    return {
        struct.unpack_from(">4s", data, 12 + 16 * i)[0]: (12 + 16 * i, *struct.unpack_from(">II", data, 20 + 16 * i))
        for i in range(count)
    }


def _rename(tag: bytes, to: bytes):
    def change(data: bytearray) -> None:
        entry = _directory(bytes(data))[tag][0]
        data[entry : entry + 4] = to

    return change


def _truncate_loca(data: bytearray) -> None:
    entry, _, length = _directory(bytes(data))[b"loca"]
    data[entry + 12 : entry + 16] = struct.pack(">I", length // 2)


def _backwards_loca(data: bytearray) -> None:
    _, offset, _ = _directory(bytes(data))[b"loca"]  # the Hebrew font's loca is short: offset / 2 per glyph
    data[offset + 4 : offset + 6] = b"\0\0"  # glyph 1 now ends at 0, before it starts


def _otto(data: bytearray) -> None:
    data[0:4] = b"OTTO"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_rename(b"glyf", b"CFF "), "CFF"),
        (_rename(b"glyf", b"zzzz"), "no glyf table"),
        (_otto, "CFF"),
        (_truncate_loca, "loca table shorter"),
        (_backwards_loca, "glyph 1 ends before it starts"),
        (lambda data: data.__setitem__(slice(0, None), data[:300]), "past the end|malformed"),
    ],
)
def test_a_font_that_cannot_be_embedded_is_a_clear_value_error(change, message: str, tmp_path: Path) -> None:
    broken = tmp_path / "Broken.ttf"
    broken.write_bytes(_font_bytes(FONTS / "NotoSansHebrew-Regular.ttf", change))
    font = EmbeddedFont(broken)  # making one reads nothing
    with pytest.raises(FontFileError, match=f"Broken.ttf: .*({message})"):
        font.write(PdfObjects(io.BytesIO()), 1, {1: "a"})


def test_a_glyph_id_outside_the_font_is_a_value_error_and_writes_nothing() -> None:
    assert issubclass(FontFileError, ValueError)  # what the page writer catches to fall back to cairo
    out = io.BytesIO()
    objects = PdfObjects(out)
    n = objects.reserve()
    written = out.getvalue()
    with pytest.raises(FontFileError, match=r"NotoSansHebrew-Regular\.ttf: glyph id 5000 is not in the font"):
        EmbeddedFont(FONTS / "NotoSansHebrew-Regular.ttf").write(objects, n, {3: "a", 5000: "b"})
    assert out.getvalue() == written and len(objects.offsets) == n + 1  # the caller can still put its fallback in n


def test_outlines_over_128_kb_switch_loca_to_long_offsets() -> None:
    droid = FONTS / "DroidSansFallback.ttf"
    embedded = embedded_font(droid)
    glyphs = range(1000, 40000, 13)
    subset = embedded.subset(glyphs)
    loca_format = struct.unpack_from(">h", subset, _directory(subset)[b"head"][1] + 50)[0]
    assert loca_format == 1 and _directory(subset)[b"glyf"][2] > 0x20000
    theirs, ours = font_for("cjk", "regular").hb_font, hb.Font(hb.Face(hb.Blob(subset)))
    for gid in glyphs[::50]:
        assert hb_outline(ours, gid) == hb_outline(theirs, gid), gid
    small = embedded.subset(range(1000, 1100))
    assert struct.unpack_from(">h", small, _directory(small)[b"head"][1] + 50)[0] == 0


def test_names_outside_pdf_name_characters_are_cleaned_and_a_non_ascii_family_is_utf16(tmp_path: Path) -> None:
    font = TTFont(FONTS / "NotoSansHebrew-Regular.ttf")
    font["name"].removeNames(nameID=16)
    font["name"].setName("Nöto (Test) \\ Sans", 1, 3, 1, 0x409)
    font["name"].setName("Nöto Test/Sans#1", 6, 3, 1, 0x409)
    font["name"].removeNames(nameID=6, platformID=1)
    path = tmp_path / "Renamed.ttf"
    font.save(path)
    file = FontFile(path=path, name="Renamed")
    embedded = own_pdf(file, Shaped(file, "דוד"), tmp_path / "n.pdf")
    assert embedded.family == "Nöto (Test) \\ Sans" and embedded.postscript_name == "NtoTestSans1"
    assert _descriptor(tmp_path / "n.pdf")["/FontFamily"] == "Nöto (Test) \\ Sans"
    assert subprocess.run(["qpdf", "--check", str(tmp_path / "n.pdf")], capture_output=True).returncode == 0


def test_an_empty_glyph_set_still_writes_a_valid_font(tmp_path: Path) -> None:
    file = font_for("sans", "regular")
    embedded = own_pdf(file, Shaped(file, ""), tmp_path / "e.pdf")
    assert subprocess.run(["qpdf", "--check", str(tmp_path / "e.pdf")], capture_output=True).returncode == 0
    subset = TTFont(io.BytesIO(embedded.subset([])))
    assert subset["maxp"].numGlyphs == 1 and outline(subset, 0) == outline(_original("NotoSans-Regular.ttf"), 0)
