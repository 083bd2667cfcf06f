# ruff: noqa: E501  (the hostile SVG samples read best one to a line)
"""What a design document carries beyond the bundled designs: its own images and SVG artwork (sanitised: no
script, no external reference, no foreignObject, no entities), conditions on any column, ticket-type overrides."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from PIL import Image

from badge_renderer.design_document import document_problems, export_design, parse_document
from badge_renderer.design_document.svg_safety import sanitise_svg
from badge_renderer.errors import DesignError
from badge_renderer.model import Attendee
from badge_renderer.previews import sample_options
from badge_renderer.render import render_preview

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="5" fill="#00ff00"/></svg>'
DPI = 50


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), colour).save(out, "PNG")
    return out.getvalue()


def _pixel(doc: dict[str, Any], at_mm: tuple[float, float], person: Attendee | None = None) -> tuple[int, ...]:
    options = sample_options("minimal").with_changes(design_document=parse_document(doc), event_name="")  # type: ignore[attr-defined]
    person = person or Attendee(row=2, first_name="Ada", last_name="Lovelace")
    png, _ = render_preview(person, options, DPI)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return image.getpixel((round(at_mm[0] / 25.4 * DPI), round(at_mm[1] / 25.4 * DPI)))


def _minimal(**changes: Any) -> dict[str, Any]:
    doc = export_design("minimal")
    doc.update(changes)
    return doc


def test_svg_background_and_image_assets_are_drawn() -> None:
    doc = _minimal(
        assets={"art": {"media_type": "image/svg+xml", "data": _b64(SVG)}, "logo": {"media_type": "image/png", "data": _b64(_png((255, 0, 0)))}},
        backgrounds={"front": {"color": "#ffffff", "svg": "art"}},
    )  # fmt: skip
    doc["elements"].append(
        {"id": "sponsor", "kind": "image", "asset": "logo", "box": {"x": 70, "y": 40, "width": 10, "height": 10}}
    )
    assert _pixel(doc, (45, 10)) == (0, 255, 0)  # the artwork fitted to the badge (preserveAspectRatio)
    assert _pixel(doc, (45, 50)) == (255, 255, 255)
    red = _pixel(doc, (75, 45))
    assert red[0] > 240 and red[1] < 15 and red[2] < 15  # the sponsor image asset (re-encoded)


@pytest.mark.parametrize(
    ("svg", "message"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "scripts are not allowed"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>', "foreignObject"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink"><use x:href="file:///etc/passwd#a"/></svg>',
            "only references inside the artwork",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://evil.example/p.svg#g)"/></svg>',
            "only url(#id)",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,AAAA"/></svg>',
            "images inside SVG",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "event handler"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg"><title>&b;</title></svg>',
            "DTD or entities",
        ),
        (
            b'<!DOCTYPE svg SYSTEM "http://evil.example/x.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>',
            "DTD or entities",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://x/y.css);</style></svg>', "<style>"),
        (b"<html/>", "root element is not <svg>"),
        (b"<svg", "not well-formed"),
    ],
    ids=[
        "script",
        "foreignObject",
        "external-use",
        "external-url",
        "image",
        "onload",
        "entities",
        "external-dtd",
        "style",
        "not-svg",
        "broken",
    ],
)
def test_hostile_svg_is_refused(svg: bytes, message: str) -> None:
    with pytest.raises(DesignError) as caught:
        sanitise_svg(svg)
    assert message in caught.value.message
    doc = _minimal(assets={"art": {"media_type": "image/svg+xml", "data": _b64(svg)}})
    (problem,) = document_problems(doc)
    assert problem.startswith('assets["art"]: data:') and message.strip("<>") in problem


def test_svg_size_and_element_caps() -> None:
    from badge_renderer import limits

    with pytest.raises(DesignError, match="more than 2 MB"):
        sanitise_svg(b"<svg>" + b" " * limits.SVG_MAX_BYTES + b"</svg>")
    many = b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g/>" * (limits.SVG_MAX_ELEMENTS + 1) + b"</svg>"
    with pytest.raises(DesignError, match="more than 20,000 elements"):
        sanitise_svg(many)


def test_editor_metadata_is_dropped_and_internal_references_kept() -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:ink="http://www.inkscape.org/namespaces/inkscape" ink:version="1">'
        b'<ink:namedview/><defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="1" height="1"/></svg>'
    )
    clean = sanitise_svg(svg)
    assert b"inkscape" not in clean and b"url(#g)" in clean


def test_assets_that_are_not_what_they_say_are_problems() -> None:
    doc = _minimal(assets={"x": {"media_type": "image/png", "data": "@@not base64@@"}})
    assert "is not base64" in document_problems(doc)[0]
    doc = _minimal(assets={"x": {"media_type": "application/pdf", "data": ""}})
    assert any("media_type" in p for p in document_problems(doc))


def test_conditions_on_any_column_and_ticket_type_overrides() -> None:
    doc = _minimal(
        overrides={"vip": {"colors": {"background": "#000000"}, "hide": ["accent-rule"], "show": ["vip-star"]}}
    )
    doc["elements"] += [
        {"id": "veg", "kind": "rect", "fill": "#00aa00", "box": {"x": 80, "y": 2, "width": 6, "height": 6},
         "when": [{"column": "Dietary", "equals": "Vegetarian"}]},
        {"id": "vip-star", "kind": "ellipse", "fill": "#ffcc00", "visible": False, "box": {"x": 2, "y": 44, "width": 8, "height": 8}},
    ]  # fmt: skip
    veg = Attendee(row=2, first_name="Ada", last_name="L", extra={"Dietary": "vegetarian "})
    meat = Attendee(row=3, first_name="Ada", last_name="L", extra={"Dietary": "none"})
    vip = Attendee(row=4, first_name="Ada", last_name="L", ticket_type="VIP")
    assert _pixel(doc, (83, 5), veg) == (0, 170, 0)
    assert _pixel(doc, (83, 5), meat) != (0, 170, 0)
    assert _pixel(doc, (6, 48), meat) != (255, 204, 0)  # hidden by default
    assert _pixel(doc, (6, 48), vip) == (255, 204, 0)  # shown for VIP, on a black background
    assert _pixel(doc, (30, 20), vip) == (0, 0, 0)
    rule = (0.08 * 90 + 2, 0.695 * 54 + 0.3)
    assert _pixel(doc, rule, meat) != _pixel(doc, rule, vip)
