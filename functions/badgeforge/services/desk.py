"""The on-site desk for one finished job: search, print one badge now, reprint (after a warning), walk-ins,
check-in and check-out, and the record as CSV. The desk page and the kiosk call these through the API.

Cost: the job was charged when its badges were generated; a desk print draws one of those badges again and a
walk-in joins that job, so nothing here touches usage (the tests check the balance and the usage log stay put).
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from badgeforge.services import desk_checkins, print_queue
from badgeforge.services.desk_errors import DeskRefused, ReprintNeedsConfirmation, TicketTaken
from badgeforge.services.desk_roster import (
    WALKIN_FIELDS,
    DeskAttendee,
    Roster,
    attendee_from_walkin,
    load_roster,
    ticket_node_key,
    tickets_node,
    walkins_node,
)
from badgeforge.services.keys import as_map, iso, parse_iso

if TYPE_CHECKING:
    from badgeforge.config import Services

DEFAULT_LABEL = "brother-dk-11202"
WALKIN_VALUE_MAX = 200
WARM_BADGES = 4  # (job, label) designs a server keeps warm


@dataclass(frozen=True)
class PrintRequest:
    key: str
    device: str
    by: str
    preset: str | None = None
    fmt: str = "pdf"
    dpi: int = 203
    station: str | None = None
    confirm_reprint: bool = False
    request_id: str | None = None
    timezone: str | None = None
    offline_at: str | None = None  # set: the browser printed its own label offline at this time; only recorded


@dataclass(frozen=True)
class PrintOutcome:
    print_id: str
    data: bytes
    fmt: str
    preset: str
    record: dict[str, Any]
    queued: dict[str, Any] | None
    reprint: bool


def label_preset(roster: Roster, requested: str | None) -> str:
    """The label stock to print on: the one asked for, else the job's own when it is label stock, else DK-11202."""
    from badge_renderer.errors import OptionsError
    from badge_renderer.layout import find_preset

    name = requested or getattr(roster.options, "preset", None) or DEFAULT_LABEL
    try:
        preset = find_preset(name)
    except OptionsError as err:
        raise DeskRefused("bad_preset", str(err), field="preset") from err
    if preset.kind == "sheet":
        if requested:
            raise DeskRefused(
                "not_a_label",
                f"{preset.title} is a sheet, not label-printer stock: the desk prints one badge per label.",
                field="preset",
                hint="Choose label stock, e.g. brother-dk-11202, dymo-30856 or zebra-4x3in (see `badgeforge presets`).",
            )
        preset = find_preset(DEFAULT_LABEL)
    return preset.name


_warm: OrderedDict[tuple[str, str, str], Any] = OrderedDict()
_warm_lock = threading.Lock()


def _warm_badge(roster: Roster, uid: str, preset: str) -> Any:
    """The job's design at this label size, kept warm (fonts, static layer) between prints."""
    from badge_renderer.single import WarmBadge

    key = (uid, roster.job_id, preset + repr(roster.options))
    with _warm_lock:
        badge = _warm.get(key)
        if badge is not None:
            _warm.move_to_end(key)
            return badge
    badge = WarmBadge(roster.options.with_changes(preset=preset))
    with _warm_lock:
        _warm[key] = badge
        while len(_warm) > WARM_BADGES:
            _warm.popitem(last=False)
    return badge


