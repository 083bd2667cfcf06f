"""svg_subset: the bundled designs' artwork drawn without cairosvg, pixel for pixel as cairosvg draws it."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import cairocffi as cairo
import pytest

from badge_renderer.designs import load_design
from badge_renderer.svg_layer import draw_with_cairosvg, render_svg_layer, svg_source
from badge_renderer.svg_subset import Unsupported, draw_subset, parse

DESIGNS = ("classic", "conference", "minimal", "modern", "pass")
# points: 4x3 in, 3x4 in, 90x55 mm, 54x86 mm (CR80 upright), a 6x4 in ticket
SIZES = ((288.0, 216.0), (216.0, 288.0), (255.1181102362205, 155.90551181102362), (153.07, 243.78), (432.0, 288.0))
SCALE = 3  # pixels per point


def raster(surface: Any, width: float, height: float) -> bytes:
    """`surface` painted at SCALE px/pt into a transparent ARGB32 image: its raw pixels."""
    image = cairo.ImageSurface(cairo.FORMAT_ARGB32, round(width * SCALE), round(height * SCALE))
    ctx = cairo.Context(image)
    ctx.scale(SCALE, SCALE)
    ctx.set_source_surface(surface, 0, 0)
    ctx.paint()
    image.flush()
    return bytes(image.get_data())


def cases() -> list[tuple[str, str, str, bool, str]]:
    """Every design x side x accent (its own, its ticket accents, a short #rgb) x logo x event name."""
    out = []
    for name in DESIGNS:
        design = load_design(name)
        accents = sorted({design.colors["accent"], *design.ticket_accents.values(), "#c3a"})
        sides = ("front", "back") if design.has_back else ("front",)
        for side, accent, logo, event in itertools.product(sides, accents, (False, True), ("", "Expo & <Co> '26")):
            out.append((name, side, accent, logo, event))
    return out


def source_for(name: str, side: str, accent: str, logo: bool, event: str, size: tuple[float, float]) -> str:
    design = load_design(name)
    return svg_source(
        design,
        side,
        width=size[0],
        height=size[1],
        colors={**design.colors, "accent": accent},
        ticket_type="",
        event_name=event,
        has_background_image=False,
        has_logo=logo,
    )


@pytest.mark.parametrize(("name", "side", "accent", "logo", "event"), cases())
def test_bundled_artwork_is_pixel_identical_to_cairosvg(
    name: str, side: str, accent: str, logo: bool, event: str
) -> None:
    """Exactly the same bytes: the drawer issues cairosvg's path and colour calls, so no tolerance is needed
    (not even at anti-aliased edges, circles' arcs and the rounded rectangles' corners)."""
    for size in SIZES:
        source = source_for(name, side, accent, logo, event, size)
        own = draw_subset(source)
        assert own is not None, source
        reference = draw_with_cairosvg(load_design(name), source)
        assert raster(own, *size) == raster(reference, *size), (name, side, accent, size)


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="80" viewBox="0 0 100 80">{}</svg>'


@pytest.mark.parametrize(
    "body",
    [
        '<rect x="5" y="5" width="50" height="30" rx="40" fill="#123456" stroke="#fff" stroke-width="3"/>',
        '<rect x="5" y="5" width="50" height="30" ry="4" fill="white" fill-opacity="0.5" opacity="0.5"/>',
        '<rect x="5" y="5" width="50" height="30" rx="0" ry="6" fill="#abc"/>',
        '<rect x="-5" y="70" width="200" height="30" fill="#ABCDEF"/>',
        '<rect x="5" y="5" width="0" height="30" fill="#000"/><rect x="5" y="5" width="20" height="30"/>',
        '<circle cx="90" cy="5" r="30" fill="#ffffff" opacity="0.1" stroke="black" stroke-width="2.5"/>',
        '<circle cx="90" cy="5" r="0" fill="#ffffff"/>',
        '<polygon points="10,70 90,10 90,70" fill="#00ff00" opacity="0.22"/>',
        '<polygon points="1e1 70, 90 1.5e1 90 70" fill="none" stroke="#f00"/>',
        "<title>A &amp; B &#39;x&#39;</title>",
    ],
)
def test_subset_shapes_match_cairosvg(body: str) -> None:
    """Radii clamped and implied, opacity times fill-opacity, default fill and stroke width, exponents."""
    source = SVG.format(body)
    own = draw_subset(source)
    assert own is not None
    assert raster(own, 100, 80) == raster(draw_with_cairosvg(load_design("classic"), source), 100, 80)


@pytest.mark.parametrize(
    "body",
    [
        '<ellipse cx="5" cy="5" rx="3" ry="2" fill="#000"/>',
        '<rect x="5" y="5" width="50" height="30" fill="#000" transform="rotate(10)"/>',
        '<rect x="5" y="5" width="50mm" height="30" fill="#000"/>',
        '<rect x="5" y="5" width="50%" height="30" fill="#000"/>',
        '<rect x="5" y="5" width="50" height="30" fill="url(#g)"/>',
        '<rect x="5" y="5" width="50" height="30" fill="rgb(1,2,3)"/>',
        '<rect x="5" y="5" width="50" height="30" style="fill:#000"/>',
        '<rect x="5" y="5" width="50" height="30" fill="#000" opacity="2"/>',
        '<rect x="5" y="5" width="-50" height="30" fill="#000"/>',
        '<rect x="5" y="5" width="50" height="30" fill="none" stroke="#000" stroke-width="-1"/>',
        '<rect x="5" y="5" width="50" height="30" fill="#000" stroke="#000" stroke-opacity="0.5"/>',
        '<polygon points="1,2 3,4 5" fill="#000"/>',
        '<g><rect x="5" y="5" width="50" height="30" fill="#000"/></g>',
        '<rect x="5" y="5" width="50" height="30" fill="#000"><title>t</title></rect>',
        "stray text",
        "<!-- a comment -->",
        '<defs><linearGradient id="g"/></defs>',
    ],
)
def test_anything_outside_the_subset_falls_back(body: str) -> None:
    source = SVG.format(body)
    with pytest.raises(Unsupported):
        parse(source)
    assert draw_subset(source) is None


@pytest.mark.parametrize(
    "source",
    [
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="80" viewBox="0 0 50 40"></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" width="100pt" height="80" viewBox="0 0 100 80"></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="80"></svg>',
        '<svg xmlns="http://example.com/" width="100" height="80" viewBox="0 0 100 80"></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="80" viewBox="0 0 100 80" x="1"></svg>',
        '<?xml version="1.0"?><svg width="100" height="80" viewBox="0 0 100 80"></svg>',
        '<svg width="100" height="80" viewBox="0 0 100 80"><rect width="1" height="1"/>',
    ],
)
def test_root_outside_the_subset_falls_back(source: str) -> None:
    assert draw_subset(source) is None


def test_render_svg_layer_falls_back_to_cairosvg_and_still_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    """An ellipse (outside the subset) reaches cairosvg through render_svg_layer and is drawn."""
    import badge_renderer.svg_layer as svg_layer

    design = load_design("classic")
    source = SVG.format('<ellipse cx="50" cy="40" rx="30" ry="20" fill="#ff0000"/>')
    monkeypatch.setattr(svg_layer, "svg_source", lambda *args, **kwargs: source)
    calls: list[str] = []
    real = svg_layer.draw_with_cairosvg
    monkeypatch.setattr(svg_layer, "draw_with_cairosvg", lambda d, s: calls.append(s) or real(d, s))
    layer = render_svg_layer(design, width=100, height=80, colors={})
    assert calls == [source]
    pixels = raster(layer, 100, 80)
    centre = (40 * SCALE * 100 * SCALE + 50 * SCALE) * 4
    assert pixels[centre : centre + 4] == bytes((0, 0, 255, 255))  # BGRA: opaque red at the ellipse's centre


def test_bundled_designs_render_without_importing_cairosvg_or_jinja2(tmp_path: Path) -> None:
    """The point of svg_subset and template_subset: a bundled-design job (own writer, duplex for pass's back) never
    imports cairosvg or jinja2."""
    script = f"""
import sys
from pathlib import Path
from badge_renderer.model import Attendee
from badge_renderer.render import RenderOptions, render_pdf
people = [Attendee(row=i + 2, first_name=f"Ada{{i}}", last_name="Lovelace", ticket_id=f"T{{i}}") for i in range(10)]
for name in {DESIGNS!r}:
    sides = "duplex" if name == "pass" else "single"
    out = Path({str(tmp_path)!r}) / (name + ".pdf")
    render_pdf(people, RenderOptions(design=name, event_name="Expo", sides=sides), out)
print("cairosvg" in sys.modules, "jinja2" in sys.modules)
"""
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(root), str(root / "functions")))}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.split() == ["False", "False"], done.stdout  # neither cairosvg nor jinja2
    assert all((tmp_path / f"{name}.pdf").stat().st_size > 1000 for name in DESIGNS)


