"""The renderer's guarantees hold for any design document, not only the bundled designs: text stays in its box
(poppler word boxes), nothing prints below 6 pt, every script prints, and drawing reads no file but the bundled
fonts (assets come from the document, photos from the job's ZIP)."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from badge_renderer.design_document import parse_document
from badge_renderer.layout.units import MM
from badge_renderer.model import Attendee
from badge_renderer.render import RenderOptions, render_pdf
from tests.pdf_text import text_sizes

logging.getLogger("pypdf").setLevel(logging.ERROR)
_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)</word>')
_RTL = re.compile("[\u0590-\u08ff]")
SLACK = 1.0  # points: poppler's word box is the font's ascent/descent, a hair taller than the fitted line

BOXES = {  # mm on a 90 x 54 mm badge; deliberately small so every value must shrink, wrap or be shortened
    "name": (5, 4, 50, 14),
    "org": (5, 20, 40, 8),
    "diet": (50, 20, 35, 6),
    "combo": (5, 32, 80, 7),
    "slanted": (5, 42, 45, 8),
}


def _document() -> dict[str, Any]:
    def box(key: str) -> dict[str, float]:
        x, y, w, h = BOXES[key]
        return {"x": x, "y": y, "width": w, "height": h}

    return {
        "format": "badgeforge-design",
        "version": 1,
        "name": "guarantees",
        "size": {"width_mm": 90, "height_mm": 54},
        "safe_area_mm": 2,
        "colors": {"background": "#ffffff", "accent": "#0b5cad", "text": "#111111"},
        "elements": [
            {
                "id": "name",
                "kind": "name",
                "box": box("name"),
                "max_size": 40,
                "min_size": 6,
                "fit": "wrap",
                "max_lines": 2,
            },
            {"id": "org", "kind": "text", "column": "organization", "box": box("org"), "max_size": 20, "min_size": 6},
            {
                "id": "diet",
                "kind": "text",
                "column": "Dietary needs",
                "box": box("diet"),
                "fit": "ellipsis",
                "max_size": 9,
            },
            {
                "id": "combo",
                "kind": "text",
                "text": "{role} · {Table no.}",
                "box": box("combo"),
                "fit": "shrink",
                "min_size": 6,
            },
            {
                "id": "slanted",
                "kind": "text",
                "text": "{organization}",
                "style": "italic",
                "box": box("slanted"),
                "max_size": 16,
                "min_size": 6,
                "fit": "wrap",
                "max_lines": 2,
                "align": "left",
            },
        ],
    }


PEOPLE = [
    ("Maximiliane", "Wolkenstein-Rodeneck", "Internationale Gesellschaft für Datenverarbeitung und Informatik"),
    ("محمد", "عبد الرحمن الهاشمي", "جامعة الملك عبد الله للعلوم والتقنية"),
    ("अनन्या", "श्रीनिवासन", "भारतीय प्रौद्योगिकी संस्थान मुंबई"),
    ("小明", "王", "北京大学计算机科学技术研究所"),
    ("Ნინო", "ბერიძე", "თბილისის სახელმწიფო უნივერსიტეტი"),
    ("יעל", "כהן", "האוניברסיטה העברית בירושלים"),
]


def _attendees() -> list[Attendee]:
    return [
        Attendee(
            row=i + 2,
            first_name=first,
            last_name=last,
            organization=org,
            role="Principal Distinguished Engineer",
            extra={"Dietary needs": "vegetarian, no nuts, no shellfish, lactose-free", "Table no.": f"Table {i + 1}"},
        )
        for i, (first, last, org) in enumerate(PEOPLE)
    ]


def _render(tmp_path: Path) -> tuple[Path, Any]:
    options = RenderOptions(design_document=parse_document(_document()), one_per_page=True, margin_mm=0, workers=1)
    out = tmp_path / "badges.pdf"
    return out, render_pdf(_attendees(), options, out)


def test_every_word_stays_in_its_element_box_at_6_pt_or_more(tmp_path: Path) -> None:
    out, result = _render(tmp_path)
    assert result.pages == len(PEOPLE)
    sizes = text_sizes(out)
    assert sizes and min(size for size, _ in sizes) >= 6 - 0.01
    bbox = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True, text=True, check=True).stdout
    words = [(tuple(float(v) for v in m[:4]), m[4]) for m in _WORD.findall(bbox)]
    assert len(words) >= 6 * len(PEOPLE)
    boxes = [tuple(v * MM for v in (x, y, x + w, y + h)) for x, y, w, h in BOXES.values()]
    for (x0, y0, x1, y1), word in words:
        if _RTL.search(word):
            # poppler splits right-to-left words into letters whose boxes span the Arabic/Hebrew fonts' whole
            # ascent-descent (~36 pt on a 12 pt line): hold those to the box across, and their middle down.
            y0 = y1 = (y0 + y1) / 2
        inside = any(
            bx0 - SLACK <= x0 and x1 <= bx1 + SLACK and by0 - SLACK <= y0 and y1 <= by1 + SLACK
            for bx0, by0, bx1, by1 in boxes
        )
        assert inside, f"{word!r} at {(x0, y0, x1, y1)} is outside every element box"


def test_every_script_prints(tmp_path: Path) -> None:
    out, result = _render(tmp_path)
    assert not [w.message for w in result.warnings if "No bundled font" in w.message]
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for first, _last, _org in PEOPLE:
        assert first in text or first[::-1] in text, first  # poppler may return right-to-left text reversed


def test_any_column_can_be_placed(tmp_path: Path) -> None:
    out, _ = _render(tmp_path)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Table 3" in text and "vegetarian" in text


def test_drawing_a_document_reads_no_file_but_the_bundled_fonts(tmp_path: Path) -> None:
    """An audit hook records every file Python opens while the badges are drawn (the document is parsed before)."""
    fonts = Path(__file__).resolve().parents[3] / "templates" / "fonts"
    document = parse_document(_document())
    options = RenderOptions(design_document=document, one_per_page=True, margin_mm=0, workers=1)
    opened: list[str] = []
    recording = [True]

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if recording[0] and event == "open" and isinstance(args[0], str | Path):
            opened.append(str(args[0]))

    sys.addaudithook(hook)
    try:
        render_pdf(_attendees()[:2], options, tmp_path / "out.pdf")
    finally:
        recording[0] = False
    outside = [
        p
        for p in opened
        if not (
            p.startswith(str(fonts))
            or p.startswith(str(tmp_path))
            or p.endswith((".py", ".pyc", ".so"))
            or "/proc/" in p
        )
    ]
    assert not outside, outside


@pytest.mark.parametrize("rotation", [90, -30])
def test_rotated_text_stays_in_its_turned_box(tmp_path: Path, rotation: int) -> None:
    doc = _document()
    doc["elements"] = [
        {
            "id": "org",
            "kind": "text",
            "column": "organization",
            "rotation": rotation,
            "box": {"x": 25, "y": 17, "width": 40, "height": 20},
            "max_size": 14,
            "min_size": 6,
            "max_lines": 3,
        }
    ]
    options = RenderOptions(design_document=parse_document(doc), one_per_page=True, margin_mm=0, workers=1)
    out = tmp_path / "r.pdf"
    render_pdf(_attendees()[:1], options, out)
    assert min(size for size, _ in text_sizes(out)) >= 6 - 0.01
    bbox = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True, text=True, check=True).stdout
    words = [tuple(float(v) for v in m[:4]) for m in _WORD.findall(bbox)]
    assert words
    import math

    cx, cy = 45 * MM, 27 * MM
    angle = math.radians(rotation)
    half_w = (abs(20 * math.cos(angle)) + abs(10 * math.sin(angle))) * MM  # the turned box's bounding box
    half_h = (abs(20 * math.sin(angle)) + abs(10 * math.cos(angle))) * MM
    for x0, y0, x1, y1 in words:
        assert cx - half_w - SLACK <= x0 and x1 <= cx + half_w + SLACK, (x0, x1)
        assert cy - half_h - SLACK <= y0 and y1 <= cy + half_h + SLACK, (y0, y1)
