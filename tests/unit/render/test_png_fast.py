"""The fast PNG path: unfiltered level-1 PNGs with cairo's exact pixels, ZIPs drawn on every core in order, and
warm previews that reuse their composer (but never one made for other options)."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import cairocffi
from PIL import Image

from badge_renderer import output
from badge_renderer.model import Attendee
from badge_renderer.png_encode import surface_png
from badge_renderer.render import RenderOptions, render_png_zip, render_preview_png


def _drawn_surface() -> cairocffi.ImageSurface:
    surface = cairocffi.ImageSurface(cairocffi.FORMAT_RGB24, 173, 61)  # odd sizes: stride != width * 4
    ctx = cairocffi.Context(surface)
    ctx.set_source_rgb(1, 1, 1)
    ctx.paint()
    for i, colour in enumerate([(1, 0, 0), (0, 0.5, 0.25), (0.1, 0.2, 0.9)]):
        ctx.set_source_rgb(*colour)
        ctx.arc(30 + 50 * i, 30, 25, 0, 6.3)
        ctx.fill()
    return surface


def test_the_fast_png_has_exactly_the_pixels_cairo_writes() -> None:
    surface = _drawn_surface()
    reference = io.BytesIO()
    surface.write_to_png(reference)
    fast = Image.open(io.BytesIO(surface_png(surface, dpi=300)))
    assert fast.mode == "RGB" and fast.size == (173, 61)
    assert round(fast.info["dpi"][0]) == 300
    assert fast.tobytes() == Image.open(reference).convert("RGB").tobytes()


def _people(n: int) -> list[Attendee]:
    return [Attendee(row=i + 2, first_name=f"Ada{i}", last_name="Lovelace", ticket_type="Speaker") for i in range(n)]


def _contents(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(name, Image.open(io.BytesIO(archive.read(name))).tobytes()) for name in archive.namelist()]


def test_a_zip_drawn_by_two_workers_equals_one_drawn_here(tmp_path: Path, monkeypatch) -> None:
    options = RenderOptions(design="minimal", badge_size="90x54mm")
    monkeypatch.setattr(output, "png_workers", lambda badges, cpus=None: 1)
    one = render_png_zip(_people(7), options, tmp_path / "one.zip", dpi=60)
    monkeypatch.setattr(output, "png_workers", lambda badges, cpus=None: 2)
    children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
    before = children.read_text()
    seen: list[int] = []
    two = render_png_zip(_people(7), options, tmp_path / "two.zip", dpi=60, progress=lambda d, t: seen.append(d))
    assert _contents(two) == _contents(one)
    assert [name for name, _ in _contents(two)][:2] == ["00001-ada0-lovelace.png", "00002-ada1-lovelace.png"]
    assert seen[-1] == 7 and seen == sorted(seen)
    assert children.read_text() == before  # every worker was reaped
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.zip", "two.zip"]


def test_png_zips_use_a_second_core_from_a_few_dozen_badges() -> None:
    assert output.png_workers(10, cpus=2) == 1
    assert output.png_workers(500, cpus=2) == 2
    assert output.png_workers(500, cpus=1) == 1


def test_a_warm_preview_reuses_its_composer_and_other_options_get_their_own(monkeypatch) -> None:
    made: list[RenderOptions] = []
    real = output.make_composer

    def counting(options: RenderOptions):
        made.append(options)
        return real(options)

    monkeypatch.setattr(output, "make_composer", counting)
    output._previews.clear()
    ada = _people(1)[0]
    green = RenderOptions(design="classic", accents_by_type={"speaker": "#00ff00"}, event_name="Warm")
    first = render_preview_png(ada, green, dpi=40)
    assert render_preview_png(ada, green, dpi=40) == first and len(made) == 1
    red = green.with_changes(accents_by_type={"speaker": "#ff0000"})
    top_left = Image.open(io.BytesIO(render_preview_png(ada, red, dpi=40))).convert("RGB").getpixel((3, 3))
    assert top_left == (255, 0, 0) and len(made) == 2
    logo = io.BytesIO()
    Image.new("RGB", (40, 20), "blue").save(logo, "PNG")
    render_preview_png(ada, green.with_changes(logo_image=logo.getvalue()), dpi=40)
    assert len(made) == 3  # same options but another image: another composer


def test_png_badges_start_from_one_static_raster_with_the_pixels_of_painting_the_layer() -> None:
    """The static layer (photo, artwork, logo) is rasterised once per ticket group and dpi and copied per badge;
    the badge shows exactly the pixels that painting the layer for every badge gave."""
    options = RenderOptions(design="classic", event_name="Conf", qr_field="ticket_id", bleed_mm=3)
    composer = output.make_composer(options)
    people = [Attendee(row=i + 2, first_name="Ada", last_name=f"Lovelace{i}", ticket_id=f"T{i}") for i in range(3)]
    pngs = [output.badge_png(person, options, 150, composer)[0] for person in people]
    rasters = [key for key in composer._layers if key[0] == "raster"]
    assert len(rasters) == 1

    scale = 150 / 72
    surface = cairocffi.ImageSurface(
        cairocffi.FORMAT_RGB24, round(composer.width * scale), round(composer.height * scale)
    )
    ctx = cairocffi.Context(surface)
    ctx.set_source_rgb(1, 1, 1)
    ctx.paint()
    ctx.scale(scale, scale)
    composer.draw(ctx, people[2], 0, 0)  # the old way: the layer painted for this badge
    assert Image.open(io.BytesIO(pngs[2])).tobytes() == Image.open(io.BytesIO(surface_png(surface))).tobytes()