def print_badge(services: Services, uid: str, job_id: str, request: PrintRequest) -> PrintOutcome:
    """Render one attendee's badge at label size; queue it for a station or hand it back; record the print.

    A badge printed before is refused (ReprintNeedsConfirmation, with "Printed at 09:12 on desk-2") unless the
    request confirms the reprint. The same request_id again prints nothing new (its first print is returned)."""
    if request.fmt not in print_queue.FORMATS:
        raise DeskRefused("bad_format", f"'{request.fmt}' is not pdf or zpl.", field="format")
    roster = load_roster(services, uid, job_id)
    person = roster.get(request.key)
    preset = label_preset(roster, request.preset)  # a bad request is refused before any reprint question
    node = desk_checkins.checkin_node(uid, job_id, person.key)
    record = services.db.get(node)
    repeated = bool(request.request_id) and request.request_id in as_map((record or {}).get("prints"))
    offline = request.offline_at is not None and not request.station
    # an offline print already happened (the desk asked before a reprint): it is recorded, never refused
    if not repeated and not offline and (record or {}).get("printed") and not request.confirm_reprint:
        warning = desk_checkins.reprint_warning(record, request.timezone) or "Printed before"
        raise ReprintNeedsConfirmation(
            "already_printed",
            f"{warning}. Print again?",
            printed=int(record.get("printed") or 0),
            last=desk_checkins.last_print(record),
            hint="Send the print again with confirm_reprint: true to print another badge.",
        )
    data, media = (b"", "") if offline else _render(roster, uid, preset, person, request)
    print_id = request.request_id or services.db.push_key()
    now = _offline_time(request.offline_at, services.clock.now()) if offline else iso(services.clock.now())
    queued = None
    if request.station:
        path = print_queue.label_path(uid, job_id, print_id, request.fmt)
        services.blobs.write_bytes(path, data, content_type=print_queue.CONTENT_TYPES[request.fmt])
        item = {
            "job_id": job_id,
            "attendee_key": person.key,
            "file": path,
            "format": request.fmt,
            "media": media,
            "created_at": now,
        }
        queued = print_queue.enqueue(services, uid, request.station, print_id, item)
    record = services.db.transaction(
        node,
        lambda current: desk_checkins.with_print(
            current,
            print_id,
            at=now,
            device=request.device,
            by=request.by,
            name=person.attendee.display_name,
            walk_in=person.walk_in,
            station=request.station,
            offline=offline,
        ),
    )
    reprint = bool(as_map(record.get("prints")).get(print_id, {}).get("reprint"))
    return PrintOutcome(print_id, data, request.fmt, preset, dict(record), queued, reprint)


OFFLINE_PAST = timedelta(days=7)


def _offline_time(given: str | None, now: datetime) -> str:
    """When an offline print happened, as the desk says: a time in the last week and not in the future (a desk's
    clock may be off), else the time it synced."""
    moment = parse_iso(given or "")
    if moment is None or moment.tzinfo is None or not now - OFFLINE_PAST <= moment <= now:
        return iso(now)
    return iso(moment)


def label_plan(services: Services, uid: str, job_id: str, requested: str | None) -> dict[str, Any]:
    """The job's design laid out at its label size as JSON (badge_renderer.label_plan): what the desk page draws
    itself when it is offline. The warm badge of the desk's prints is reused, so this costs no new layout."""
    from badge_renderer.errors import BadgeForgeError
    from badge_renderer.label_plan import fallback_files, font_files
    from badge_renderer.label_plan import label_plan as plan_of

    roster = load_roster(services, uid, job_id)
    preset = label_preset(roster, requested)
    types = {person.attendee.ticket_type for index in (roster.job, roster.walkins) for person in index.people}
    try:
        plan = plan_of(_warm_badge(roster, uid, preset).composer, types, preset)
        plan["fonts"] = font_files(plan)
        plan["fallback_fonts"] = fallback_files(plan)
    except BadgeForgeError as err:
        raise DeskRefused(err.code, str(err), field=err.column) from err
    return plan


@functools.cache
def label_font_names() -> frozenset[str]:
    """The font files a label plan may name: every font of each bundled family's regular and bold chain (its own
    face and the script fallbacks)."""
    from badge_renderer.text.fonts import FontLibrary

    library = FontLibrary.default()
    return frozenset(
        font.path.name
        for family in library.families
        for weight in ("regular", "bold")
        for font in library.chain(family, weight)
    )


def _render(roster: Roster, uid: str, preset: str, person: DeskAttendee, request: PrintRequest) -> tuple[bytes, str]:
    """The label file and its CUPS media name (Custom.62x100mm: the station asks the queue for exactly that page)."""
    from badge_renderer.errors import BadgeForgeError

    try:
        badge = _warm_badge(roster, uid, preset)
        data, _ = badge.render(person.attendee, request.fmt, dpi=request.dpi)
        width, length = badge.size_mm
        return data, f"Custom.{width:g}x{length:g}mm"
    except BadgeForgeError as err:
        raise DeskRefused(err.code, str(err), field=err.column) from err


