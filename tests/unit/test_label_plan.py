# ruff: noqa: E501  (document elements read best one to a line)
"""The label plan the desk page draws offline: the composer's own boxes and palettes at the label size, a design
document's conditions and ticket-type overrides carried over, and what a browser cannot draw named, not guessed."""

from __future__ import annotations

import base64
import io

from PIL import Image

from badge_renderer.design_document import export_design, parse_document
from badge_renderer.label_plan import MM, fallback_files, font_files, label_plan, unicode_range
from badge_renderer.options import RenderOptions
from badge_renderer.single import WarmBadge

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="5" fill="#00ff00"/></svg>'


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (255, 0, 0)).save(out, "PNG")
    return out.getvalue()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def test_a_bundled_design_at_a_label_has_the_composers_boxes_and_its_artwork_first() -> None:
    badge = WarmBadge(RenderOptions(design="classic", preset="dymo-30856", qr_field="ticket_id", event_name="X"))
    plan = label_plan(badge.composer, ["Speaker", "VIP"], "dymo-30856")
    assert (plan["width_mm"], plan["height_mm"]) == badge.size_mm
    name = next(e for e in plan["elements"] if e["kind"] == "name")
    element = next(e for e in badge.composer.design.elements if e.kind == "name")
    assert name["box"] == [round(v / MM, 3) for v in badge.composer.box(element)]
    assert name["min_size"] == badge.composer.min_size(element)
    kinds = [e["kind"] for e in plan["elements"]]
    assert kinds[0] in ("rect", "ellipse", "polygon", "line") and kinds.index("name") > 0
    assert set(plan["palettes"]) == {"", "speaker", "vip"} and plan["palettes"]["vip"]["accent"] == "#8250df"
    assert plan["qr"] == {"field": "ticket_id", "kind": "text"} and "ticket_id" in plan["fields"]
    assert plan["unsupported"] == []
    assert font_files(plan) == {"sans/bold": "NotoSans-Bold.ttf", "sans/regular": "NotoSans-Regular.ttf"}


def test_a_document_carries_conditions_overrides_and_images_and_names_what_it_cannot_draw() -> None:
    doc = export_design("minimal")
    doc["assets"] = {
        "art": {"media_type": "image/svg+xml", "data": _b64(SVG)},
        "logo": {"media_type": "image/png", "data": _b64(_png())},
    }
    doc["backgrounds"] = {"front": {"color": "#ffffff", "svg": "art"}}
    doc["overrides"] = {"vip": {"show": ["vip-star"]}}
    doc["elements"] += [
        {"id": "veg", "kind": "rect", "fill": "#00aa00", "box": {"x": 80, "y": 2, "width": 6, "height": 6}, "when": [{"column": "Dietary", "equals": "Vegetarian"}]},
        {"id": "vip-star", "kind": "ellipse", "fill": "#ffcc00", "visible": False, "box": {"x": 2, "y": 44, "width": 8, "height": 8}},
        {"id": "sponsor", "kind": "image", "asset": "logo", "box": {"x": 70, "y": 40, "width": 10, "height": 10}},
    ]  # fmt: skip
    options = RenderOptions(preset="brother-dk-11202", design_document=parse_document(doc))
    plan = label_plan(WarmBadge(options).composer, ["VIP", "Attendee"])
    by_id = {e["id"]: e for e in plan["elements"]}
    assert by_id["veg"]["when"] == [{"kind": "equals", "column": "Dietary", "value": "Vegetarian", "any": []}]
    assert "Dietary" in plan["fields"]
    assert by_id["vip-star"]["hidden"] is True and by_id["vip-star"]["toggle"] == ["vip"]
    assert by_id["sponsor"]["src"].startswith("data:image/png;base64,")
    assert plan["unsupported"] == ["SVG background artwork (the background colour prints instead)"]
    assert plan["background"]["color"][""] == "#ffffff"


def _covers(range_: str, cp: int) -> bool:
    for part in range_.split(","):
        a, _, b = part.removeprefix("U+").partition("-")
        if int(a, 16) <= cp <= int(b or a, 16):
            return True
    return False


def test_the_script_fallbacks_follow_the_renderers_chain_each_for_the_letters_no_earlier_font_draws() -> None:
    """The browser picks the fallback by unicode-range: each range must hold exactly the letters for which the
    renderer would pick that font (the first in the chain that has it), so the label matches the PDF."""
    from badge_renderer.text.fonts import FontLibrary

    badge = WarmBadge(RenderOptions(design="classic", preset="dymo-30856"))
    plan = label_plan(badge.composer, ["Attendee"], "dymo-30856")
    fallbacks = fallback_files(plan)
    assert set(fallbacks) == set(font_files(plan))
    chain = FontLibrary.default().chain("sans", "bold")
    files = [f["file"] for f in fallbacks["sans/bold"]]
    assert files == [
        font.path.name
        for font in chain[1:]
        if set(font.cmap) - set().union(*(f.cmap for f in chain[: chain.index(font)]))
    ]
    for name, cp in (
        ("NotoSansArabic-Bold.ttf", 0x0644),
        ("DroidSansFallback.ttf", 0x5C71),
        ("NotoSansTamil-Bold.ttf", 0x0BA4),
    ):
        owners = [f["file"] for f in fallbacks["sans/bold"] if _covers(f["range"], cp)]
        assert owners == [name], (hex(cp), owners)  # one font per letter: the renderer's
    assert not any(_covers(f["range"], ord("A")) for f in fallbacks["sans/bold"])  # Latin: the family's own face


def test_unicode_range_joins_consecutive_code_points() -> None:
    assert unicode_range([0x41, 0x42, 0x43, 0x600, 0x602, 0x603]) == "U+41-43,U+600,U+602-603"
    assert unicode_range([]) == ""
