"""Usage rules: one unit of allowed_usage per successful generation; holds at render, charge at mail.

The pure functions below are transaction bodies on users/{uid}: they get the current node and return the new one.
Why holds: with N jobs in flight, `allowed_usage - len(holds)` is what may still start, so concurrent uploads can
never overdraw; a failed job releases its hold and so consumes nothing; `charged/{jobId}` makes settling idempotent.

Why charges move out: every transaction reads and rewrites the whole users/{uid} node, so a `charged` map that grew
with every job made each charge slower (1.58 s at 50,000 past jobs, holding the write lock). A charge is now also
written to the ledger charges/{uid}/{jobId}, and markers older than RECENT_CHARGES leave users/{uid} (ledgered
first); checks read the ledger before the transaction and the recent markers inside it. `used` counts them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from badgeforge.services import job_paths
from badgeforge.services.keys import as_map, iso, parse_iso

if TYPE_CHECKING:
    from badgeforge.config import Services
    from badgeforge.ports import UserRecord


MAX_ALLOWED_USAGE = 1_000_000
"""The most badge generations one account may hold. Why a cap: a typo such as 10^30 would be stored as is (RTDB keeps
doubles, so it would also come back rounded) and the account would be unlimited without anyone deciding so."""
MAX_REASON_CHARS = 500
"""A usage-log reason, counted as database.rules.json counts it (`.length`, UTF-16 code units)."""


class UsageError(Exception):
    """A usage request that cannot be done; `code` matches the callable error codes."""

    code = "failed-precondition"


class NoUsageLeft(UsageError):
    code = "resource-exhausted"


class PermissionDenied(UsageError):
    code = "permission-denied"


class UnknownUser(UsageError):
    code = "not-found"


class InvalidRequest(UsageError):
    code = "invalid-argument"


class BelowZero(UsageError):
    """Taking away more than is left: refused, so the log never records a change that did not happen."""


def new_user(email: str, allowed_usage: int, now: str, display_name: str = "") -> dict[str, Any]:
    return {"email": email, "display_name": display_name, "allowed_usage": allowed_usage, "created_at": now}


def with_defaults(user: dict[str, Any] | None, default: dict[str, Any]) -> dict[str, Any]:
    """users/{uid} as the usage rules need it. Why not just `user or default`: the owner may write display_name
    from the web before any job, so the node can exist without allowed_usage; the default still applies then."""
    if not user:
        return dict(default)
    return dict(user) if "allowed_usage" in user else {**default, **user}


class EmailNotVerified(NoUsageLeft):
    """The account's email is not verified, so it has no default usage (any Firebase Auth sign-up, with anyone's
    address, would otherwise get free generations and have badge mail sent to that address)."""


def default_user(services: Services, uid: str, now: str) -> dict[str, Any]:
    """users/{uid} for an account seen for the first time: the configured default allowed usage if its email is
    verified, else none (an administrator may still grant some)."""
    record = services.users.get(uid)
    verified = record is not None and record.email_verified
    return new_user(
        record.email if record else "",
        services.settings.default_allowed_usage if verified else 0,
        now,
        record.display_name if record else "",
    )


def require_verified(services: Services, uid: str) -> None:
    """Raise EmailNotVerified when the directory knows the account and its address is not verified."""
    record = services.users.get(uid)
    if record is not None and not record.email_verified:
        raise EmailNotVerified(
            f"The email address {record.email or '(none)'} is not verified yet. Open the verification link we sent "
            "when you signed up (or ask for a new one on the sign-in page), then upload again."
        )


def available(user: dict[str, Any] | None) -> int:
    """Uses that may still start: allowed minus jobs holding one."""
    if not user:
        return 0
    return int(user.get("allowed_usage", 0)) - len(as_map(user.get("holds")))


def reserve(user: dict[str, Any] | None, job_id: str, now: str, *, default: dict[str, Any]) -> dict[str, Any]:
    """Hold one use for job_id (creating the user from `default` if absent); raises NoUsageLeft."""
    current = with_defaults(user, default)
    if job_id in as_map(current.get("holds")) or job_id in as_map(current.get("charged")):
        return current
    if available(current) <= 0:
        raise NoUsageLeft(
            f"No badge generations left (allowed {int(current.get('allowed_usage', 0))}, "
            f"{len(as_map(current.get('holds')))} in progress). Ask an administrator for more."
        )
    current["holds"] = {**as_map(current.get("holds")), job_id: now}
    return current


def release(user: dict[str, Any] | None, job_id: str) -> dict[str, Any] | None:
    """Drop job_id's hold (a failed job consumes nothing)."""
    if not user or job_id not in as_map(user.get("holds")):
        return user
    current = dict(user)
    holds = as_map(current["holds"])
    del holds[job_id]
    current["holds"] = holds or None
    return current


