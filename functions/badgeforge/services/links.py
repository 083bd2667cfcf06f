"""Download links for email recipients, in two modes (BADGEFORGE_LINK_MODE):

- "signed": a time-limited URL from the LinkSigner (V4 signed URL in the cloud: at most 7 days);
- "page": our own download page /d/<token>; the token is HMAC-signed {uid, job, exp} and the page redirects to a
  fresh short-lived signed URL. Why: such links can outlive 7 days and be revoked (jobs/{uid}/{jobId}/revoked).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from badgeforge.services import job_paths

if TYPE_CHECKING:
    from badgeforge.config import Services

FRESH_LINK_TTL = timedelta(minutes=15)
RENEW_HINT = "Sign in to BadgeForge and open the job to get a new link, or ask the organizer to send it again."


class LinkError(Exception):
    """A download link that cannot be used; the message is for the recipient."""


class LinkInvalid(LinkError):
    pass


class LinkExpired(LinkError):
    pass


class LinkRevoked(LinkError):
    pass


class LinkGone(LinkError):
    """A genuine link whose job was deleted (or never finished): there is nothing left to download."""


@dataclass(frozen=True)
class DownloadTarget:
    uid: str
    job_id: str
    path: str
    download_name: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_token(secret: str, uid: str, job_id: str, expires_at: int) -> str:
    payload = _b64(json.dumps({"u": uid, "j": job_id, "e": expires_at}, separators=(",", ":")).encode())
    signature = _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{signature}"


def read_token(secret: str, token: str, now_ts: float) -> tuple[str, str]:
    """(uid, job_id) of a genuine, unexpired token; raises LinkInvalid or LinkExpired."""
    try:
        payload, signature = token.split(".")
        expected = _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", errors="replace")):
            raise ValueError("bad signature")
        data = json.loads(_unb64(payload))
        uid, job_id, expires_at = str(data["u"]), str(data["j"]), int(data["e"])
    except (ValueError, KeyError, TypeError) as err:
        raise LinkInvalid("This download link is not valid. Check that it was copied completely.") from err
    if now_ts > expires_at:
        raise LinkExpired(f"This download link has expired. {RENEW_HINT}")
    return uid, job_id


def download_name(event_name: str) -> str:
    """'Conf 2026' -> 'Conf 2026 badges.pdf' (characters unsafe in file names dropped)."""
    cleaned = "".join(c for c in event_name if c.isalnum() or c in " -_()").strip()[:80]
    return f"{cleaned} badges.pdf" if cleaned else "badges.pdf"


def badge_link(services: Services, uid: str, job_id: str, object_path: str, name: str = "badges.pdf") -> str:
    """The link to put in the email, in the configured mode."""
    settings = services.settings
    if settings.link_mode == "page":
        expires_at = int((services.clock.now() + settings.page_link_ttl).timestamp())
        token = make_token(settings.effective_link_secret(), uid, job_id, expires_at)
        return f"{settings.public_base_url}/d/{token}"
    return services.links.signed_url(object_path, expires=settings.link_ttl, download_name=name)


def resolve_download_token(services: Services, token: str) -> DownloadTarget:
    """What a /d/<token> link points to; raises LinkInvalid, LinkExpired, LinkRevoked or LinkGone."""
    uid, job_id = read_token(services.settings.effective_link_secret(), token, services.clock.now().timestamp())
    job = services.db.get(job_paths.job_node(uid, job_id)) or {}
    if job.get("deleted_at"):  # deleted (restorable for a while): its links stop at once, as if it were gone
        raise LinkGone("These badges are no longer available.")
    if job.get("revoked"):
        raise LinkRevoked(f"This download link was withdrawn by the organizer. {RENEW_HINT}")
    if job.get("status") != "done" or not job.get("output"):
        raise LinkGone("These badges are no longer available.")
    return DownloadTarget(uid, job_id, job["output"], job.get("download_name") or "badges.pdf")


def fresh_download_url(services: Services, target: DownloadTarget) -> str:
    """A short-lived signed URL for the download page to redirect to."""
    return services.links.signed_url(target.path, expires=FRESH_LINK_TTL, download_name=target.download_name)


def revoke(services: Services, uid: str, job_id: str) -> None:
    services.db.update(job_paths.job_node(uid, job_id), {"revoked": True})
