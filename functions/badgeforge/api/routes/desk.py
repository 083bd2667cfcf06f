"""/api/desk/{jobId}/...: the on-site desk and kiosk of a finished job (the organizer's own jobs only).

Every action goes through badgeforge.services.desk and so through the ports: the same routes work on the local
adapters and on Firebase. Nothing here charges usage (see the service's docstring).

Who may call: the signed-in organizer, or a desk session's bearer token (services/desk_sessions.py) for its one
job. A desk token may do the desk's work for that job; a kiosk token only the KIOSK_ROUTES
(look up one attendee, print and check in the one it found). Session management is the organizer's alone.
"""

from __future__ import annotations

import csv
import io
import re
import time
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, g, jsonify, request, send_from_directory

from badgeforge.services import desk, desk_sessions, print_queue
from badgeforge.services.desk_checkins import checkin_node, last_print, reprint_warning
from badgeforge.services.desk_errors import DeskRefused
from badgeforge.services.desk_roster import load_roster
from badgeforge.services.desk_sessions import DeskSession, SessionForbidden
from badgeforge.services.rate_limits import RateLimited

from ..auth import bearer_token
from ..context import api, current_user
from ..errors import ApiError, error_response
from ..inputs import request_key
from ..warnings_csv import safe_cell

bp = Blueprint("desk", __name__)
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?")

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


KIOSK_ROUTES = frozenset({"desk.kiosk", "desk.print_badge", "desk.checkin", "desk.whoami"})


def _session() -> DeskSession | None:
    """The desk session this request's bearer token opens (None: an account token; the organizer). Looked up once
    per request; a session may only use its own job, and a kiosk only KIOSK_ROUTES."""
    if "desk_session" not in g:
        token = bearer_token()
        g.desk_session = (
            desk_sessions.authenticate(api().services, token) if desk_sessions.is_desk_token(token) else None
        )
        if g.desk_session is not None and g.desk_session.kiosk and request.endpoint not in KIOSK_ROUTES:
            raise SessionForbidden(
                "kiosk_scope", "A kiosk can only look up one attendee by email or ticket code, print and check in."
            )
    return g.desk_session


def _uid() -> str:
    session = _session()
    return session.uid if session is not None else current_user().uid


def _by() -> str:
    session = _session()
    return session.by if session is not None else current_user().email


def _job() -> tuple[str, str]:
    job_id = str(request_key(request.view_args.get("job_id") if request.view_args else None, "job_id"))
    session = _session()
    if session is None:
        return current_user().uid, job_id
    if job_id != session.job_id:
        raise SessionForbidden("other_job", "This desk link opens one job only; ask the organizer for this job's link.")
    return session.uid, job_id


def _organizer_job() -> tuple[str, str]:
    """Session management: the signed-in organizer only, never a desk or kiosk token."""
    if desk_sessions.is_desk_token(bearer_token()):
        raise SessionForbidden("organizer_only", "Only the organizer, signed in, can manage desk sessions.")
    job_id = str(request_key(request.view_args.get("job_id") if request.view_args else None, "job_id"))
    return current_user().uid, job_id


def _body() -> dict[str, Any]:
    return request.get_json(silent=True) or {}


def _device(body: dict[str, Any]) -> str:
    """The station's device name ("desk-2"), recorded with every check-in and print (a session's own name)."""
    session = _session()
    if session is not None:
        return session.device
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
    plan["fallback_fonts"] = {
        key: [{"url": f"/api/desk/fonts/{f['file']}", "range": f["range"]} for f in fallbacks]
        for key, fallbacks in plan.get("fallback_fonts", {}).items()
    }
    response = jsonify(plan)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/desk/fonts/<name>")
def font(name: str):
    """A bundled font the offline label draws with: a family's own faces and their script fallbacks (no sign-in: a
    FontFace request carries no token, and these are the OFL/Apache fonts the repository ships)."""
    from badge_renderer.text.fonts import fonts_dir

    if name not in desk.label_font_names():
        raise ApiError(404, "not_found", "No such font.")
    response = send_from_directory(fonts_dir(), name, mimetype="font/ttf", max_age=7 * 86400)
    response.headers["Cache-Control"] = "public, max-age=604800, immutable"
    return response