def confirm(
    user: dict[str, Any] | None, job_id: str, now: str, *, default: dict[str, Any]
) -> tuple[dict[str, Any], bool]:
    """Before a mail goes out: (new user node, may send). The job must hold a use within allowed_usage.

    Why: holds are taken at render, but a job can reach the mailer without a valid one. A mail re-driven by an admin
    after its hold was released takes a hold again if one is available; and when an admin lowered allowed_usage below
    the number of jobs holding one, the over-committed hold is released instead of charged (settle would otherwise
    clamp at zero and the user would get more generations than allowed).
    """
    user = with_defaults(user, default)
    if job_id in as_map(user.get("charged")):
        return user, True
    holds = as_map(user.get("holds"))
    if job_id not in holds:
        if available(user) <= 0:
            return user, False
        return {**user, "holds": {**holds, job_id: now}}, True
    if int(user.get("allowed_usage", 0)) < len(holds):
        return release(user, job_id) or user, False
    return user, True


# A charge's marker stays in users/{uid} this long before it is moved to the ledger: far longer than any gap between
# the ledger read and the transaction of one settle, so the two together always see a charge.
RECENT_CHARGES = timedelta(minutes=10)


def used(user: dict[str, Any] | None) -> int:
    """Uses charged so far (nodes from before the `used` counter count their markers)."""
    if not user:
        return 0
    return int(user.get("used", len(as_map(user.get("charged")))))


def settle(user: dict[str, Any] | None, job_id: str, now: str) -> dict[str, Any] | None:
    """Charge job_id once: allowed_usage - 1, hold removed, charged[job_id] = now, used + 1. Charging twice does
    nothing (for a charge already moved to the ledger, settle_job checks the ledger first)."""
    if not user or job_id in as_map(user.get("charged")):
        return user
    current = dict(user)
    current["allowed_usage"] = max(0, int(current.get("allowed_usage", 0)) - 1)
    current["used"] = used(user) + 1
    holds = as_map(current.get("holds"))
    holds.pop(job_id, None)
    current["holds"] = holds or None
    current["charged"] = {**as_map(current.get("charged")), job_id: now}
    return current


def old_charges(user: dict[str, Any] | None, before: datetime) -> dict[str, Any]:
    """Charge markers older than `before` (unreadable stamps count as old): ready to move to the ledger."""
    found = {}
    for job_id, stamp in as_map((user or {}).get("charged")).items():
        at = parse_iso(stamp) if isinstance(stamp, str) else None
        if at is None or at < before:
            found[job_id] = stamp
    return found


def compact(user: dict[str, Any] | None, job_ids: Iterable[str]) -> dict[str, Any] | None:
    """Drop these (already ledgered) markers from users/{uid}, keeping `used` right."""
    if not user:
        return user
    charged = as_map(user.get("charged"))
    gone = [j for j in job_ids if j in charged]
    if not gone:
        return user
    current = {**user, "used": used(user)}
    for job_id in gone:
        del charged[job_id]
    current["charged"] = charged or None
    return current


def adjust(user: dict[str, Any] | None, *, delta: int | None = None, set_to: int | None = None) -> dict[str, Any]:
    """Add delta or set a value, within 0..MAX_ALLOWED_USAGE; raises BelowZero or InvalidRequest outside it.
    The user must exist."""
    if not user:
        raise UnknownUser("No such user in the database yet.")
    before = int(user.get("allowed_usage", 0))
    after = set_to if set_to is not None else before + (delta or 0)
    if after < 0:
        raise BelowZero(
            f"Allowed usage is {before}; taking away {-(delta or 0)} would go below zero. "
            f"Take away at most {before}, or use set 0."
        )
    if after > MAX_ALLOWED_USAGE:
        raise InvalidRequest(f"That would make {after:,}; an account may hold at most {MAX_ALLOWED_USAGE:,}.")
    return {**user, "allowed_usage": int(after)}


