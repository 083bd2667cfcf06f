"""Golden images: the first badge of a fixed attendee per design, compared with a committed PNG with a tolerance.

Regenerate after an intended design change: BADGEFORGE_UPDATE_GOLDEN=1 pytest tests/golden
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from badge_renderer.designs import list_designs
from badge_renderer.previews import SAMPLE, sample_options
from badge_renderer.render import render_preview_png

GOLDEN = Path(__file__).resolve().parent
DPI = 48  # small files; still shows layout, colours and text placement
MEAN_ABS_DIFF_LIMIT = 3.0  # of 255 per channel: antialiasing/font-hinting noise passes, a moved element does not


@pytest.mark.parametrize("design", [d.name for d in list_designs()])
def test_design_matches_golden(design: str) -> None:
    png = render_preview_png(SAMPLE, sample_options(design), dpi=DPI)  # type: ignore[arg-type]
    golden = GOLDEN / f"{design}.png"
    if os.environ.get("BADGEFORGE_UPDATE_GOLDEN") == "1" or not golden.exists():
        golden.write_bytes(png)
        if os.environ.get("BADGEFORGE_UPDATE_GOLDEN") != "1":
            pytest.fail(f"no golden image for {design}: wrote {golden}, check it and commit it")
    actual = Image.open(io.BytesIO(png)).convert("RGB")
    expected = Image.open(golden).convert("RGB")
    assert actual.size == expected.size
    diff = ImageStat.Stat(ImageChops.difference(actual, expected)).mean
    assert max(diff) <= MEAN_ABS_DIFF_LIMIT, f"{design} differs from its golden image by {diff}"


def test_golden_comparison_catches_a_changed_accent() -> None:
    """The tolerance is tight enough to notice a different accent colour."""
    base = Image.open(io.BytesIO(render_preview_png(SAMPLE, sample_options("classic"), dpi=DPI))).convert("RGB")  # type: ignore[arg-type]
    changed_options = sample_options("classic").with_changes(accents_by_type={"speaker": "#00ff00"})  # type: ignore[attr-defined]
    changed = Image.open(io.BytesIO(render_preview_png(SAMPLE, changed_options, dpi=DPI))).convert("RGB")
    assert max(ImageStat.Stat(ImageChops.difference(base, changed)).mean) > MEAN_ABS_DIFF_LIMIT
