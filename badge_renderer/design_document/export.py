"""A bundled design (manifest.json + the artwork.json beside its static.svg.j2) as a design document.

Boxes become millimetres at the design's default size, ticket-type accents become overrides, and the artwork's
shapes come first so they print under the text, as the SVG did.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from badge_renderer.design_document.parse import FORMAT, VERSION
from badge_renderer.designs import BadgeDesign, load_design

_TEXT_DEFAULTS = ("family", "weight", "max_size", "min_size", "align", "valign", "color", "uppercase", "option")


def export_design(name: str) -> dict[str, Any]:
    """The bundled design `name` as a design document (a JSON-ready dict); DesignError for an unknown name."""
    from badge_renderer.render_support import layout_module

    design = load_design(name)
    size = layout_module().parse_badge_size(design.default_badge_size)
    mm = 72 / 25.4
    width_mm, height_mm = _round(size.width / mm), _round(size.height / mm)
    manifest = json.loads((design.directory / "manifest.json").read_text(encoding="utf-8"))
    artwork = json.loads((design.directory / "artwork.json").read_text(encoding="utf-8"))
    ids: set[str] = set()
    elements: list[dict[str, Any]] = [*artwork["front"]]
    elements += [_element(e, "front", (width_mm, height_mm), ids) for e in manifest["elements"]]
    if design.has_back:
        elements += artwork.get("back", [])
        elements += [_element(e, "back", (width_mm, height_mm), ids) for e in manifest["back"]["elements"]]
    sides = ["front", "back"] if design.has_back else ["front"]
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "name": design.name,
        "title": design.title,
        "description": design.description,
        "size": {"width_mm": width_mm, "height_mm": height_mm},
        "sides": sides,
        "safe_area_mm": design.safe_area_mm,
        "dark": design.dark,
        "colors": dict(design.colors),
        "backgrounds": {side: {"color": "background"} for side in sides},
        "elements": elements,
        "overrides": {t: {"colors": {"accent": c}} for t, c in design.ticket_accents.items()},
    }
    return document


def _element(raw: Mapping[str, Any], side: str, size: tuple[float, float], ids: set[str]) -> dict[str, Any]:
    kind = raw["kind"]
    x, y, w, h = (float(v) for v in raw["box"])
    out: dict[str, Any] = {"id": _unique_id(raw, side, ids), "kind": "image" if kind == "logo" else kind}
    if side == "back":
        out["side"] = "back"
    out["box"] = {
        "x": _round(x * size[0]),
        "y": _round(y * size[1]),
        "width": _round(w * size[0]),
        "height": _round(h * size[1]),
    }
    if kind == "text":
        out["text"] = raw.get("format", "")
    if kind in ("name", "text", "event_name"):
        out.update({key: raw[key] for key in _TEXT_DEFAULTS if key in raw})
        max_lines = int(raw.get("max_lines", 2))
        out.update({"fit": "shrink"} if max_lines == 1 else {"fit": "wrap", "max_lines": max_lines})
        if raw.get("grows_into"):
            out["grows_into"] = list(raw["grows_into"])
    return out


def _unique_id(raw: Mapping[str, Any], side: str, ids: set[str]) -> str:
    """'name', 'qr', 'role' (a text's first field), 'back-qr'...; '-2' and up when a design repeats one."""
    fields = re.findall(r"[A-Za-z0-9_]+", str(raw.get("format", ""))) if raw["kind"] == "text" else []
    stem = (fields[0] if fields else raw["kind"]).replace("_", "-")
    stem = f"back-{stem}" if side == "back" else stem
    candidate, n = stem, 2
    while candidate in ids:
        candidate, n = f"{stem}-{n}", n + 1
    ids.add(candidate)
    return candidate


def _round(value: float) -> float:
    """Millimetres to 0.1 micrometre: short numbers in the file, no visible difference in print."""
    rounded = round(value, 4)
    return int(rounded) if rounded == int(rounded) else rounded


def bundled_as_document(name: str) -> BadgeDesign:
    """The bundled design `name` parsed back from its exported document (what `--design-file` would draw)."""
    from badge_renderer.design_document.parse import parse_document

    return parse_document(export_design(name), filename=f"{name}.json")
