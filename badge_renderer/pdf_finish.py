"""The print-shop finish of a rendered PDF, in one pikepdf pass after cairo: page boxes, title, clean dictionaries,
named fonts and, on request, the PDF/X-4 parts.

Why a post-step: cairo 1.16 sets no TrimBox/BleedBox, repeats a key in a page's /XObject dictionary for every use
of the same form (qpdf --check warns "dictionary has duplicated key"), names the fonts it converts to CFF for
synthetic bold "CairoFont-N-M", and knows nothing of output intents. Rewriting the file with qpdf (through
pikepdf) fixes the dictionaries for free; the rest is a few keys per page. Everything it does is per page or per
object, so a parallel job finishes each part in its worker and the merge only concatenates finished parts (a pass
over the merged file held every page of the job in the parent: +67 MB at 50,000 badges).

PDF/X note: PDF/X forbids a page having both TrimBox and ArtBox, so with `pdfx` the ArtBox is left out; every other
file gets all three (ArtBox = TrimBox: the finished badges are the meaningful content).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PDFX_VERSION = "PDF/X-4"
SRGB_CONDITION = "sRGB IEC61966-2.1"
_CAIRO_FALLBACK_FONT = re.compile(r"^(?P<tag>[A-Z]{6}\+)?CairoFont-\d+-\d+$")

Box = tuple[float, float, float, float]  # PDF user space: x0, y0 (bottom left), x1, y1


@dataclass(frozen=True)
class PageBoxes:
    """The finished size of a page's badges (trim) and how far their artwork reaches (bleed), in PDF space."""

    trim: Box
    bleed: Box


def boxes_for(layout: Any) -> tuple[PageBoxes, PageBoxes | None]:
    """Boxes of a front page, and of a duplex back page (None when there are none), from the sheet plan.

    A sheet's trim is the bounding box of its pieces (for one-per-page the badge itself); the bleed box adds the
    bleed on every side, never past the paper.
    """
    page = layout.page
    fronts = list(layout.fronts) + ([] if layout.backs_on_next_page else list(layout.backs))
    front = _boxes(fronts, layout.bleed, page.width, page.height)
    back = _boxes(layout.backs, layout.bleed, page.width, page.height) if layout.backs_on_next_page else None
    return front, back


def _boxes(slots: Sequence[Any], bleed: float, width: float, height: float) -> PageBoxes:
    left = min(s.x for s in slots)
    right = max(s.x + s.width for s in slots)
    top = min(s.y for s in slots)
    bottom = max(s.y + s.height for s in slots)
    trim = (_clamp(left, width), _clamp(height - bottom, height), _clamp(right, width), _clamp(height - top, height))
    bleed_box = (
        _clamp(trim[0] - bleed, width),
        _clamp(trim[1] - bleed, height),
        _clamp(trim[2] + bleed, width),
        _clamp(trim[3] + bleed, height),
    )
    return PageBoxes(trim=_rounded(trim, inward=True), bleed=_rounded(bleed_box, inward=False))


def _clamp(value: float, limit: float) -> float:
    return min(max(value, 0.0), limit)


def _rounded(box: Box, *, inward: bool) -> Box:
    """Four decimals (what PDF readers keep), rounded so a trim never grows and a bleed never shrinks."""
    import math

    down, up = (math.ceil, math.floor) if inward else (math.floor, math.ceil)
    return (down(box[0] * 1e4) / 1e4, down(box[1] * 1e4) / 1e4, up(box[2] * 1e4) / 1e4, up(box[3] * 1e4) / 1e4)


def finish_for_options(path: Path, options: Any) -> None:
    """finish_pdf with the sheet plan, title ("<event> badges") and PDF/X choice of a job's RenderOptions."""
    from badge_renderer.render_support import plan_for

    event = " ".join(options.event_name.split())
    finish_pdf(path, plan_for(options), title=f"{event} badges" if event else "Badges", pdfx=options.pdfx)


