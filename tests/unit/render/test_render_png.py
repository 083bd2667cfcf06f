"""PNG outputs: the preview of one badge and the ZIP with one 300 dpi PNG per badge."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image

from badge_renderer.model import Attendee
from badge_renderer.render import RenderOptions, render_png_zip, render_preview_png

ADA = Attendee(row=2, first_name="Ada", last_name="Lovelace", organization="Engines", ticket_type="Speaker")


def test_preview_is_a_png_of_the_badge_size_at_the_dpi() -> None:
    png = render_preview_png(ADA, RenderOptions(design="classic", badge_size="4x3in"), dpi=100)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (400, 300)


def test_preview_uses_the_ticket_type_accent() -> None:
    options = RenderOptions(design="classic", accents_by_type={"speaker": "#00ff00"})
    image = Image.open(io.BytesIO(render_preview_png(ADA, options, dpi=50))).convert("RGB")
    assert image.getpixel((5, 5)) == (0, 255, 0)  # the top band of "classic" is the accent


def test_zip_has_one_300_dpi_png_per_badge(tmp_path: Path) -> None:
    people = [ADA, Attendee(row=3, full_name="Alan Turing"), Attendee(row=4, full_name="</text>")]
    seen: list[tuple[int, int]] = []
    out = render_png_zip(
        people,
        RenderOptions(design="minimal", badge_size="90x54mm"),
        tmp_path / "b.zip",
        progress=lambda d, t: seen.append((d, t)),
    )
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert len(names) == 3 and all(n.endswith(".png") for n in names)
        first = Image.open(io.BytesIO(archive.read(names[0])))
        assert first.size == (round(90 / 25.4 * 300), round(54 / 25.4 * 300))
    assert seen[-1] == (3, 3)
