"""The design gallery (names, titles and preview images of the bundled designs) and the label presets, their titles
and descriptions in the reader's language (the renderer's English is the catalogue's id: services/messages.py)."""

from __future__ import annotations

import functools
import io
import struct
from pathlib import Path

from flask import Blueprint, jsonify, request, send_file

from .. import option_wording
from ..context import current_user
from ..errors import ApiError
from ..web_wording import web_text

bp = Blueprint("designs", __name__)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
UNTRANSLATED = ("paper", "font_family", "badge_size")  # names ("A4", "Inter", "A6 (105 × 148 mm)") read alike


def _designs() -> list:
    from badge_renderer.designs import list_designs

    return list_designs()


def _preview_path(design) -> Path | None:
    for attr in ("preview_path", "preview"):
        value = getattr(design, attr, None)
        if isinstance(value, str | Path) and Path(value).is_file():
            return Path(value)
    for attr in ("path", "directory", "root", "folder"):
        value = getattr(design, attr, None)
        if isinstance(value, str | Path) and (Path(value) / "preview.png").is_file():
            return Path(value) / "preview.png"
    return None


@functools.cache
def _png_size(path: Path) -> tuple[int, int] | None:
    """A PNG's pixel width and height from its header (24 bytes, read once per file): the gallery gives its <img>
    these, so each card has its final height before the picture arrives and nothing moves under the pointer."""
    with path.open("rb") as file:
        head = file.read(24)
    if not head.startswith(PNG_SIGNATURE) or head[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def _describe(design) -> dict:
    name = getattr(design, "name", str(design))
    size = getattr(design, "default_badge_size", None) or getattr(design, "badge_size", None)
    preview = _preview_path(design)
    width, height = (_png_size(preview) if preview else None) or (None, None)
    return {
        "name": name,
        "title": web_text(getattr(design, "title", "") or name),
        "description": web_text(getattr(design, "description", "")),  # manifests speak CLI ("use --duplex")
        "default_badge_size": getattr(size, "name", None) or (str(size) if size else None),
        "preview_url": f"/api/designs/{name}/preview.png" if preview else None,
        "preview_width": width,  # its variants (no QR code, the back) are drawn at its 110 dpi: one size
        "preview_height": height,
        "has_back": bool(getattr(design, "has_back", False)),
    }


@bp.get("/api/designs")
def designs():
    current_user()
    return jsonify({"designs": [_describe(d) for d in _designs()]})


@bp.get("/api/presets")
def presets():
    """The label sheets and label-printer stock a job may name in `preset` (same shape as `badgeforge presets`)."""
    current_user()
    from badge_renderer.layout import PRESETS

    described = [preset.describe() for preset in PRESETS.values()]
    for preset in described:
        preset["title"] = web_text(preset["title"])
    return jsonify({"presets": described})


@bp.get("/api/options")
def options():
    """Every render option a job may set, grouped (print, content, look), with the renderer's own choices, so the
    form offers what the renderer does (badge_renderer.option_schema); labels and help in the Accept-Language."""
    current_user()
    from badge_renderer.option_schema import option_schema
    from badgeforge.config import templates_dir

    language = request.accept_languages.best_match(option_wording.LANGUAGES) or option_wording.ENGLISH
    schema = option_wording.in_language(option_schema(), language, str(templates_dir()))
    for group in schema["groups"].values():
        for option in group:
            for choice in option.get("choices", ()):
                for field in ("title", "description"):
                    if isinstance(choice.get(field), str) and option["name"] not in UNTRANSLATED:
                        choice[field] = web_text(choice[field], language)
    answer = jsonify(schema)
    answer.vary.add("Accept-Language")
    return answer


_VARIANTS: dict[tuple[str, bool, str], bytes] = {}  # at most designs x 2 x 2 small PNGs, drawn once per process


def _variant(name: str, qr: bool, side: str) -> bytes:
    """The sample badge as the form would print it: without its QR code, or its back (drawn once, then kept)."""
    key = (name, qr, side)
    if key not in _VARIANTS:
        from badge_renderer.previews import SAMPLE, sample_options
        from badge_renderer.render import render_preview

        options = sample_options(name).with_changes(  # type: ignore[attr-defined]
            qr_field="ticket_id" if qr else None, sides="duplex" if side == "back" else "single"
        )
        _VARIANTS[key] = render_preview(SAMPLE, options, dpi=110, side=side)[0]
    return _VARIANTS[key]


@bp.get("/api/designs/<name>/preview.png")
def design_preview(name: str):
    # Public like any static asset: a preview picture reveals nothing about anyone.
    # ?qr=0 shows it without its QR code and ?side=back its back, as the gallery shows what the form will produce.
    qr = request.args.get("qr", "1") != "0"
    side = "back" if request.args.get("side") == "back" else "front"
    for design in _designs():
        if getattr(design, "name", None) == name:
            if not qr or (side == "back" and design.has_back):
                return send_file(io.BytesIO(_variant(name, qr, side)), mimetype="image/png", max_age=3600)
            path = _preview_path(design)
            if path is not None:
                return send_file(path, mimetype="image/png", max_age=3600)
    raise ApiError(404, "not_found", f"No preview for design '{name}'.")