def finish_pdf(path: Path, layout: Any, *, title: str, pdfx: bool = False) -> None:
    """Rewrite `path` in place: boxes on every page, /Title, named fallback fonts, PDF/X-4 parts when `pdfx`."""
    import pikepdf

    front, back = boxes_for(layout)
    tmp = path.with_suffix(path.suffix + ".finish")
    drop_duplicate_xobject_keys(path)
    # The same few box arrays on every page, made once (three new arrays per page were ~a third of finishing).
    arrays = {id(b): (pikepdf.Array(list(b.trim)), pikepdf.Array(list(b.bleed))) for b in (front, back) if b}
    with pikepdf.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            boxes = back if back is not None and index % 2 == 1 else front
            trim, bleed = arrays[id(boxes)]
            page.trimbox = trim
            page.bleedbox = bleed
            if pdfx:
                if "/ArtBox" in page.obj:
                    del page.obj["/ArtBox"]
            else:
                page.artbox = trim
        fonts, forms = _fonts_and_forms(pdf)  # one pass over every object (it was two: ~8 % of a job)
        _name_fallback_fonts(fonts)
        _exact_artwork_boxes(forms, layout)
        now = datetime.now(UTC)
        pdf.docinfo["/Title"] = title
        pdf.docinfo["/Creator"] = "BadgeForge"
        if pdfx:
            _make_pdfx(pdf, title, now)
        pdf.save(tmp, min_version="1.6" if pdfx else "", fix_metadata_version=False)
    os.replace(tmp, path)


_XOBJECT_DICT = re.compile(rb"/XObject\s*<<((?:\s*/[A-Za-z0-9_.-]+\s+\d+\s+\d+\s+R)+)\s*>>")
_ENTRY = re.compile(rb"/([A-Za-z0-9_.-]+)\s+\d+\s+\d+\s+R")


def drop_duplicate_xobject_keys(path: Path) -> int:
    """Blank out repeated keys in cairo's page /XObject dictionaries, in place and without moving a byte.

    cairo 1.16 writes "/x6 6 0 R" once per use of a form on the page; qpdf --check warns about every repeat, and
    qpdf 12 (pikepdf) reads a dictionary with too many of them as empty, which would lose the page's resources.
    The repeats are identical, so keeping the first is exact; spaces keep every xref offset valid.
    Returns how many repeats were removed.
    """
    import mmap

    removed = 0
    with open(path, "r+b") as fh, mmap.mmap(fh.fileno(), 0) as data:
        for match in _XOBJECT_DICT.finditer(data):
            seen: set[bytes] = set()
            start = match.start(1)
            for entry in _ENTRY.finditer(match.group(1)):
                if entry.group(1) in seen:
                    data[start + entry.start() : start + entry.end()] = b" " * (entry.end() - entry.start())
                    removed += 1
                seen.add(entry.group(1))
        data.flush()
    return removed


def _fonts_and_forms(pdf: Any) -> tuple[list[Any], list[Any]]:
    """The Type0 fonts and the Form XObjects without a /Matrix (cairo's recorded artwork), in one pass."""
    import pikepdf

    fonts, forms = [], []
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            if obj.get("/Subtype") == "/Form" and "/Matrix" not in obj:
                forms.append(obj)
        elif isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and obj.get("/Subtype") == "/Type0":
            fonts.append(obj)
    return fonts, forms


def _name_fallback_fonts(fonts: list[Any]) -> None:
    """Give fonts cairo wrote as "CairoFont-N-M" (synthetic bold, converted to CFF) the name of the face they came
    from, so print shops' preflight and `pdffonts` show a real family. The face is the synthetic-bold bundled font
    whose character map covers the font's ToUnicode entries."""
    import pikepdf

    for font in fonts:
        match = _CAIRO_FALLBACK_FONT.match(str(font.get("/BaseFont", ""))[1:])
        if not match:
            continue
        face = synthetic_bold_face(_to_unicode(font))
        if face is None:
            continue
        postscript, family = face
        new_name = pikepdf.Name(f"/{match.group('tag') or ''}{postscript}")
        font.BaseFont = new_name
        for descendant in font.get("/DescendantFonts", []):
            descendant.BaseFont = new_name
            descriptor = descendant.get("/FontDescriptor")
            if descriptor is not None:
                descriptor.FontName = new_name
                descriptor.FontFamily = pikepdf.String(family)


def _exact_artwork_boxes(forms: list[Any], layout: Any) -> None:
    """cairo writes a badge's recorded artwork as a form whose /BBox is rounded out to whole points (a 90 mm badge
    becomes 256 pt wide, past its trim). The drawing inside is clipped exactly; give the box the same exact size."""
    import math

    import pikepdf

    w, h, b = layout.badge.width, layout.badge.height, layout.bleed
    exact = [(0.0, 0.0, w, h), (-b, -b, w + b, h + b)]
    rounded = {
        (math.floor(x0), math.floor(y0), math.ceil(x1), math.ceil(y1)): (x0, y0, x1, y1) for x0, y0, x1, y1 in exact
    }
    for obj in forms:
        try:
            key = tuple(int(v) for v in obj.BBox)
        except (TypeError, ValueError):
            continue
        box = rounded.get(key)  # type: ignore[arg-type]
        if box is not None:
            obj.BBox = pikepdf.Array([round(v, 4) for v in box])


