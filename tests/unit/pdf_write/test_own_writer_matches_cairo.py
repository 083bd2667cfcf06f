"""BadgeForge's own PDF writer prints what cairo prints: the same pages, text and pixels, for every bundled design and
the options that change how a page is built (sides, bleed, crop marks, rotation, paper, codes, scripts).

Real tools throughout: poppler renders and extracts both files, qpdf checks the own writer's, zbarimg reads codes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from badge_renderer.model import Attendee
from badge_renderer.options import RenderOptions
from badge_renderer.pdf_write.job import WRITER_ENV
from badge_renderer.render import render_pdf

PEOPLE = [
    Attendee(
        row=2,
        first_name="Ada",
        last_name="Lovelace",
        organization="Analytical Engines",
        role="Speaker",
        email="ada@example.org",
        ticket_id="T-0001",
        ticket_type="Speaker",
        pronouns="she/her",
    ),
    Attendee(
        row=3,
        first_name="Grace",
        last_name="Hopper",
        organization="US Navy",
        email="grace@example.org",
        ticket_id="T-0002",
    ),
    Attendee(
        row=4,
        full_name="Wolfeschlegelsteinhausenbergerdorff-Bartholomew Jr.",
        organization="A very long organisation name that has to wrap onto a second line",
        ticket_id="T-0003",
        ticket_type="VIP",
    ),
    Attendee(row=5, first_name="Zoë", last_name="Ðurić-Æsir", role="Organizer", ticket_id="T-0004"),
    Attendee(row=6, full_name="محمد الأحمد", organization="جامعة القاهرة", ticket_id="T-0005"),
    Attendee(row=7, full_name="王小明", organization="北京大学", ticket_id="T-0006"),
    Attendee(row=8, full_name="देवनागरी नाम", organization="Ελληνικά Ωμέγα", ticket_id="T-0007"),
    Attendee(row=9, full_name="Ѳеодоръ Достоевскій", organization="שלום עולם", ticket_id="T-0008"),
    Attendee(row=10, first_name="Émile", last_name="Zola 🎉", organization="Office", ticket_id="T-0009"),
]

CASES = {
    "classic": {},
    "modern": {"design": "modern", "event_name": "PyCon 2026"},
    "minimal-vcard": {"design": "minimal", "qr_kind": "vcard"},
    "pass-duplex": {"design": "pass", "sides": "duplex", "qr_field": "ticket_id"},
    "conference-bleed-marks": {"design": "conference", "bleed_mm": 3, "crop_marks": True, "event_name": "Conf"},
    "classic-foldover": {"sides": "foldover", "qr_field": "ticket_id"},
    "classic-duplex-letter": {"sides": "duplex", "paper": "Letter", "crop_marks": True},
    "modern-text-codes-one-per-page": {"design": "modern", "qr_field": "ticket_id", "one_per_page": True},
    "minimal-small-label": {"design": "minimal", "badge_size": "70x42mm", "accent": "#aa3300"},
}


def _render(tmp: Path, name: str, options: RenderOptions, monkeypatch: pytest.MonkeyPatch, writer: str) -> Path:
    out = tmp / f"{name}-{writer}.pdf"
    with monkeypatch.context() as patched:
        if writer == "cairo":
            patched.setenv(WRITER_ENV, "cairo")
        else:
            patched.delenv(WRITER_ENV, raising=False)
        render_pdf(PEOPLE, options, out)
    return out


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _text(pdf: Path) -> list[str]:
    raw = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(page.split()) for page in raw.split("\f")]


def _images(pdf: Path, folder: Path, dpi: int) -> list[Image.Image]:
    stem = folder / pdf.stem
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(stem)], check=True)
    return [Image.open(p).convert("L") for p in sorted(folder.glob(f"{pdf.stem}-*.png"))]


def _codes(pdf: Path, folder: Path) -> list[bytes]:
    """Every QR payload zbarimg reads from a 150 dpi render (the grid the codes are drawn on), sorted."""
    stem = folder / f"codes-{pdf.stem}"
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(pdf), str(stem)], check=True)
    found: list[bytes] = []
    for image in sorted(folder.glob(f"codes-{pdf.stem}-*.png")):
        read = subprocess.run(["zbarimg", "-q", "--raw", "-Sbinary", str(image)], capture_output=True)
        found += [code for code in read.stdout.split(b"\n\n") if code.strip()] if read.stdout else []
    return sorted(found)


def _strong_differences(own: Path, cairo: Path, folder: Path) -> list[float]:
    """Per page, the share of pixels whose grey differs by a quarter of the range or more at 150 dpi."""
    shares = []
    for mine, theirs in zip(_images(own, folder, 150), _images(cairo, folder, 150), strict=True):
        assert mine.size == theirs.size
        histogram = ImageChops.difference(mine, theirs).histogram()
        shares.append(sum(histogram[64:]) / (mine.size[0] * mine.size[1]))
    return shares


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_own_writer_prints_what_cairo_prints(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    options = RenderOptions(**CASES[name], workers=1)
    own = _render(tmp_path, name, options, monkeypatch, "own")
    cairo = _render(tmp_path, name, options, monkeypatch, "cairo")
    check = subprocess.run(["qpdf", "--check", str(own)], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, check.stdout
    assert "WARNING" not in check.stdout + check.stderr
    assert _pages(own) == _pages(cairo)
    assert _text(own) == _text(cairo)
    # Two things are drawn differently on purpose, so pixels may differ there: a CJK name in bold (cairo embeds
    # FreeType's emboldened outlines, this writer strokes the regular ones) and QR codes (one image per code on the
    # page's grid, where cairo clips a sheet's image; poppler rounds those edges differently). Everything else is
    # held to the Latin-only test below; codes must read the same.
    assert max(_strong_differences(own, cairo, tmp_path)) <= 0.03, name  # a badge-sized page of one bold CJK name: 2 %
    if options.qr_field or options.qr_kind == "vcard":
        assert _codes(own, tmp_path) == _codes(cairo, tmp_path) != []


LATIN = [a for a in PEOPLE if a.row in (2, 3, 4, 5)]


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"design": "modern", "event_name": "PyCon"},
        {"design": "conference", "bleed_mm": 3, "crop_marks": True},
        {"sides": "duplex"},
        {"design": "pass", "paper": "Letter"},
    ],
)
def test_latin_badges_without_codes_are_the_same_pixels(
    changes: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = RenderOptions(**changes, workers=1)
    own = tmp_path / "own.pdf"
    cairo = tmp_path / "cairo.pdf"
    monkeypatch.delenv(WRITER_ENV, raising=False)
    render_pdf(LATIN, options, own)
    monkeypatch.setenv(WRITER_ENV, "cairo")
    render_pdf(LATIN, options, cairo)
    assert _text(own) == _text(cairo)
    assert max(_strong_differences(own, cairo, tmp_path)) <= 0.0002, changes
