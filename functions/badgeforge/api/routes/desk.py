"""/api/desk/{jobId}/...: the on-site desk and kiosk of a finished job (the organizer's own jobs only).

Every action goes through badgeforge.services.desk and so through the ports: the same routes work on the local
adapters and on Firebase. Nothing here charges usage (see the service's docstring).
"""

from __future__ import annotations

import csv
import io
import time
from typing import Any

from flask import Blueprint, Response, jsonify, request, send_from_directory

from badgeforge.services import desk, print_queue
from badgeforge.services.desk_checkins import checkin_node, last_print, reprint_warning
from badgeforge.services.desk_errors import DeskRefused
from badgeforge.services.desk_roster import load_roster

from ..context import api, current_user
from ..errors import ApiError, error_response
from ..inputs import request_key
from ..warnings_csv import safe_cell

bp = Blueprint("desk", __name__)

SEARCH_LIMIT_MAX = 50
DPIS = (203, 300, 600)


def _refused(err: DeskRefused) -> ApiError:
    details = dict(err.details)
    error = ApiError(
        err.status, err.code, err.message, field=details.pop("field", None), hint=details.pop("hint", None)
    )
    error.body.update({k: v for k, v in details.items() if v is not None})
    return error


@bp.errorhandler(DeskRefused)
def _desk_refused(err: DeskRefused):
    error = _refused(err)
    return error_response(error.status, error.body)


def _job() -> tuple[str, str]:
    user = current_user()
    job_id = request_key(request.view_args.get("job_id") if request.view_args else None, "job_id")
    return user.uid, str(job_id)


def _body() -> dict[str, Any]:
    return request.get_json(silent=True) or {}


def _device(body: dict[str, Any]) -> str:
    """The station's device name ("desk-2"), recorded with every check-in and print."""
    value = body.get("device")
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 100 or not value.isprintable():
        raise ApiError(
            400, "missing_field", "Say which desk this is (device, e.g. desk-2; up to 100 characters).", field="device"
        )
    return value.strip()


def _request_id(body: dict[str, Any]) -> str:
    """The client's id for this action (a retry sends the same one); the server makes one when there is none."""
    given = request_key(body.get("request_id"), "request_id", required=False)
    return given or api().services.db.push_key()


@bp.get("/api/desk/<job_id>/search")
def search(job_id: str):
    uid, job_id = _job()
    query = request.args.get("q", "")[:200]
    try:
        limit = max(1, min(SEARCH_LIMIT_MAX, int(request.args.get("limit", 20))))
    except ValueError as err:
        raise ApiError(400, "bad_limit", "limit must be a whole number.", field="limit") from err
    services = api().services
    roster = load_roster(services, uid, job_id)
    started = time.perf_counter()
    found, total = roster.search(query, limit)
    elapsed = (time.perf_counter() - started) * 1000
    return jsonify(
        {
            "results": [person.summary() for person in found],
            "total": total,
            "attendees": len(roster),
            "search_ms": round(elapsed, 2),
        }
    )


ROSTER_COLUMNS = ("key", "name", "organization", "email", "ticket_type", "ticket_id", "walk_in")
ROSTER_FIELDS_MAX = 24  # attendee fields the offline label may ask for (its design's formats, QR, conditions)


def _offline_at(body: dict[str, Any]) -> str | None:
    """A print the desk's browser drew itself while offline, synced now: when it printed (ISO time)."""
    if body.get("offline") is not True:
        return None
    at = body.get("printed_at")
    return at[:40] if isinstance(at, str) else ""


def _label_fields() -> list[str]:
    """?fields=first_name,role,...: the attendee fields the offline label draws (named by /label's plan)."""
    names = [name.strip() for name in request.args.get("fields", "").split(",") if name.strip()]
    if len(names) > ROSTER_FIELDS_MAX or any(len(name) > 100 or not name.isprintable() for name in names):
        raise ApiError(400, "bad_fields", f"fields: up to {ROSTER_FIELDS_MAX} field names.", field="fields")
    return list(dict.fromkeys(names))


def _record_summary(record: Any) -> dict[str, Any]:
    """What the desk page keeps per attendee: enough to warn before a reprint and count prints, also offline."""
    record = record if isinstance(record, dict) else {}
    last = last_print(record)
    summary = {name: record.get(name) for name in ("printed", "checked_in_at", "checked_in_device", "checked_out_at")}
    if last is not None:
        summary["last"] = {name: last.get(name) for name in ("at", "device", "station")}
    return {k: v for k, v in summary.items() if v is not None}


@bp.get("/api/desk/<job_id>/roster")
def roster(job_id: str):
    """The whole roster once, as rows of ROSTER_COLUMNS (only what the desk shows), with each check-in record's
    summary: the desk page searches it in the browser per keystroke and keeps working from it offline."""
    uid, job_id = _job()
    services = api().services
    fields = _label_fields()
    loaded = load_roster(services, uid, job_id)
    rows = []
    for index in (loaded.job, loaded.walkins):
        for person in index.people:
            summary = person.summary()
            rows.append([*(summary[name] for name in ROSTER_COLUMNS), *map(person.attendee.get, fields)])
    records = services.db.get(f"checkins/{uid}/{job_id}")
    checkins = (
        {key: _record_summary(value) for key, value in (records or {}).items()} if isinstance(records, dict) else {}
    )
    columns = [*ROSTER_COLUMNS, *(f"field:{name}" for name in fields)]
    response = jsonify({"columns": columns, "rows": rows, "checkins": checkins})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/desk/<job_id>/label")
