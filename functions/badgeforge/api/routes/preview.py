"""Live preview: what the reader detected in the CSV, any badge as the renderer draws it (row stepper, front or
back), the printed sheet's plan (badges per sheet, pages) and the warnings. Costs no usage (but is rate-limited per
user: each one renders a badge; the file is read once per draft, its rows checked once per option set)."""

from __future__ import annotations

import base64
import json
import math
from typing import Any

from flask import Blueprint, Response, jsonify, request

from badge_renderer.errors import BadgeForgeError

from .. import pipeline
from ..context import api, current_user
from ..errors import ApiError, from_badgeforge_error
from ..limits import take_preview_slot
from ..parsed_tables import read_table_once
from ..preview_warnings import job_warnings
from ..uploads import read_upload, render_options
from ..warnings_csv import warnings_csv

bp = Blueprint("preview", __name__)

FIRST_ROWS = 5
WARNINGS_PAGE = 100
MAX_CELL_CHARS = 200
BASE_DPI = 96  # one CSS pixel per 1/96 in: the badge at its printed size on screen
MAX_SCALE = 3.0  # device pixel ratio beyond this adds bytes, not sharpness
MAX_PREVIEW_PIXELS = 4_000_000  # a custom 1 m badge at 3x would be a 150 MP image


def first_rows(table: Any, limit: int = FIRST_ROWS) -> list[list[str]]:
    """The first data rows as the reader read them (never a second parse: that one disagreed with the reader on
    bare CRs and long fields), so the user can check the column mapping."""
    return [[cell[:MAX_CELL_CHARS] for cell in row] for row in table.sample_rows[:limit]]


def _form_number(name: str, default: float, low: float, high: float) -> float:
    raw = request.form.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as err:
        raise ApiError(400, "bad_request", f"'{name}' must be a number.", field=name) from err
    if not math.isfinite(value):
        raise ApiError(400, "bad_request", f"'{name}' must be a number.", field=name)
    return min(high, max(low, value))


def _type_of(person: Any) -> str:
    return (person.ticket_type or person.role or "").strip()


def stepper(selected: list[Any]) -> dict[str, Any]:
    """Where the row stepper can jump: the longest name and the first badge of each ticket type."""
    longest = max(range(len(selected)), key=lambda i: len(selected[i].display_name)) if selected else 0
    types: dict[str, dict[str, Any]] = {}
    for index, person in enumerate(selected):
        kind = _type_of(person)
        key = kind.casefold()
        if key not in types:
            types[key] = {"type": kind, "index": index, "count": 0}
        types[key]["count"] += 1
    return {"longest": longest, "types": list(types.values())}


def sheet_view(options: Any, badges: int) -> dict[str, Any]:
    """The printed page as the PDF will lay it out (mm): its size, every badge slot, per sheet and page count."""
    from badge_renderer.layout import MM
    from badge_renderer.render_support import plan_for

    plan = plan_for(options)

    def box(slot: Any) -> dict[str, float]:
        return {
            "x": round(slot.x / MM, 2),
            "y": round(slot.y / MM, 2),
            "w": round(slot.width / MM, 2),
            "h": round(slot.height / MM, 2),
            "rotation": slot.rotation,
        }

    return {
        "page": {"w": round(plan.page.width / MM, 2), "h": round(plan.page.height / MM, 2), "name": plan.page.name},
        "fronts": [box(s) for s in plan.fronts],
        "backs": [] if plan.backs_on_next_page else [box(s) for s in plan.backs],
        "per_sheet": plan.per_sheet,
        "sheets": math.ceil(badges / plan.per_sheet) if plan.per_sheet else 0,
        "pages": plan.pages_for(badges),
        "duplex": bool(plan.backs and plan.backs_on_next_page),
        "notes": list(plan.notes),
    }


def _take_slot() -> Any:
    user = current_user()
    services = api().services
    take_preview_slot(services, user.uid, pipeline.now(services))
    return user


def _posted_document(upload: Any) -> None:
    """The studio posts the document it is editing (`design_document`, JSON); assets it holds without their bytes
    come from the saved design it names (`design_id`, the caller's own)."""
    raw = request.form.get("design_document", "").strip()
    if not raw:
        return
    from badge_renderer import limits
    from badgeforge.services import saved_designs

    if len(raw) > limits.DESIGN_MAX_BYTES:
        raise ApiError(413, "too_large", "The design document is too large.", field="design_document")
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as err:
        raise ApiError(400, "bad_json", "The design document is not valid JSON.", field="design_document") from err
    if not isinstance(document, dict):
        raise ApiError(400, "bad_json", "The design document must be a JSON object.", field="design_document")
    design_id = str(upload.options.get("design_id") or "") or None
    if design_id is not None and not saved_designs.is_design_id(design_id):
        design_id = None
    try:
        upload.design_document = saved_designs.inline_assets(api().services, current_user().uid, design_id, document)
    except saved_designs.DesignRefused as err:
        raise ApiError(400, "bad_design", str(err), field="design_document") from err


