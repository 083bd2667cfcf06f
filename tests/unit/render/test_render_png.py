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


def test_pngs_say_their_dpi_so_they_print_at_their_real_size(tmp_path: Path) -> None:
    out = render_png_zip([ADA], RenderOptions(design="minimal"), tmp_path / "b.zip")
    with zipfile.ZipFile(out) as archive:
        image = Image.open(io.BytesIO(archive.read(archive.namelist()[0])))
    assert image.info["dpi"] == pytest.approx((300, 300), abs=0.05)
    preview = Image.open(io.BytesIO(render_preview_png(ADA, RenderOptions(), dpi=150)))
    assert preview.info["dpi"] == pytest.approx((150, 150), abs=0.05)
    preview.load()  # the inserted chunk keeps the file valid (CRC checked while decoding)


def test_zip_names_keep_every_letter_of_every_script(tmp_path: Path) -> None:
    people = [
        Attendee(row=2, first_name="Zoë", last_name="Øster-Ñúñez"),
        Attendee(row=3, first_name="राम", last_name="शर्मा"),
        Attendee(row=4, full_name="山田 太郎"),
        Attendee(row=5, full_name="محمد علي"),
        Attendee(row=6, full_name="../../etc/passwd"),
    ]
    out = render_png_zip(people, RenderOptions(design="minimal"), tmp_path / "b.zip")
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert all(info.flag_bits & 0x800 for info in archive.infolist() if not info.filename.isascii())  # UTF-8
    assert names == [
        "00001-zoë-øster-ñúñez.png",
        "00002-राम-शर्मा.png",
        "00003-山田-太郎.png",
        "00004-محمد-علي.png",
        "00005-etc-passwd.png",
    ]


def test_zip_of_a_two_sided_design_has_each_back_after_its_front(tmp_path: Path) -> None:
    out = render_png_zip([ADA, ADA], RenderOptions(design="pass", qr_field="ticket_type"), tmp_path / "b.zip")
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        front, back = (Image.open(io.BytesIO(archive.read(n))).convert("RGB") for n in names[:2])
    assert names == [
        "00001-ada-lovelace.png",
        "00001-ada-lovelace-back.png",
        "00002-ada-lovelace.png",
        "00002-ada-lovelace-back.png",
    ]
    assert front.size == back.size and front.tobytes() != back.tobytes()