def label(job_id: str):
    """The job's design at its label size as JSON: the desk page draws labels from it while offline."""
    uid, job_id = _job()
    preset = request.args.get("preset") or None
    plan = desk.label_plan(api().services, uid, job_id, preset[:100] if preset else None)
    plan["fonts"] = {key: f"/api/desk/fonts/{name}" for key, name in plan["fonts"].items()}
    response = jsonify(plan)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/desk/fonts/<name>")
def font(name: str):
    """A bundled font the offline label draws with (only the families' own files; no sign-in: a FontFace request
    carries no token, and these are the OFL/Apache fonts the repository ships)."""
    from badge_renderer.text.fonts import fonts_dir

    if name not in desk.label_font_names():
        raise ApiError(404, "not_found", "No such font.")
    response = send_from_directory(fonts_dir(), name, mimetype="font/ttf", max_age=7 * 86400)
    response.headers["Cache-Control"] = "public, max-age=604800, immutable"
    return response


@bp.get("/api/desk/<job_id>/kiosk")
def kiosk(job_id: str):
    """Self-service: one attendee by their whole email or ticket code; never a list, never a partial match."""
    uid, job_id = _job()
    person = desk.kiosk_lookup(load_roster(api().services, uid, job_id), request.args.get("q", "")[:320])
    if person is None:
        raise ApiError(404, "not_found", "No ticket or email matches. Check the spelling, or ask at the desk.")
    summary = person.summary()
    return jsonify(
        {"attendee": {"key": summary["key"], "name": summary["name"], "organization": summary["organization"]}}
    )


@bp.get("/api/desk/<job_id>/attendees/<key>")
def attendee(job_id: str, key: str):
    uid, job_id = _job()
    key = str(request_key(key, "key"))
    services = api().services
    person = load_roster(services, uid, job_id).get(key)
    record = services.db.get(checkin_node(uid, job_id, key)) or {}
    return jsonify(
        {
            "attendee": person.summary(),
            "record": record,
            "reprint_warning": reprint_warning(record, request.args.get("timezone")),
        }
    )


@bp.post("/api/desk/<job_id>/print")
def print_badge(job_id: str):
    """Print one badge now. Without `station` the label file comes back (PDF for the browser's print dialog, or
    ZPL); with one it is queued for that station's agent and the answer is JSON."""
    uid, job_id = _job()
    body = _body()
    fmt = body.get("format", "pdf")
    dpi = body.get("dpi", 203)
    if dpi not in DPIS:
        raise ApiError(400, "bad_dpi", "dpi must be 203, 300 or 600.", field="dpi")
    outcome = desk.print_badge(
        api().services,
        uid,
        job_id,
        desk.PrintRequest(
            key=str(request_key(body.get("key"), "key")),
            device=_device(body),
            by=current_user().email,
            preset=body.get("preset") if isinstance(body.get("preset"), str) else None,
            fmt=fmt if isinstance(fmt, str) else "",
            dpi=dpi,
            station=request_key(body.get("station"), "station", required=False),
            confirm_reprint=body.get("confirm_reprint") is True,
            request_id=_request_id(body),
            timezone=body.get("timezone") if isinstance(body.get("timezone"), str) else None,
            offline_at=_offline_at(body),
        ),
    )
    if outcome.queued is not None or not outcome.data:  # queued for a station, or an offline print recorded
        return jsonify(
            {
                "print_id": outcome.print_id,
                "queued": outcome.queued,
                "record": outcome.record,
                "reprint": outcome.reprint,
            }
        ), (202 if outcome.queued is not None else 200)
    mime = "application/pdf" if outcome.fmt == "pdf" else "application/vnd.zebra-zpl"
    response = Response(outcome.data, mimetype=mime)
    response.headers["Content-Disposition"] = f'inline; filename="badge-{outcome.print_id}.{outcome.fmt}"'
    response.headers["X-Print-Id"] = outcome.print_id
    response.headers["X-Label-Preset"] = outcome.preset
    response.headers["X-Printed-Count"] = str(outcome.record.get("printed", 0))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/api/desk/<job_id>/walkins")
def walkin(job_id: str):
    uid, job_id = _job()
    body = _body()
    person = desk.add_walkin(
        api().services, uid, job_id, body, device=_device(body), by=current_user().email, request_id=_request_id(body)
    )
    return jsonify({"attendee": person.summary()}), 201


@bp.post("/api/desk/<job_id>/checkin")
def checkin(job_id: str):
    uid, job_id = _job()
    body = _body()
    key = str(request_key(body.get("key"), "key"))
    return jsonify({"record": desk.check_in(api().services, uid, job_id, key, device=_device(body))})


@bp.post("/api/desk/<job_id>/checkout")
def checkout(job_id: str):
    uid, job_id = _job()
    body = _body()
    key = str(request_key(body.get("key"), "key"))
    record = desk.check_out(api().services, uid, job_id, key, device=_device(body), request_id=_request_id(body))
    return jsonify({"record": record})


@bp.get("/api/desk/stations/<station>")
def station_queue(station: str):
    """A station's open items (queued, sending, failed with the reason), so the desk sees what waits or failed."""
    user = current_user()
    station = str(request_key(station, "station"))
    items = print_queue.open_items(api().services, user.uid, station)
    return jsonify({"station": station, **{status: list(found.values()) for status, found in items.items()}})


@bp.get("/api/desk/<job_id>/export.csv")
def export(job_id: str):
    """The desk's record as CSV (checked in, printed, walk-ins); every cell formula-safe for spreadsheets."""
    uid, job_id = _job()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(desk.EXPORT_COLUMNS)
    for row in desk.record_rows(api().services, uid, job_id):
        writer.writerow([safe_cell(row[name]) for name in desk.EXPORT_COLUMNS])
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="desk-{job_id}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
