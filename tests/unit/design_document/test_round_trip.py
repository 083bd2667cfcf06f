"""Every bundled design exported as a design document and rendered from it prints what the bundled design prints:
rasterised pages equal within a tiny tolerance, and the same PDF text (poppler)."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from badge_renderer.design_document import export_design, parse_document
from badge_renderer.designs import design_names
from badge_renderer.model import Attendee
from badge_renderer.previews import SAMPLE, sample_options
from badge_renderer.render import render_pdf, render_preview

# Mean absolute difference per channel (of 255). Antialiasing of rounded corners (cairosvg's curves vs cairo arcs)
# stays under 0.05; a shape moved by 1 mm or a changed colour is far above it (see the last test).
TINY = 0.1
LOGO = Image.new("RGB", (300, 120), (200, 30, 30))


def _logo() -> bytes:
    out = io.BytesIO()
    LOGO.save(out, "PNG")
    return out.getvalue()


def _pixels(options: object, side: str) -> Image.Image:
    png, _ = render_preview(SAMPLE, options, 100, side)  # type: ignore[arg-type]
    return Image.open(io.BytesIO(png)).convert("RGB")


def _difference(a: Image.Image, b: Image.Image) -> float:
    assert a.size == b.size
    return max(ImageStat.Stat(ImageChops.difference(a, b)).mean)


@pytest.mark.parametrize("name", design_names())
@pytest.mark.parametrize("job", ["plain", "no_event_name", "logo"])
def test_exported_design_renders_like_the_bundled_one(name: str, job: str) -> None:
    document = parse_document(json.dumps(export_design(name)))
    options = sample_options(name).with_changes(sides="duplex")  # type: ignore[attr-defined]
    options = options.with_changes(
        **{"plain": {}, "no_event_name": {"event_name": ""}, "logo": {"logo_image": _logo()}}[job]
    )
    for side in ("front", "back") if document.has_back else ("front",):
        bundled = _pixels(options, side)
        from_document = _pixels(options.with_changes(design_document=document), side)
        assert _difference(bundled, from_document) <= TINY, f"{name} {side} ({job})"


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize("name", design_names())
def test_exported_design_prints_the_same_pdf_text(name: str, tmp_path: Path) -> None:
    people = [
        SAMPLE,
        Attendee(
            row=3, first_name="Maximilian", last_name="Oberhausen-Lindqvist", organization="ACME", ticket_type="Staff"
        ),
    ]
    options = sample_options(name).with_changes(sides="duplex", workers=1)  # type: ignore[attr-defined]
    render_pdf(people, options, tmp_path / "bundled.pdf")
    document = parse_document(export_design(name))
    render_pdf(people, options.with_changes(design_document=document), tmp_path / "document.pdf")
    expected = _pdf_text(tmp_path / "bundled.pdf")
    assert "Oberhausen" in expected
    assert _pdf_text(tmp_path / "document.pdf") == expected


def test_the_tolerance_sees_a_moved_shape() -> None:
    """The comparison is not blind: the classic band 1 mm lower is well over the tolerance."""
    raw = export_design("classic")
    band = next(e for e in raw["elements"] if e["id"] == "top-band")
    band["box"]["height"] += 1
    options = sample_options("classic")
    bundled = _pixels(options, "front")
    moved = _pixels(options.with_changes(design_document=parse_document(raw)), "front")  # type: ignore[attr-defined]
    assert _difference(bundled, moved) > 10 * TINY


def test_export_is_stable_json_that_parses_back() -> None:
    for name in design_names():
        raw = export_design(name)
        assert raw["format"] == "badgeforge-design" and raw["version"] == 1
        assert json.loads(json.dumps(raw)) == raw
        assert parse_document(raw).name == name
