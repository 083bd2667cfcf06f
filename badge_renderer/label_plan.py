"""A badge design laid out at one label size, as JSON a browser can draw: the desk's offline label.

Why a plan and not the PDF: offline, the desk page must draw any attendee's badge itself. The layout decisions
that depend on the label (each element's box after the safe area and the grow-into rules, the name's smallest
size on a wide badge, the palette of each ticket type) are taken here by the same composer that draws the PDF;
the browser only fits the text into those boxes (canvas measureText) and encodes the QR code.

What the browser cannot draw is listed in `unsupported` (and then left out of the label), never guessed.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Iterable
from typing import Any

from badge_renderer.designs import Element, format_fields

MM = 72 / 25.4
SHAPES = ("rect", "ellipse", "line", "polygon")
TEXT_KINDS = ("name", "text", "event_name")
PLAN_VERSION = 1
IMAGE_MAX_BYTES = 2 << 20  # a logo or design image carried in the plan (base64): bigger ones are left out


def label_plan(composer: Any, ticket_types: Iterable[str] = (), preset: str = "") -> dict[str, Any]:
    """The front of `composer`'s badge (one label) as a JSON-ready dict; see docs/architecture.md (desk)."""
    design, options = composer.design, composer.options
    width, height = composer.width, composer.height
    unsupported: list[str] = []
    elements: list[dict[str, Any]] = []
    document = composer.document
    artwork: tuple[Element, ...] = ()
    if document is None:  # a bundled design: its static.svg.j2 artwork is the exported document's shapes
        from badge_renderer.design_document import bundled_as_document

        artwork = tuple(e for e in bundled_as_document(design.name).elements if e.kind in SHAPES)
    types = sorted({t.strip().casefold() for t in ticket_types if t and t.strip()})[:200]
    placed = [(e, e.box.scaled(width, height)) for e in artwork]  # shapes print as placed, like the SVG's
    placed += [(e, composer.box(e)) for e in design.side_elements("front")]
    for element, box in placed:
        item = _element(composer, element, box, unsupported)
        if item is None:
            continue
        if document is not None:
            item["hidden"] = element.hidden
            toggled = [t for t in types if document.visible(element, t) == element.hidden]
            if toggled:
                item["toggle"] = toggled  # ticket types whose override shows a hidden element or hides a shown one
            if element.when:
                item["when"] = [_condition(c) for c in element.when]
        elements.append(item)
    palettes = {t: composer.palette(t).__dict__ for t in ("", *types)}
    background = _background(composer, types, unsupported)
    fields = {"first_name", "last_name", "full_name", "ticket_type", "role"}
    for item in elements:
        fields.update(format_fields(item.get("format", "")))
        fields.update(c["column"] for c in _flat(item.get("when", ())) if c["kind"] in ("not_empty", "equals"))
        if item.get("qr_field"):
            fields.add(item["qr_field"])
    if options.qr_field:
        fields.add(options.qr_field)
    if options.qr_kind == "vcard" or any(e.get("qr_vcard") for e in elements):
        fields.update(("organization", "email"))
    return {
        "version": PLAN_VERSION,
        "preset": preset,
        "width_mm": round(width / MM, 3),
        "height_mm": round(height / MM, 3),
        "design": design.name,
        "background": background,
        "palettes": palettes,
        "elements": elements,
        "event_name": options.event_name,
        "logo": _data_url(options.logo_image, "logo", unsupported),
        "qr": {"field": options.qr_field or "", "kind": options.qr_kind},
        "show_pronouns": options.show_pronouns,
        "emphasize_first_name": options.emphasize_first_name,
        "font_family": options.font_family,
        "fields": sorted(f for f in fields if f and f != "name"),
        "unsupported": sorted(set(unsupported)),
    }


def _element(composer: Any, element: Element, box: tuple[float, ...], unsupported: list[str]) -> dict | None:
    x, y, w, h = (round(v / MM, 3) for v in box)
    item: dict[str, Any] = {"kind": element.kind, "id": element.id, "box": [x, y, w, h]}
    if element.rotation:
        item["rotation"] = element.rotation
    if element.opacity != 1.0:
        item["opacity"] = element.opacity
    if element.kind in TEXT_KINDS:
        item.update(
            format=element.format,
            family=element.family or composer.options.font_family,
            weight=element.weight,
            max_size=element.max_size,
            min_size=composer.min_size(element),
            max_lines=element.max_lines,
            align=element.align,
            valign=element.valign,
            color=element.color,
            uppercase=element.uppercase,
            option=element.option,
            emphasis=element.emphasis,
            italic=element.style == "italic",
        )
    elif element.kind in SHAPES:
        scale = getattr(composer.document, "scale", 1.0) if composer.document is not None else 1.0
        item.update(
            fill=element.fill,
            stroke=element.stroke,
            stroke_width_mm=round(element.stroke_width_mm * scale, 3),
            radius_mm=round(element.radius_mm * scale, 3),
            points=[list(p) for p in element.points],
        )
    elif element.kind == "qr":
        item.update(qr_field=element.qr_field, qr_vcard=element.qr_vcard)
    elif element.kind == "image":
        asset = composer.design.document.assets.get(element.asset) if element.asset else None
        if asset is None or asset.media_type == "image/svg+xml":
            unsupported.append("SVG images in the design")
            return None
        item["src"] = _data_url(asset.data, f"design image '{element.asset}'", unsupported, asset.media_type)
        if item["src"] is None:
            return None
    elif element.kind == "photo":
        unsupported.append("attendee photos (a placeholder box is left empty)")
        return None
    return item


