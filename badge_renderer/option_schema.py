"""A machine-readable description of RenderOptions, so a form (the web page) offers exactly what the renderer does.

Built from the dataclass fields and the renderer's own lists (papers, badge sizes, fonts, designs, presets, sides):
nothing here restates a value the renderer keeps elsewhere, so a new paper or font reaches the form by itself.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from typing import Any

from badge_renderer.layout.bleed import MAX_BLEED_MM
from badge_renderer.options import _IMAGE_OPTIONS, SERVER_SIZED_OPTIONS, RenderOptions

# How people think about a badge job: how it prints, what it shows, how it looks.
GROUPS: dict[str, tuple[str, ...]] = {
    "print": (
        "paper",
        "badge_size",
        "preset",
        "margin_mm",
        "gutter_mm",
        "crop_marks",
        "bleed_mm",
        "pdfx",
        "one_per_page",
        "rotate",
        "sides",
        "offset_x_mm",
        "offset_y_mm",
    ),
    "content": (
        "qr_field",
        "qr_kind",
        "show_pronouns",
        "emphasize_first_name",
        "font_family",
        "ticket_types",
        "group_by_type",
    ),
    "look": ("design", "event_name", "logo_image", "background_image", "accent", "background_color", "accents_by_type"),
}

LABELS = {
    "paper": "Paper",
    "badge_size": "Badge size",
    "preset": "Label sheet",
    "margin_mm": "Margin (mm)",
    "gutter_mm": "Gap between badges (mm)",
    "crop_marks": "Crop marks",
    "bleed_mm": "Bleed (mm)",
    "pdfx": "PDF/X-4 for a print shop",
    "one_per_page": "One badge per page (badge printer)",
    "rotate": "Turn badges when more fit",
    "sides": "Sides",
    "offset_x_mm": "Printer offset right (mm)",
    "offset_y_mm": "Printer offset down (mm)",
    "qr_field": "QR code",
    "qr_kind": "QR code content",
    "show_pronouns": "Show pronouns",
    "emphasize_first_name": "Larger given name",
    "font_family": "Font",
    "ticket_types": "Only these ticket types",
    "group_by_type": "Group badges by ticket type",
    "design": "Design",
    "event_name": "Event name",
    "logo_image": "Logo",
    "background_image": "Background image",
    "accent": "Accent colour",
    "background_color": "Background colour",
    "accents_by_type": "Colour per ticket type",
}

HELP = {
    "badge_size": "Empty: the design's own size. Custom sizes like 100x70mm or 4x3in work too.",
    "paper": "A named paper, or a custom size like 210x297mm or 8.5x11in.",
    "preset": "A label product; it sets the paper, badge size and margins itself.",
    "margin_mm": "Empty: automatic (10 mm, down to 4 mm when that fits more per sheet).",
    "bleed_mm": "Artwork past the cut line, for a print shop's trimming (3 mm is usual; 0 for office printers).",
    "pdfx": "Adds the colour profile and page boxes print shops check for.",
    "offset_x_mm": "Moves everything right (negative: left) for a printer that prints off-centre; the calibration "
    "page measures it.",
    "offset_y_mm": "Moves everything down (negative: up) for a printer that prints off-centre; the calibration "
    "page measures it.",
    "sides": "Duplex prints backs on the next page; fold-over puts the back above the front to fold.",
    "qr_field": "A contact card (vCard of name, organization, job title and email) or a column's value, as a QR code.",
    "qr_kind": "text: the column's value; vcard: a contact card with name, organization, job title and email.",
    "accents_by_type": "Overrides the design's built-in colour for a ticket type.",
}

RANGES = {
    "bleed_mm": (0, MAX_BLEED_MM),
    "margin_mm": (0, 100),
    "gutter_mm": (0, 100),
    "offset_x_mm": (-50, 50),
    "offset_y_mm": (-50, 50),
}
_KINDS = {"bool": "boolean", "float": "number", "str": "text"}


def option_schema() -> dict[str, Any]:
    """{"groups": {group: [option, ...]}, "server_decides": [...]}; each option has name, label, kind, default and,
    where the renderer has a list, choices (value + title)."""
    known = {f.name: f for f in fields(RenderOptions)}
    choices = _choices()
    groups: dict[str, list[dict[str, Any]]] = {}
    for group, names in GROUPS.items():
        groups[group] = []
        for name in names:
            spec = known[name]
            default = spec.default if spec.default is not MISSING else None
            entry: dict[str, Any] = {
                "name": name,
                "label": LABELS[name],
                "kind": _kind(name, str(spec.type)),
                "default": list(default) if isinstance(default, tuple) else default,
            }
            if spec.default_factory is not MISSING:
                entry["default"] = spec.default_factory()
            if name in HELP:
                entry["help"] = HELP[name]
            if name in RANGES:
                entry["min"], entry["max"] = RANGES[name]
            if name in choices:
                entry["choices"] = choices[name]
            groups[group].append(entry)
    return {"groups": groups, "server_decides": list(SERVER_SIZED_OPTIONS)}


def _kind(name: str, annotation: str) -> str:
    if name in _IMAGE_OPTIONS:
        return "image"
    if name in ("accent", "background_color"):
        return "colour"
    if name == "accents_by_type":
        return "colour_map"
    if name == "ticket_types":
        return "list"
    if name in ("design", "paper", "badge_size", "preset", "sides", "qr_kind", "font_family"):
        return "choice"
    for token, kind in _KINDS.items():
        if annotation.startswith(token):
            return kind
    return "text"


def _choices() -> dict[str, list[dict[str, Any]]]:
    from badge_renderer.designs import list_designs
    from badge_renderer.layout import BADGE_SIZES, PAPERS, PRESETS, SIDES
    from badge_renderer.render_support import font_families

    return {
        "paper": [{"value": size.name, "title": size.name} for size in PAPERS.values()],
        "badge_size": [{"value": size.name, "title": _size_title(size)} for size in BADGE_SIZES.values()],
        "preset": [{"value": p.name, "title": p.title} for p in PRESETS.values()],
        "sides": [{"value": side, "title": _SIDE_TITLES.get(side, side)} for side in SIDES],
        "qr_kind": [
            {"value": "text", "title": "The column's text"},
            {"value": "vcard", "title": "Contact card (vCard)"},
        ],
        "font_family": [{"value": family, "title": family.capitalize()} for family in font_families()],
        "design": [
            {
                "value": d.name,
                "title": d.title,
                "description": d.description,
                "has_back": d.has_back,
                "ticket_colours": dict(d.ticket_accents),
                "accent": d.colors.get("accent"),
                "background": d.colors.get("background"),
            }
            for d in list_designs()
        ],
    }


_SIDE_TITLES = {"single": "Front only", "duplex": "Two-sided (duplex)", "foldover": "Fold-over"}


def _size_title(size: Any) -> str:
    from badge_renderer.layout import MM

    return f"{size.name} ({size.width / MM:.0f} × {size.height / MM:.0f} mm)"
