"""When badgeMails/{uid}/{key} appears, email the link once and charge one use once.

Claim the node (pending, or failed-temporary under the attempt limit, or sending with an expired lease -> sending),
confirm that the job holds a use it may spend (usage.confirm), send, then record the result. Temporary provider
trouble leaves it failed for the sweep, with no charge; a permanent refusal releases the hold; the attempt limit
gives up and releases the hold; success marks it sent and settles usage in one transaction that also records the
job as charged, so a redelivered event can never send or charge twice.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from badgeforge.config import templates_dir
from badgeforge.ports import MailPermanentError, MailTemporaryError, OutgoingMail
from badgeforge.services import job_paths, links, usage
from badgeforge.services.keys import as_map, iso, parse_iso
from badgeforge.services.mail_content import render_badge_mail

if TYPE_CHECKING:
    from badgeforge.config import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailOutcome:
    """sent, skipped (already sent / being sent / not ours), failed (with `error`, `permanent`)."""

    status: str
    message_id: str | None = None
    error: str | None = None
    permanent: bool = False


def _claim(services: Services, path: str) -> tuple[str, dict[str, Any] | None]:
    """("claimed", node) -> this caller sends; ("gave_up", node) -> the attempt limit was reached by an attempt that
    stopped without a result (its lease ran out), now failed; ("busy", None) -> sent, failed for good, or in flight."""
    now = services.clock.now()
    stamp, lease_until = iso(now), iso(now + services.settings.mail_lease)
    max_attempts = services.settings.max_attempts
    decision: dict[str, str] = {}

    def body(node):
        decision["outcome"] = "busy"
        if not node:
            return node
        status = node.get("status", "pending")
        attempts = int(node.get("attempts", 0))
        if status == "sent" or failed_for_good(node, max_attempts):
            return node
        if status == "sending":
            lease = parse_iso(node.get("lease_until"))
            if lease is not None and lease > now:
                return node
        if attempts >= max_attempts:
            decision["outcome"] = "gave_up"
            reason = _gave_up(attempts, "the last attempt stopped without a result")
            return {**node, **_failure(reason, stamp, permanent=False)}
        decision["outcome"] = "claimed"
        return {**node, "status": "sending", "attempts": attempts + 1, "lease_until": lease_until, "updated_at": stamp}

    node = services.db.transaction(path, body)
    outcome = decision.get("outcome", "busy")
    return outcome, node if outcome != "busy" else None


def _gave_up(attempts: int, reason: str) -> str:
    return f"gave up after {attempts} attempts: {reason}"


def failed_for_good(node: Mapping[str, Any], max_attempts: int) -> bool:
    """A failed mail nothing will retry (the provider refused it for good, or the attempts ran out); only an admin's
    re-drive sends it. Anything else that failed is retried by the sweep."""
    attempts = int(node.get("attempts", 0))
    return node.get("status") == "failed" and bool(node.get("permanent") or attempts >= max_attempts)


def _compose(services: Services, uid: str, node: Mapping[str, Any], job: Mapping[str, Any]) -> tuple[OutgoingMail, str]:
    """The email with a link made now (a signed URL made at render time may be near its end by a retry)."""
    settings = services.settings
    job_id = str(node.get("badgeId", ""))
    name = job.get("download_name") or "badges.pdf"
    link = links.badge_link(services, uid, job_id, node["objectPath"], name)
    user = services.db.get(job_paths.user_node(uid)) or {}
    record = services.users.get(uid)
    to = (record.email if record else "") or user.get("email", "")
    allowed = int(user.get("allowed_usage", 0))
    charged = job_id in as_map(user.get("charged")) or usage.is_charged(services, uid, job_id)
    ttl = settings.page_link_ttl if settings.link_mode == "page" else settings.link_ttl
    context = {
        "display_name": (record.display_name if record else "") or user.get("display_name", ""),
        "event_name": job.get("event_name") or "",
        "badges": int(node.get("badges", 0)),
        "pages": int(job.get("pages", 0)),
        "link": link,
        "file_name": name,
        "expires": (services.clock.now() + ttl).strftime("%d %B %Y, %H:%M UTC"),
        "renew_hint": links.RENEW_HINT,
        "warnings": _as_list(job.get("warnings")),
        "allowed_usage_after": allowed if charged else max(0, allowed - 1),
    }
    subject, text, html = render_badge_mail(templates_dir(), context)
    mail = OutgoingMail(
        to=to,
        subject=subject,
        text=text,
        html=html,
        from_email=settings.mail_from,
        from_name=settings.mail_from_name,
        custom_args={"uid": uid, "job": job_id},
    )
    return mail, link


def _as_list(value: Any) -> list[Any]:
    """RTDB hands back a stored list as a list or as an object with "0", "1", ... keys."""
    if isinstance(value, dict):
        return [value[k] for k in sorted(value, key=lambda k: int(k) if k.isdigit() else 0)]
    return list(value or [])


def send_badge_mail(services: Services, uid: str, key: str) -> MailOutcome:
    """Entry for the RTDB trigger (and the sweep): at most one successful send and one charge per node."""
    path = job_paths.mail_node(uid, key)
    outcome, node = _claim(services, path)
    if node is None:
        return MailOutcome("skipped")
    job_id = str(node.get("badgeId", ""))
    if outcome == "gave_up":
        usage.release_job(services, uid, job_id)  # never mailed: consumes nothing
        return MailOutcome("failed", error=node.get("error"))
    try:
        if services.blobs.info(str(node.get("objectPath") or "")) is None:  # an email with a dead link: no charge
            raise MailPermanentError("The badges were deleted before they could be mailed.")
        usage.require_verified(services, uid)  # badge mail goes to verified addresses only
        usage.confirm_job(services, uid, job_id)
        mail, link = _compose(services, uid, node, services.db.get(job_paths.job_node(uid, job_id)) or {})
        if not mail.to:
            raise MailPermanentError("The account has no email address.")
        receipt = services.mailer.send(mail)
    except usage.EmailNotVerified as err:  # not mailed: the hold goes back, nothing is charged
        usage.release_job(services, uid, job_id)
        return _failed(services, path, str(err), permanent=True)
    except usage.NoUsageLeft as err:  # nothing to spend (the hold, if any, is released): do not send
        _refuse_job(services, uid, job_id, str(err))
        return _failed(services, path, str(err), permanent=True)
    except MailPermanentError as err:
        usage.release_job(services, uid, job_id)
        return _failed(services, path, str(err), permanent=True)
    except Exception as err:  # provider trouble, or a bug or template problem: retry later, within the limit
        if not isinstance(err, MailTemporaryError):
            log.exception("mail %s failed", path)
        reason = str(err) if isinstance(err, MailTemporaryError) else f"unexpected: {err}"
        attempts = int(node.get("attempts", 0))
        if attempts >= services.settings.max_attempts:
            usage.release_job(services, uid, job_id)  # last try: a job never mailed consumes nothing
            return _failed(services, path, _gave_up(attempts, reason), permanent=False)
        return _failed(services, path, reason, permanent=False)
    services.db.update(
        path,
        {
            "status": "sent",
            "sent_at": iso(services.clock.now()),
            "message_id": receipt.message_id,
            "provider": receipt.provider,
            "error": None,
            "lease_until": None,
        },
    )
    settle_sent(services, uid, key, job_id, link)
    _delivered(services, uid, job_id)
    return MailOutcome("sent", message_id=receipt.message_id)


def settle_sent(services: Services, uid: str, key: str, job_id: str, link: str | None = None) -> None:
    """Charge a sent mail's job once, then mark the node charged (and record its link: only now, because the owner
    can read this node and an uncharged link would be free badges). Why a mark: if the charge fails after the send
    (a transaction that keeps conflicting, an instance that dies), the sweep finds sent nodes not marked and charges
    them; settling twice is harmless (the charge is recorded once per job)."""
    usage.settle_job(services, uid, job_id)
    services.db.update(job_paths.mail_node(uid, key), {"charged": True, **({"badgeLink": link} if link else {})})


def _refuse_job(services: Services, uid: str, job_id: str, reason: str) -> None:
    """A job refused at mail time (an admin lowered usage while it rendered) is not done: its status says why, and
    without a link or a readable PDF (storage.rules) its uncharged badges cannot be had."""
    refused = {
        "status": "failed",
        "error": {
            "code": "no_usage_left",
            "message": reason,
            "hint": "Ask an administrator for more badge generations; they can then send this job again.",
        },
        "updated_at": iso(services.clock.now()),
    }
    # a transaction, not an update: a job the organizer deleted meanwhile must not come back as a failed ghost
    services.db.transaction(job_paths.job_node(uid, job_id), lambda job: {**job, **refused} if job else job)


def _delivered(services: Services, uid: str, job_id: str) -> None:
    """A mail sent after an earlier refusal (re-driven by an admin) makes its job done again."""
    path = job_paths.job_node(uid, job_id)
    job = services.db.get(path)
    if isinstance(job, dict) and job.get("status") == "failed" and job.get("output"):
        services.db.update(path, {"status": "done", "error": None, "updated_at": iso(services.clock.now())})


def _failure(reason: str, stamp: str, *, permanent: bool) -> dict[str, Any]:
    """The node fields of a failed attempt (permanent: the sweep leaves it alone)."""
    return {
        "status": "failed",
        "error": reason,
        "permanent": permanent or None,
        "lease_until": None,
        "failed_at": stamp,
    }


def _failed(services: Services, path: str, reason: str, *, permanent: bool) -> MailOutcome:
    services.db.update(path, _failure(reason, iso(services.clock.now()), permanent=permanent))
    return MailOutcome("failed", error=reason, permanent=permanent)