def _background(composer: Any, types: list[str], unsupported: list[str]) -> dict[str, Any]:
    """The front's background colour role per ticket type; its image, when the browser can show it."""
    out: dict[str, Any] = {"image": _data_url(composer.options.background_image, "background", unsupported)}
    document = composer.document
    if document is None:
        return {**out, "color": {"": "background"}}
    colors = {t: document.parts.background("front", t).color for t in ("", *types)}
    for t in ("", *types):
        found = document.parts.background("front", t)
        if found.svg:
            unsupported.append("SVG background artwork (the background colour prints instead)")
        if found.image:
            asset = document.parts.assets.get(found.image)
            if asset is not None and t == "" and out["image"] is None:
                out["image"] = _data_url(asset.data, "design background", unsupported, asset.media_type)
    return {**out, "color": colors}


def _data_url(data: bytes | None, label: str, unsupported: list[str], media_type: str = "") -> str | None:
    if not data:
        return None
    if len(data) > IMAGE_MAX_BYTES:
        unsupported.append(f"the {label} image (over {IMAGE_MAX_BYTES >> 20} MB)")
        return None
    media_type = media_type or _sniff(data)
    if media_type not in ("image/png", "image/jpeg", "image/webp", "image/gif"):
        unsupported.append(f"the {label} image ({media_type or 'unknown type'})")
        return None
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def _sniff(data: bytes) -> str:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return ""


def _condition(condition: Any) -> dict[str, Any]:
    return {
        "kind": condition.kind,
        "column": condition.column,
        "value": condition.value,
        "any": [_condition(c) for c in condition.any],
    }


def _flat(conditions: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for condition in conditions:
        yield condition
        yield from _flat(condition["any"])


def font_files(plan: dict[str, Any]) -> dict[str, str]:
    """'family/weight' -> the bundled font file the plan's text is drawn in (the family's own face)."""
    from badge_renderer.text.fonts import FontLibrary

    library = FontLibrary.default()
    return {f"{family}/{weight}": library.chain(family, weight)[0].path.name for family, weight in _faces(plan)}


def fallback_files(plan: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """'family/weight' -> the script fallbacks of that face, in the order the renderer tries them, each with the CSS
    unicode-range of the characters it draws that no font before it in the chain does (the renderer's first
    covering font wins, so the browser picks the same font for a character). The page fetches only those the
    roster's names need, so a Japanese or Arabic name prints offline in the fonts the PDF uses."""
    from badge_renderer.text.fonts import FontLibrary

    library = FontLibrary.default()
    return {f"{family}/{weight}": list(_fallback_ranges(library, family, weight)) for family, weight in _faces(plan)}


def _faces(plan: dict[str, Any]) -> list[tuple[str, str]]:
    from badge_renderer.text.fonts import normalize_weight

    wanted = {(e["family"], normalize_weight(e["weight"])) for e in plan["elements"] if e["kind"] in TEXT_KINDS}
    wanted |= {(e["family"], "regular") for e in plan["elements"] if e["kind"] == "name"}  # the last name's face
    return sorted(wanted)


@functools.cache
def _fallback_ranges(library: Any, family: str, weight: str) -> tuple[dict[str, str], ...]:
    chain = library.chain(family, weight)
    seen = set(chain[0].cmap)
    found = []
    for font in chain[1:]:
        own = sorted(set(font.cmap) - seen)
        seen |= font.cmap
        if own:
            found.append({"file": font.path.name, "range": unicode_range(own)})
    return tuple(found)


def unicode_range(codepoints: Iterable[int]) -> str:
    """Sorted code points as a CSS unicode-range ("U+600-6FF,U+FB50"), consecutive ones joined."""
    spans: list[list[int]] = []
    for cp in codepoints:
        if spans and cp == spans[-1][1] + 1:
            spans[-1][1] = cp
        else:
            spans.append([cp, cp])
    return ",".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in spans)