def _check_request(uid: Any, email: Any, delta: Any, set_to: Any, reason: Any) -> None:
    """Refuse what the callable's JSON may carry but the usage log cannot hold, before touching the database."""
    from badgeforge.services.keys import is_safe_key

    if (delta is None) == (set_to is None):
        raise InvalidRequest("Give exactly one of delta or set.")
    for name, value in (("delta", delta), ("set", set_to)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidRequest("delta and set must be whole numbers.")
        if abs(value) > MAX_ALLOWED_USAGE:
            raise InvalidRequest(f"{name} must be between -{MAX_ALLOWED_USAGE:,} and {MAX_ALLOWED_USAGE:,}.")
    if set_to is not None and set_to < 0:
        raise InvalidRequest("set must be zero or more.")
    if uid is not None and not (isinstance(uid, str) and is_safe_key(uid)):
        raise InvalidRequest("uid must be a user id (no . $ # [ ] / or control characters).")
    if email is not None and not (isinstance(email, str) and len(email) <= 320):
        raise InvalidRequest("email must be an email address of at most 320 characters.")
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidRequest("Say why (reason) — it is kept in the usage log.")
    units = len(reason.strip().encode("utf-16-le")) // 2
    if units > MAX_REASON_CHARS:
        raise InvalidRequest(f"The reason is {units} characters long; keep it to {MAX_REASON_CHARS}.")


# -- operations on the database (each one transaction on users/{uid}, then an append-only log entry) ----------


@dataclass(frozen=True)
class UsageChange:
    uid: str
    before: int
    after: int


def log_change(
    services: Services, uid: str, *, delta: int, reason: str, by: str, before: int, after: int, job: str | None = None
) -> None:
    entry = {
        "delta": delta,
        "reason": reason,
        "by": by,
        "at": iso(services.clock.now()),
        "before": before,
        "after": after,
        "balance_after": after,
        "job": job,
    }
    services.db.set(f"{job_paths.usage_log_node(uid)}/{services.db.push_key()}", entry)


def settle_job(
    services: Services, uid: str, job_id: str, *, reason: str = "badges generated and mailed"
) -> UsageChange | None:
    """Charge one use for a delivered job (mailed, or downloaded from the web); None if it was charged before.

    Cost does not depend on history: the ledger read is one key, and users/{uid} holds only recent markers."""
    return _charge(services, uid, job_id, reason, confirm_first=False)


def confirm_and_settle_job(services: Services, uid: str, job_id: str, *, reason: str) -> UsageChange | None:
    """`confirm` and `settle` in ONE transaction, for a delivery that happens after the charge (the web page handing
    out the PDF). Why: as two transactions, an admin lowering usage between them was charged past zero (clamped)
    and the link still handed out. Raises NoUsageLeft (nothing charged; an over-committed hold released)."""
    return _charge(services, uid, job_id, reason, confirm_first=True)


def _charge(services: Services, uid: str, job_id: str, reason: str, *, confirm_first: bool) -> UsageChange | None:
    if is_charged(services, uid, job_id):
        return None
    moment = services.clock.now()
    now = iso(moment)
    default = default_user(services, uid, now) if confirm_first else {}
    seen: dict[str, Any] = {}

    def body(user):  # the last run is the one committed, so `seen` describes the write that happened
        seen["refused"] = False
        if confirm_first:
            user, ok = confirm(user, job_id, now, default=default)
            if not ok:
                seen["refused"], seen["user"] = True, user
                return user
        seen["before"] = int((user or {}).get("allowed_usage", 0))
        seen["charges"] = bool(user) and job_id not in as_map(user.get("charged"))
        return settle(user, job_id, now)

    result = services.db.transaction(job_paths.user_node(uid), body)
    if seen["refused"]:
        user = seen["user"]
        raise NoUsageLeft(
            f"No badge generations left for this job (allowed {int(user.get('allowed_usage', 0))}, "
            f"{len(as_map(user.get('holds')))} in progress). Ask an administrator for more."
        )
    marker = as_map((result or {}).get("charged")).get(job_id)
    if marker is not None:
        services.db.set(charge_node(uid, job_id), marker)
    if result:
        _move_old_charges(services, uid, result, moment)
    if not result or not seen["charges"]:
        return None
    change = UsageChange(uid, seen["before"], int(result.get("allowed_usage", 0)))
    log_change(
        services,
        uid,
        delta=-1,
        reason=reason,
        by="system",
        before=change.before,
        after=change.after,
        job=job_id,
    )
    return change


def charge_node(uid: str, job_id: str) -> str:
    return f"charges/{uid}/{job_id}"


def is_charged(services: Services, uid: str, job_id: str) -> bool:
    """Whether job_id's use was charged and its marker already moved to the ledger (recent ones: users/{uid})."""
    return services.db.get(charge_node(uid, job_id)) is not None


def _move_old_charges(services: Services, uid: str, user: dict[str, Any], moment: datetime) -> None:
    """Ledger first, then drop from users/{uid}: a marker is never gone from both places."""
    old = old_charges(user, moment - RECENT_CHARGES)
    if not old:
        return
    services.db.update(f"charges/{uid}", old)
    services.db.transaction(job_paths.user_node(uid), lambda current: compact(current, old))


def confirm_job(services: Services, uid: str, job_id: str) -> None:
    """Make sure job_id holds a use it may spend (see `confirm`); raises NoUsageLeft, its hold then released."""
    if is_charged(services, uid, job_id):
        return  # charged already (a re-sent mail, the web page handing out the PDF again): nothing to hold
    now = iso(services.clock.now())
    default = default_user(services, uid, now)
    seen: dict[str, Any] = {}

    def body(user):
        new, seen["ok"] = confirm(user, job_id, now, default=default)
        seen["user"] = with_defaults(user, default)
        return new

    services.db.transaction(job_paths.user_node(uid), body)
    if not seen["ok"]:
        user = seen["user"]
        raise NoUsageLeft(
            f"No badge generations left for this job (allowed {int(user.get('allowed_usage', 0))}, "
            f"{len(as_map(user.get('holds')))} in progress). Ask an administrator for more, then send it again."
        )


def release_job(services: Services, uid: str, job_id: str) -> None:
    services.db.transaction(job_paths.user_node(uid), lambda user: release(user, job_id))


def resolve_target(services: Services, *, uid: str | None = None, email: str | None = None) -> UserRecord:
    if uid:
        record = services.users.get(uid)
    elif email:
        record = services.users.find_by_email(email)
    else:
        raise InvalidRequest("Give the user's uid or email.")
    if record is None:
        raise UnknownUser(f"No account for {uid or email}.")
    return record


def adjust_usage(
    services: Services,
    actor_admin: bool,
    actor: str,
    *,
    uid: str | None = None,
    email: str | None = None,
    delta: int | None = None,
    set_to: int | None = None,
    reason: str = "",
) -> UsageChange:
    """The admin operation behind the `adjust_usage` callable and `badgeforge admin usage`."""
    if not actor_admin:
        raise PermissionDenied("Only administrators may change allowed usage.")
    _check_request(uid, email, delta, set_to, reason)
    record = resolve_target(services, uid=uid, email=email)
    now = iso(services.clock.now())
    default = new_user(record.email, services.settings.default_allowed_usage, now, record.display_name)
    seen: dict[str, int] = {}

    def body(user):
        current = with_defaults(user, default)
        seen["before"] = int(current.get("allowed_usage", 0))
        return adjust(current, delta=delta, set_to=set_to)

    result = services.db.transaction(job_paths.user_node(record.uid), body)
    after = int(result.get("allowed_usage", 0))
    log_change(
        services,
        record.uid,
        delta=after - seen["before"],
        reason=reason.strip(),
        by=actor,
        before=seen["before"],
        after=after,
    )
    return UsageChange(record.uid, seen["before"], after)


def ensure_user(services: Services, record: UserRecord, *, allowed_usage: int | None = None) -> dict[str, Any]:
    """Create users/{uid} with the default allowed usage if it is not there yet (idempotent)."""
    now = iso(services.clock.now())
    usage = services.settings.default_allowed_usage if allowed_usage is None else allowed_usage
    default = new_user(record.email, usage, now, record.display_name)
    if record.admin:
        default["admin"] = True
    return services.db.transaction(job_paths.user_node(record.uid), lambda user: with_defaults(user, default))