def _prepared() -> tuple[Any, Any, Any, list[Any]]:
    upload = read_upload()
    _posted_document(upload)
    table = read_table_once(upload)
    from badge_renderer.column_names import for_table
    from badge_renderer.render import select_for_options

    options = for_table(render_options(upload), table)  # columns named as the job will resolve them

    selected = list(select_for_options(table.attendees, options))
    if not selected:
        raise ApiError(
            400,
            "no_match",
            "No attendee has the chosen ticket types.",
            hint="Choose other ticket types, or none to print everyone.",
            field="ticket_types",
        )
    return upload, table, options, selected


@bp.post("/api/preview")
def preview():
    user = _take_slot()
    with api().previews.hold(user.uid):
        upload, table, options, selected = _prepared()
        index = int(_form_number("row", 0, 0, len(selected) - 1))
        side = "back" if request.form.get("side") == "back" else "front"
        from badge_renderer.designs import design_for
        from badge_renderer.render import render_preview

        design = design_for(options)
        if side == "back" and not (design.has_back and options.sides != "single"):
            side = "front"
        try:
            sheet = sheet_view(options, len(selected))
            badge = sheet_badge_mm(sheet)
            scale = _form_number("scale", 1.0, 1.0, MAX_SCALE)
            dpi = min(BASE_DPI * scale, math.sqrt(MAX_PREVIEW_PIXELS / max(1e-6, badge[0] * badge[1] / 645.16)))
            png, _ = render_preview(selected[index], options, dpi=max(24, round(dpi)), side=side)
            warnings = job_warnings(upload, table, options, selected)  # every row's, not just this badge's
        except BadgeForgeError as err:
            raise from_badgeforge_error(err, field=err.column or layout_field(options)) from err
    offset = int(_form_number("warnings_offset", 0, 0, max(0, len(warnings) - 1)))
    steps = stepper(selected)
    for entry in steps["types"]:
        entry["colour"] = (
            options.accents_by_type.get(entry["type"])
            or design.accent_for(entry["type"])
            or options.accent
            or design.colors.get("accent")
        )
    person = selected[index]
    return jsonify(
        {
            "columns": list(table.columns),
            "rows": first_rows(table),
            "mapping": dict(table.field_map),
            "count": len(table.attendees),
            "selected": len(selected),
            "source_format": table.source_format,
            "encoding": table.encoding,
            "delimiter": table.delimiter,
            "warnings": warnings[offset : offset + WARNINGS_PAGE],
            "warnings_offset": offset,
            "warning_count": len(warnings),
            "first": {"name": selected[0].display_name, "row": selected[0].row},
            "badge": {"index": index, "name": person.display_name, "row": person.row, "type": _type_of(person)},
            "side": side,
            "has_back": design.has_back and options.sides != "single",
            "photo_columns": sorted(
                {e.column or "photo" for e in (*design.elements, *design.back_elements) if e.kind == "photo"}
            ),
            "steps": steps,
            "sheet": sheet,
            "dpi": round(dpi),
            "preview": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        }
    )


def layout_field(options: Any) -> str:
    """The form field a sheet-plan error without a column belongs to ("the badge does not fit the paper with these
    margins"): the CSV is already read by then, so it is about the layout, shown beside the field that sets it."""
    if options.preset:
        return "preset"
    return "margin_mm" if options.margin_mm is not None else "badge_size"


def sheet_badge_mm(sheet: dict[str, Any]) -> tuple[float, float]:
    first = sheet["fronts"][0] if sheet["fronts"] else {"w": 100, "h": 100}
    return first["w"], first["h"]


@bp.post("/api/preview/warnings.csv")
def preview_warnings_csv():
    """Every warning the job would give (file, sheet, design and every row's text), as a spreadsheet-safe CSV."""
    user = _take_slot()
    with api().previews.hold(user.uid):
        upload, table, options, selected = _prepared()
        try:
            warnings = job_warnings(upload, table, options, selected)
        except BadgeForgeError as err:
            raise from_badgeforge_error(err) from err
    return Response(
        warnings_csv(warnings),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="badge-warnings.csv"'},
    )
