"""Desk and kiosk sessions: a bearer token for one device at one job, so an unattended kiosk never holds the
organizer's own sign-in.

desk_sessions/{uid}/{id}: {job_id, device, mode desk|kiosk, created_at, expires_at, digest, revoked_at?}
desk_session_tokens/{digest}: {uid, id} (how a token finds its session without saying whose it is)
desk_sessions_seen/{uid}/{id}/{attendeeKey}: when a kiosk last looked that attendee up

Why a digest: whoever reads the database must not be able to act as a desk with what it holds (the token is 256
random bits, so SHA-256 is enough, as for the account tokens). Why every request reads the session: a revocation
or an expiry takes effect on the very next request. Why the "seen" node: a kiosk may print and check in only an
attendee it has just found by their whole email or ticket code, so it cannot walk the roster key by key (r1, r2...).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from badgeforge.services.desk_errors import DeskNotFound, DeskRefused
from badgeforge.services.keys import as_map, iso, parse_iso
from badgeforge.services.rate_limits import Window, take

if TYPE_CHECKING:
    from badgeforge.config import Services

TOKEN_PREFIX = "bfdesk_"  # lets the API tell a desk token from an account token without a lookup
MODES = ("desk", "kiosk")
DEVICE_MAX = 100
DEFAULT_TTL = timedelta(hours=12)
MAX_TTL = timedelta(days=7)
SEEN_TTL = timedelta(minutes=10)  # a kiosk prints the attendee it found within this time
SESSIONS_MAX = 50  # live sessions per organizer
KEEP_ENDED = timedelta(days=30)  # an expired or revoked session stays listed this long, then goes
KIOSK_LOOKUPS = (
    Window(10, timedelta(minutes=1), "Too many look-ups on this kiosk"),
    Window(100, timedelta(hours=1), "Too many look-ups on this kiosk"),
)


class SessionRefused(DeskRefused):
    """A desk token that does not (or no longer) open anything: 401, with what the device should show."""

    status = 401


class SessionForbidden(DeskRefused):
    """A live desk token asking for something outside its scope: 403."""

    status = 403


@dataclass(frozen=True)
class DeskSession:
    """A live desk or kiosk session as the server trusts it (read from the database on every request)."""

    uid: str
    id: str
    job_id: str
    device: str
    mode: str

    @property
    def kiosk(self) -> bool:
        return self.mode == "kiosk"

    @property
    def by(self) -> str:
        """Who printed, in the desk's record: the session, never the organizer's email."""
        return f"{self.mode} session {self.device}"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_desk_token(token: str) -> bool:
    return token.startswith(TOKEN_PREFIX)


def sessions_node(uid: str) -> str:
    return f"desk_sessions/{uid}"


def session_node(uid: str, session_id: str) -> str:
    return f"desk_sessions/{uid}/{session_id}"


def token_node(token_digest: str) -> str:
    return f"desk_session_tokens/{token_digest}"


def seen_node(uid: str, session_id: str) -> str:
    return f"desk_sessions_seen/{uid}/{session_id}"


def lookups_node(uid: str, session_id: str) -> str:
    """The kiosk's rate-limit window (rate_limits.take keeps only the events inside it)."""
    return f"limits/{uid}/kiosk/{session_id}"


