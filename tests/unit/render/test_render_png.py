"""PNG outputs: the preview of one badge and the ZIP with one 300 dpi PNG per badge."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from badge_renderer.designs import list_designs, load_design
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


@pytest.mark.parametrize("design", [d.name for d in list_designs() if any(e.kind == "event_name" for e in d.elements)])
def test_the_web_preview_shows_the_event_name_in_its_box(design: str) -> None:
    """The web page builds options with RenderOptions.from_dict (job.json) and calls render_preview_png."""
    from PIL import ImageChops

    box = next(e.box for e in load_design(design).elements if e.kind == "event_name")
    name = next(e for e in load_design(design).elements if e.kind == "name")
    event_box = box
    if "event_name" in name.grows_into:  # the name closes up without an event name, so it moves when one comes
        from badge_renderer.designs import Box

        x0, x1 = min(box.x, name.box.x), max(box.x + box.w, name.box.x + name.box.w)
        box = Box(x0, box.y, x1 - x0, max(box.y + box.h, name.box.y + name.box.h) - box.y)

    def preview(**extra: str) -> Image.Image:
        options = RenderOptions.from_dict({"design": design, **extra})
        return Image.open(io.BytesIO(render_preview_png(ADA, options, dpi=72))).convert("RGB")

    plain, named = preview(), preview(event_name="PyCon Example 2026")
    changed = ImageChops.difference(plain, named).getbbox()
    assert changed is not None, "the event name is not drawn"
    width, height = plain.size
    left, top, right, bottom = box.x * width, box.y * height, (box.x + box.w) * width, (box.y + box.h) * height
    assert left - 1 <= changed[0] and top - 1 <= changed[1] and changed[2] <= right + 1 and changed[3] <= bottom + 1
    ex, ey = event_box.x * width, event_box.y * height
    inside = ImageChops.difference(plain, named).crop(
        (int(ex), int(ey), int(ex + event_box.w * width), int(ey + event_box.h * height))
    )
    assert inside.getbbox() is not None, "nothing changed inside the event name's own box"