_HEX = re.compile(r"<([0-9A-Fa-f]+)>")


def _to_unicode(font: Any) -> set[int]:
    """Code points a font's ToUnicode CMap maps to (bfchar targets and bfrange spans)."""
    stream = font.get("/ToUnicode")
    if stream is None:
        return set()
    return cmap_points(stream.read_bytes().decode("latin-1"))


def cmap_points(text: str) -> set[int]:
    """Code points a ToUnicode CMap's text maps to (shared with pdf_stream, which reads it without pikepdf)."""
    points: set[int] = set()
    for section in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        values = _HEX.findall(section)
        for target in values[1::2]:
            points.update(_utf16(target))
    for section in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        values = _HEX.findall(section)
        for low, high, start in zip(values[0::3], values[1::3], values[2::3], strict=False):
            first = _utf16(start)
            if first:
                points.update(range(first[0], first[0] + int(high, 16) - int(low, 16) + 1))
    return points


def _utf16(hex_text: str) -> list[int]:
    try:
        return [ord(c) for c in bytes.fromhex(hex_text).decode("utf-16-be")]
    except ValueError:
        return []


def synthetic_bold_face(points: set[int]) -> tuple[str, str] | None:
    """(PostScript name + "-Bold", family) of the one synthetic-bold bundled font covering `points`."""
    from badge_renderer.render_support import text_module

    library = text_module().FontLibrary.default()
    candidates = {
        font.path: font for key in library.families for font in library.chain(key, "bold") if font.synthetic_bold
    }
    covering = [f for f in candidates.values() if points and points <= set(f.cmap) | {0x20}]
    if len(covering) != 1 and len(candidates) == 1:
        covering = list(candidates.values())
    if len(covering) != 1:
        return None
    return _face_names(covering[0].path)


def _face_names(path: Path) -> tuple[str, str]:
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        names = font["name"]
        postscript = str(names.getDebugName(6) or path.stem).replace(" ", "")
        family = str(names.getDebugName(16) or names.getDebugName(1) or path.stem)
    return f"{postscript}-Bold", family


def _make_pdfx(pdf: Any, title: str, now: datetime) -> None:
    """OutputIntent with an embedded sRGB profile, /Trapped, GTS_PDFXVersion in Info and XMP, XMP ids and dates."""
    import uuid

    import pikepdf

    profile = pikepdf.Stream(pdf, srgb_icc_profile())
    profile.N = 3
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=pikepdf.String(SRGB_CONDITION),
        OutputCondition=pikepdf.String(SRGB_CONDITION),
        RegistryName=pikepdf.String("http://www.color.org"),
        Info=pikepdf.String(SRGB_CONDITION),
        DestOutputProfile=profile,
    )
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent)])
    stamp = pikepdf.String("D:" + now.strftime("%Y%m%d%H%M%S") + "Z")
    pdf.docinfo["/GTS_PDFXVersion"] = pikepdf.String(PDFX_VERSION)
    pdf.docinfo["/Trapped"] = pikepdf.Name("/False")
    pdf.docinfo["/CreationDate"] = stamp
    pdf.docinfo["/ModDate"] = stamp
    pdf.docinfo["/Producer"] = pikepdf.String("BadgeForge (cairo, qpdf)")
    iso = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:title"] = title
        meta["dc:format"] = "application/pdf"
        meta["pdfxid:GTS_PDFXVersion"] = PDFX_VERSION
        meta["pdf:Trapped"] = "False"
        meta["pdf:Producer"] = "BadgeForge (cairo, qpdf)"
        meta["xmp:CreatorTool"] = "BadgeForge"
        meta["xmp:CreateDate"] = iso
        meta["xmp:ModifyDate"] = iso
        meta["xmp:MetadataDate"] = iso
        meta["xmpMM:DocumentID"] = f"uuid:{uuid.uuid4()}"
        meta["xmpMM:InstanceID"] = f"uuid:{uuid.uuid4()}"
        meta["xmpMM:VersionID"] = "1"
        meta["xmpMM:RenditionClass"] = "default"


def srgb_icc_profile() -> bytes:
    """littleCMS's built-in sRGB profile (through Pillow): no file to ship, no download."""
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