def _walkin_fields(fields: Mapping[str, Any]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name in WALKIN_FIELDS:
        value = fields.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise DeskRefused("bad_walkin", f"{name} must be text.", field=name)
        value = " ".join(value.split())
        if len(value) > WALKIN_VALUE_MAX:
            raise DeskRefused("bad_walkin", f"{name} is longer than {WALKIN_VALUE_MAX} characters.", field=name)
        if value:
            values[name] = value
    if not (values.get("full_name") or values.get("first_name") or values.get("last_name")):
        raise DeskRefused(
            "bad_walkin", "A walk-in needs a name (full_name, or first_name and last_name).", field="full_name"
        )
    return values


def add_walkin(
    services: Services, uid: str, job_id: str, fields: Mapping[str, Any], *, device: str, by: str, request_id: str
) -> DeskAttendee:
    """Add an attendee at the door to the job (free); a ticket code someone already has is refused (TicketTaken).
    `request_id` names the walk-in: the same request again returns the same attendee."""
    values = _walkin_fields(fields)
    roster = load_roster(services, uid, job_id)
    key = f"w{request_id}"
    if key in roster.walkins.by_key:
        return roster.walkins.by_key[key]
    code = values.get("ticket_id", "")
    if code:
        owner = roster.owner_of_ticket(code)
        if owner is not None and owner != key:
            raise _taken(code, roster.get(owner))

        def claim(current: Any) -> Any:
            if current not in (None, key):
                raise _taken(code, None)
            return key

        services.db.transaction(f"{tickets_node(uid, job_id)}/{ticket_node_key(code)}", claim)
    now = iso(services.clock.now())
    services.db.set(f"{walkins_node(uid, job_id)}/{key}", {**values, "created_at": now, "device": device, "by": by})
    return DeskAttendee(key, attendee_from_walkin(values), walk_in=True)


def _taken(code: str, owner: DeskAttendee | None) -> TicketTaken:
    who = f" ({owner.attendee.display_name})" if owner is not None else ""
    return TicketTaken(
        "ticket_taken",
        f"Ticket code '{code}' already belongs to another attendee{who}: one attendee per ticket.",
        field="ticket_id",
        hint="Search for that ticket code to print their badge, or give the walk-in a new code.",
    )


def check_in(services: Services, uid: str, job_id: str, key: str, *, device: str) -> dict[str, Any]:
    person = load_roster(services, uid, job_id).get(key)
    now = iso(services.clock.now())
    body = lambda current: desk_checkins.with_check_in(  # noqa: E731
        current, at=now, device=device, name=person.attendee.display_name, walk_in=person.walk_in
    )
    return dict(services.db.transaction(desk_checkins.checkin_node(uid, job_id, key), body))


def check_out(services: Services, uid: str, job_id: str, key: str, *, device: str, request_id: str) -> dict[str, Any]:
    load_roster(services, uid, job_id).get(key)
    node = desk_checkins.checkin_node(uid, job_id, key)
    if not (services.db.get(node) or {}).get("checked_in_at"):
        raise DeskRefused("not_checked_in", "This attendee has not checked in, so they cannot check out.")
    now = iso(services.clock.now())
    body = lambda current: desk_checkins.with_check_out(current, request_id, at=now, device=device)  # noqa: E731
    return dict(services.db.transaction(node, body))


def kiosk_lookup(roster: Roster, text: str) -> DeskAttendee | None:
    """Self-service: exactly one attendee by their full email or ticket code, never a list."""
    wanted = " ".join(text.split()).casefold()
    if not wanted:
        return None
    owner = roster.owner_of_ticket(wanted)
    if owner is not None:
        return roster.get(owner)
    matches = [p for p in (*roster.job.people, *roster.walkins.people) if p.attendee.email.strip().casefold() == wanted]
    return matches[0] if len(matches) == 1 else None


EXPORT_COLUMNS = (
    "key",
    "name",
    "organization",
    "email",
    "ticket_type",
    "ticket_id",
    "walk_in",
    "checked_in_at",
    "checked_in_device",
    "printed",
    "last_printed_at",
    "last_printed_device",
    "last_printed_by",
    "checked_out_at",
)


def record_rows(services: Services, uid: str, job_id: str) -> list[dict[str, Any]]:
    """The desk's record, one row per attendee (the job's rows in file order, then walk-ins), for the CSV export.
    One read of checkins/{uid}/{jobId}: an export is rare and wants everything."""
    roster = load_roster(services, uid, job_id)
    records = as_map(services.db.get(f"checkins/{uid}/{job_id}"))
    rows = []
    for person in (*roster.job.people, *roster.walkins.people):
        record = records.get(person.key) or {}
        last = desk_checkins.last_print(record) or {}
        summary = person.summary()
        rows.append(
            {
                **{
                    name: summary[name] for name in ("key", "name", "organization", "email", "ticket_type", "ticket_id")
                },
                "walk_in": "yes" if person.walk_in else "",
                "checked_in_at": record.get("checked_in_at", ""),
                "checked_in_device": record.get("checked_in_device", ""),
                "printed": int(record.get("printed") or 0),
                "last_printed_at": last.get("at", ""),
                "last_printed_device": last.get("device", ""),
                "last_printed_by": last.get("by", ""),
                "checked_out_at": record.get("checked_out_at", ""),
            }
        )
    return rows