def _streams(pdf: Path) -> list[bytes]:
    """Every page's content and every form and image XObject's data, in page order."""
    from pypdf import PdfReader

    out: list[bytes] = []

    def walk(resources: Any, seen: set[int]) -> None:
        xobjects = resources.get("/XObject") if resources else None
        for _, ref in sorted((xobjects or {}).items()):
            obj = ref.get_object()
            if ref.idnum not in seen:
                seen.add(ref.idnum)
                out.append(obj.get_data())
                walk(obj.get("/Resources") if obj["/Subtype"] == "/Form" else None, seen)

    for page in PdfReader(pdf).pages:
        out.append(page.get_contents().get_data())
        walk(page.get("/Resources"), set())
    return out


@pytest.mark.parametrize(("name", "sides"), [("classic", "single"), ("modern", "single"), ("pass", "duplex")])
def test_render_pdf_writes_the_same_streams_as_through_jinja2_and_cairosvg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, sides: str
) -> None:
    """End to end: the PDF's page and form streams are byte-identical with both fast paths turned off."""
    import logging

    import badge_renderer.svg_subset as svg_subset
    import badge_renderer.template_subset as template_subset
    from badge_renderer.model import Attendee
    from badge_renderer.render import RenderOptions, render_pdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    people = [
        Attendee(row=i + 2, first_name=f"Ada{i}", last_name="Lovelace", ticket_type=("VIP", "Speaker", "")[i % 3])
        for i in range(9)
    ]
    options = RenderOptions(design=name, event_name="Expo & <Co>", sides=sides)
    render_pdf(people, options, tmp_path / "fast.pdf")
    monkeypatch.setattr(svg_subset, "draw_subset", lambda source: None)
    monkeypatch.setattr(template_subset, "render_file", lambda path, context: None)
    render_pdf(people, options, tmp_path / "slow.pdf")
    assert _streams(tmp_path / "fast.pdf") == _streams(tmp_path / "slow.pdf")