@bp.get("/api/desk/<job_id>/kiosk")
def kiosk(job_id: str):
    """Self-service: one attendee by their whole email or ticket code; never a list, never a partial match.
    On a kiosk token every look-up counts against the token's rate limit, and the one found may then be printed."""
    uid, job_id = _job()
    services = api().services
    session = _session()
    if session is not None:
        try:
            desk_sessions.take_lookup(services, session, services.db.push_key())
        except RateLimited as err:
            raise ApiError(429, "too_many_lookups", str(err), retry_after=err.retry_after) from err
    person = desk.kiosk_lookup(load_roster(services, uid, job_id), request.args.get("q", "")[:320])
    if person is None:
        raise ApiError(404, "not_found", "No ticket or email matches. Check the spelling, or ask at the desk.")
    if session is not None:
        desk_sessions.remember_found(services, session, person.key)
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
    key = str(request_key(body.get("key"), "key"))
    session = _session()
    kiosk = session is not None and session.kiosk
    if session is not None and kiosk:
        desk_sessions.require_found(api().services, session, key)
    fmt = body.get("format", "pdf")
    dpi = body.get("dpi", 203)
    if dpi not in DPIS:
        raise ApiError(400, "bad_dpi", "dpi must be 203, 300 or 600.", field="dpi")
    outcome = desk.print_badge(
        api().services,
        uid,
        job_id,
        desk.PrintRequest(
            key=key,
            device=_device(body),
            by=_by(),
            preset=body.get("preset") if isinstance(body.get("preset"), str) else None,
            fmt=fmt if isinstance(fmt, str) else "",
            dpi=dpi,
            station=request_key(body.get("station"), "station", required=False),
            confirm_reprint=body.get("confirm_reprint") is True and not kiosk,  # a kiosk never reprints
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
        api().services, uid, job_id, body, device=_device(body), by=_by(), request_id=_request_id(body)
    )
    return jsonify({"attendee": person.summary()}), 201


@bp.post("/api/desk/<job_id>/checkin")
def checkin(job_id: str):
    uid, job_id = _job()
    body = _body()
    key = str(request_key(body.get("key"), "key"))
    session = _session()
    if session is not None and session.kiosk:
        desk_sessions.require_found(api().services, session, key)
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
    """A station's open items (queued, sending, failed with the reason), so the desk sees what waits or failed.
    A desk session sees only its own job's items."""
    uid, session = _uid(), _session()
    station = str(request_key(station, "station"))
    items = print_queue.open_items(api().services, uid, station)
    if session is not None:
        items = {s: {k: v for k, v in found.items() if v.get("job_id") == session.job_id} for s, found in items.items()}
    return jsonify({"station": station, **{status: list(found.values()) for status, found in items.items()}})


@bp.get("/api/desk/session")
def whoami():
    """For a desk or kiosk page opened with a session's link: which job and device it is (401 once revoked)."""
    session = _session()
    if session is None:
        raise ApiError(400, "not_a_desk_session", "This is an account sign-in, not a desk link.")
    return jsonify({"job_id": session.job_id, "device": session.device, "mode": session.mode})


@bp.post("/api/desk/<job_id>/sessions")
def create_session(job_id: str):
    """A desk or kiosk session for one device at this job; the token is in this answer only (stored hashed)."""
    uid, job_id = _organizer_job()
    body = _body()
    token, session = desk_sessions.create(
        api().services,
        uid,
        job_id,
        device=body.get("device"),
        mode=body.get("mode"),
        expires_in_hours=body.get("expires_in_hours"),
    )
    page = "kiosk" if session["mode"] == "kiosk" else "desk"
    station = request_key(body.get("station"), "station", required=False) if session["mode"] == "kiosk" else None
    url = f"/{page}?job={job_id}" + (f"&station={quote(str(station))}" if station else "") + f"#token={token}"
    answer: dict[str, Any] = {"token": token, "session": session, "url": url}
    origin = body.get("origin")
    if isinstance(origin, str) and _ORIGIN.fullmatch(origin):
        import segno  # the device scans this instead of typing a 50-character token

        answer["qr"] = segno.make(origin + url, error="m").svg_data_uri(scale=4, border=2)
    response = jsonify(answer)
    response.headers["Cache-Control"] = "no-store"
    return response, 201


@bp.get("/api/desk/<job_id>/sessions")
def list_sessions(job_id: str):
    uid, job_id = _organizer_job()
    return jsonify({"sessions": desk_sessions.listed(api().services, uid, job_id)})


@bp.delete("/api/desk/<job_id>/sessions/<session_id>")
def revoke_session(job_id: str, session_id: str):
    """Revoke at once: the device's next request is refused."""
    uid, job_id = _organizer_job()
    session_id = str(request_key(session_id, "session_id"))
    record = api().services.db.get(desk_sessions.session_node(uid, session_id))
    if not isinstance(record, dict) or record.get("job_id") != job_id:
        raise ApiError(404, "not_found", "No such desk session for this job.")
    return jsonify({"session": desk_sessions.revoke(api().services, uid, session_id)})


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
