"""A PDF a print shop accepts, checked with the print shop's own tools (no mocks): qpdf --check on every mode,
pdfinfo -box for nested boxes, pdffonts for named fonts, pdftoppm pixels for bleed and trim, pikepdf for PDF/X parts.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from badge_renderer.layout.units import MM
from badge_renderer.model import Attendee
from badge_renderer.render import RenderOptions, render_pdf
from badge_renderer.render_support import plan_for

PEOPLE = [
    Attendee(row=2, first_name="Ada", last_name="Lovelace", organization="Engines Ltd", ticket_id="T1"),
    Attendee(row=3, first_name="太郎", last_name="山田", organization="東京大学", ticket_id="T2"),
    Attendee(row=4, first_name="Zoë", last_name="Øster", organization="Łódź", ticket_id="T3"),
]
MODES = {
    "single": {},
    "duplex": {"design": "pass", "sides": "duplex"},
    "foldover": {"sides": "foldover"},
    "one_per_page": {"one_per_page": True, "crop_marks": True},
    "bleed": {"bleed_mm": 3, "crop_marks": True},
    "bleed_foldover": {"bleed_mm": 3, "sides": "foldover", "crop_marks": True},
    "pdfx": {"bleed_mm": 3, "pdfx": True, "design": "pass", "sides": "duplex"},
}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: run `bash scripts/system_deps.sh test`")
    return path


def _render(tmp_path: Path, name: str, **changes: object) -> tuple[Path, RenderOptions]:
    options = RenderOptions(event_name="PrintConf", qr_field="ticket_id", **changes)  # type: ignore[arg-type]
    out = tmp_path / f"{name}.pdf"
    render_pdf(PEOPLE, options, out)
    return out, options


def _boxes(pdf: Path) -> list[dict[str, tuple[float, ...]]]:
    """Per page, pdfinfo -box's MediaBox/BleedBox/TrimBox/ArtBox as (x0, y0, x1, y1)."""
    text = subprocess.run(
        [_tool("pdfinfo"), "-box", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    pages: dict[str, dict[str, tuple[float, ...]]] = {}
    for page, kind, values in re.findall(r"Page\s+(\d+)\s+(\w+Box):\s+([\d.\s]+)\n", text):
        pages.setdefault(page, {})[kind] = tuple(float(v) for v in values.split())
    return [pages[p] for p in sorted(pages, key=int)]


def _inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    eps = 0.011  # pdfinfo prints two decimals
    return (
        inner[0] >= outer[0] - eps
        and inner[1] >= outer[1] - eps
        and inner[2] <= outer[2] + eps
        and (inner[3] <= outer[3] + eps)
    )


@pytest.mark.parametrize("mode", sorted(MODES))
def test_qpdf_check_passes_and_boxes_nest_in_every_mode(mode: str, tmp_path: Path) -> None:
    pdf, _ = _render(tmp_path, mode, **MODES[mode])
    check = subprocess.run([_tool("qpdf"), "--check", str(pdf)], capture_output=True, text=True)
    assert check.returncode == 0 and "WARNING" not in check.stdout + check.stderr, check.stdout + check.stderr
    # Every page kept its resources: poppler draws the text without a single complaint.
    text = subprocess.run([_tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True)
    assert "Ada" in text.stdout and "Syntax Error" not in text.stderr, text.stderr
    pages = _boxes(pdf)
    assert pages
    for boxes in pages:
        assert _inside(boxes["BleedBox"], boxes["MediaBox"]) and _inside(boxes["TrimBox"], boxes["BleedBox"])
        if not MODES[mode].get("pdfx"):  # PDF/X has no ArtBox (pdfinfo then shows the CropBox)
            assert _inside(boxes["ArtBox"], boxes["BleedBox"])


def test_a_bleed_box_is_the_trim_plus_the_bleed_and_one_per_page_pages_grow(tmp_path: Path) -> None:
    pdf, _ = _render(tmp_path, "opp", one_per_page=True, bleed_mm=3)
    boxes = _boxes(pdf)[0]
    trim, bleed, media = boxes["TrimBox"], boxes["BleedBox"], boxes["MediaBox"]
    assert trim[2] - trim[0] == pytest.approx(4 * 72, abs=0.02)  # classic is 4 x 3 in: the trim is the badge
    assert bleed[0] == pytest.approx(trim[0] - 3 * MM, abs=0.02) and bleed[3] == pytest.approx(
        trim[3] + 3 * MM, abs=0.02
    )
    assert media == pytest.approx(bleed, abs=0.02)  # no crop marks: the page is the bleed box


def test_document_has_a_title_and_every_font_a_real_name(tmp_path: Path) -> None:
    pdf, _ = _render(tmp_path, "fonts")
    with pikepdf.open(pdf) as doc:
        assert str(doc.docinfo["/Title"]) == "PrintConf badges"
        descriptors = [
            o for o in doc.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/FontDescriptor"
        ]
        assert descriptors
        for descriptor in descriptors:
            assert "CairoFont" not in str(descriptor.FontName)  # the synthetic bold CJK face, named after its face
            assert str(descriptor.get("/FontFamily", "")), descriptor.FontName
    listing = subprocess.run([_tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CairoFont" not in listing and "DroidSansFallback-Bold" in listing


def _pixels(pdf: Path, tmp_path: Path, dpi: int = 288) -> object:
    from PIL import Image

    subprocess.run(
        [_tool("pdftoppm"), "-r", str(dpi), "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "p")], check=True
    )
    return Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")


def test_artwork_stops_exactly_at_the_trim_not_at_the_next_whole_point(tmp_path: Path) -> None:
    """A 90 x 54 mm badge is 255.12 pt wide; cairo rounds its recording up to 256 pt. Nothing may paint there."""
    pdf, options = _render(tmp_path, "trim", design="minimal", background_color="#000000")
    slot = max(plan_for(options).fronts, key=lambda s: s.right)
    image = _pixels(pdf, tmp_path)
    scale = 288 / 72
    inside = image.getpixel((int((slot.right - 0.5) * scale), int((slot.y + 40) * scale)))
    outside = image.getpixel((int((slot.right + 0.45) * scale) + 1, int((slot.y + 40) * scale)))
    assert max(inside) < 40 and min(outside) > 230, (inside, outside)
    with pikepdf.open(pdf) as doc:  # and the artwork's form says so: its box is the badge, not 256 x 154 pt
        forms = [o for o in doc.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Form"]
        assert forms and all(float(f.BBox[2]) <= slot.width + 1e-3 for f in forms)
        assert any(abs(float(f.BBox[2]) - slot.width) < 1e-3 for f in forms)


def test_bleed_carries_the_edge_artwork_past_the_trim_and_no_further(tmp_path: Path) -> None:
    pdf, options = _render(tmp_path, "bleed", bleed_mm=3)
    slot = plan_for(options).fronts[0]
    image = _pixels(pdf, tmp_path)
    scale = 288 / 72
    band_y = int((slot.y + 10) * scale)  # classic's top band (accent blue) touches the left edge
    in_bleed = image.getpixel((int((slot.x - 2 * MM) * scale), band_y))
    past_bleed = image.getpixel((int((slot.x - 3.6 * MM) * scale), band_y))
    assert in_bleed[2] > 180 and in_bleed[0] < 100, in_bleed  # blue
    assert min(past_bleed) > 230, past_bleed  # paper


def test_pdfx_file_has_an_output_intent_xmp_version_and_trapped(tmp_path: Path) -> None:
    pdf, _ = _render(tmp_path, "x", pdfx=True, bleed_mm=3)
    with pikepdf.open(pdf) as doc:
        assert doc.pdf_version >= "1.6"
        (intent,) = doc.Root.OutputIntents
        assert intent.S == "/GTS_PDFX" and str(intent.OutputConditionIdentifier) == "sRGB IEC61966-2.1"
        profile = intent.DestOutputProfile
        assert int(profile.N) == 3 and profile.read_bytes()[36:40] == b"acsp"  # an ICC profile
        assert doc.docinfo["/Trapped"] == "/False" and str(doc.docinfo["/GTS_PDFXVersion"]) == "PDF/X-4"
        meta = doc.open_metadata()
        assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4" and meta["pdf:Trapped"] == "False"
        assert meta["dc:title"] == "PrintConf badges"
        for page in doc.pages:
            assert "/TrimBox" in page.obj and "/BleedBox" in page.obj
            assert "/ArtBox" not in page.obj  # PDF/X: TrimBox or ArtBox, never both