def _device(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > DEVICE_MAX or not value.isprintable():
        raise DeskRefused(
            "bad_device", "Name the device (e.g. kiosk-1 or desk-2; up to 100 characters).", field="device"
        )
    return value.strip()


def _ttl(hours: Any) -> timedelta:
    if hours is None:
        return DEFAULT_TTL
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= MAX_TTL.total_seconds() / 3600:
        raise DeskRefused(
            "bad_expiry", f"expires_in_hours must be a number above 0 and at most {MAX_TTL.days * 24}.", field="expiry"
        )
    return timedelta(hours=float(hours))


def is_live(record: Any, now: datetime) -> bool:
    if not isinstance(record, dict) or record.get("revoked_at"):
        return False
    expires = parse_iso(record.get("expires_at"))
    return expires is not None and expires > now


def public(session_id: str, record: dict[str, Any], now: datetime) -> dict[str, Any]:
    """What the desk page lists: never the digest."""
    shown = {name: record.get(name) for name in ("job_id", "device", "mode", "created_at", "expires_at", "revoked_at")}
    state = "revoked" if record.get("revoked_at") else ("live" if is_live(record, now) else "expired")
    return {"id": session_id, **{k: v for k, v in shown.items() if v is not None}, "state": state}


def create(
    services: Services, uid: str, job_id: str, *, device: Any, mode: Any, expires_in_hours: Any = None
) -> tuple[str, dict[str, Any]]:
    """A new session for the organizer's finished job; returns (token, what the page lists). The token is shown
    once: only its digest is stored."""
    from badgeforge.services.desk_roster import finished_job

    if mode not in MODES:
        raise DeskRefused("bad_mode", "mode must be desk or kiosk.", field="mode")
    name, ttl = _device(device), _ttl(expires_in_hours)
    finished_job(services, uid, job_id)  # the organizer's own, finished job (404 / 409 otherwise)
    now = services.clock.now()
    existing = as_map(services.db.get(sessions_node(uid)))
    live = [key for key, record in existing.items() if is_live(record, now)]
    if len(live) >= SESSIONS_MAX:
        raise DeskRefused("too_many_sessions", f"At most {SESSIONS_MAX} live desk sessions; revoke some first.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_digest = digest(token)
    session_id = services.db.push_key()
    record = {
        "job_id": job_id,
        "device": name,
        "mode": mode,
        "created_at": iso(now),
        "expires_at": iso(now + ttl),
        "digest": token_digest,
    }
    changes: dict[str, Any] = {
        session_node(uid, session_id): record,
        token_node(token_digest): {"uid": uid, "id": session_id},
    }
    for old_id, old in existing.items():  # long-ended sessions go, so the list does not grow forever
        if old_id not in live and now - _ended_at(old) > KEEP_ENDED:
            changes.update(_forget(uid, old_id, old))
    services.db.update("", changes)
    return token, public(session_id, record, now)


def _ended_at(record: Any) -> datetime:
    record = record if isinstance(record, dict) else {}
    return (
        parse_iso(record.get("revoked_at")) or parse_iso(record.get("expires_at")) or datetime.min.replace(tzinfo=UTC)
    )


def _forget(uid: str, session_id: str, record: Any) -> dict[str, Any]:
    """The multi-path update that removes a session and everything kept for it."""
    changes: dict[str, Any] = {
        session_node(uid, session_id): None,
        seen_node(uid, session_id): None,
        lookups_node(uid, session_id): None,
    }
    if isinstance(record, dict) and isinstance(record.get("digest"), str):
        changes[token_node(record["digest"])] = None
    return changes


def listed(services: Services, uid: str, job_id: str | None = None) -> list[dict[str, Any]]:
    """The organizer's sessions (for one job when given), newest first; expired and revoked ones too, so the page
    can say why a device stopped working."""
    now = services.clock.now()
    found = [
        public(key, record, now)
        for key, record in as_map(services.db.get(sessions_node(uid))).items()
        if isinstance(record, dict) and (job_id is None or record.get("job_id") == job_id)
    ]
    return sorted(found, key=lambda s: s["id"], reverse=True)


def revoke(services: Services, uid: str, session_id: str) -> dict[str, Any]:
    """End a session now: its token is forgotten and the record says when (a second revoke changes nothing)."""
    record = services.db.get(session_node(uid, session_id))
    if not isinstance(record, dict):
        raise DeskNotFound("no_session", "No such desk session.")
    now = services.clock.now()
    changes: dict[str, Any] = {seen_node(uid, session_id): None, lookups_node(uid, session_id): None}
    if isinstance(record.get("digest"), str):
        changes[token_node(record["digest"])] = None
    if not record.get("revoked_at"):
        record = {**record, "revoked_at": iso(now)}
        changes[f"{session_node(uid, session_id)}/revoked_at"] = record["revoked_at"]
    services.db.update("", changes)
    return public(session_id, record, now)


def authenticate(services: Services, token: str) -> DeskSession:
    """The live session a desk token opens, or SessionRefused saying why (revoked, expired, unknown)."""
    token_digest = digest(token)
    pointer = services.db.get(token_node(token_digest))
    if not isinstance(pointer, dict) or not pointer.get("uid") or not pointer.get("id"):
        raise SessionRefused(
            "desk_session_ended", "This desk link was revoked or is not valid. Ask the organizer for a new one."
        )
    uid, session_id = str(pointer["uid"]), str(pointer["id"])
    record = services.db.get(session_node(uid, session_id))
    if not isinstance(record, dict) or record.get("digest") != token_digest or record.get("revoked_at"):
        raise SessionRefused(
            "desk_session_ended", "This desk link was revoked or is not valid. Ask the organizer for a new one."
        )
    if not is_live(record, services.clock.now()):
        raise SessionRefused("desk_session_expired", "This desk link has expired. Ask the organizer for a new one.")
    return DeskSession(uid, session_id, str(record["job_id"]), str(record["device"]), str(record["mode"]))


def take_lookup(services: Services, session: DeskSession, key: str) -> None:
    """One kiosk look-up against the token's windows (RateLimited when over; checked and recorded atomically)."""
    now = services.clock.now()
    take(services.db, lookups_node(session.uid, session.id), key, now, KIOSK_LOOKUPS)


def remember_found(services: Services, session: DeskSession, attendee_key: str) -> None:
    services.db.set(f"{seen_node(session.uid, session.id)}/{attendee_key}", iso(services.clock.now()))


def require_found(services: Services, session: DeskSession, attendee_key: str) -> None:
    """A kiosk acts only on the attendee it found by email or ticket code a moment ago."""
    seen = parse_iso(services.db.get(f"{seen_node(session.uid, session.id)}/{attendee_key}"))
    if seen is None or services.clock.now() - seen > SEEN_TTL:
        raise SessionForbidden(
            "kiosk_not_found_first", "Type your email or ticket code first; the kiosk prints the badge it found."
        )
