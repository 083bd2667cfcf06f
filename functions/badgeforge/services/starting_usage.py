"""The configured starting usage, granted once, when an account's email becomes verified.

Why at verification and not at sign-up: anyone can sign up with anyone's address; only a verified address earns
free generations (usage.default_user gives unverified accounts none). Why a marker: the node may already exist
with 0 (the person tried an upload before verifying), and a second verification call must not grant twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from badgeforge.services import job_paths
from badgeforge.services.keys import iso
from badgeforge.services.usage import MAX_ALLOWED_USAGE, log_change, new_user

if TYPE_CHECKING:
    from badgeforge.config import Services
    from badgeforge.ports import UserRecord

MARKER = "starting_usage_at"


def grant(services: Services, record: UserRecord) -> int:
    """Add the starting usage to users/{uid} unless it was granted before; returns what was added (0 if not)."""
    now = iso(services.clock.now())
    starting = services.settings.default_allowed_usage
    seen: dict[str, int] = {}

    def body(user: Any) -> dict[str, Any]:
        seen.clear()
        if isinstance(user, dict) and user.get(MARKER):
            return user
        current = dict(user) if isinstance(user, dict) else new_user(record.email, 0, now, record.display_name)
        before = int(current.get("allowed_usage", 0))
        after = min(before + starting, MAX_ALLOWED_USAGE)
        seen.update(before=before, after=after)
        return {**current, "allowed_usage": after, MARKER: now}

    services.db.transaction(job_paths.user_node(record.uid), body)
    if not seen or seen["after"] == seen["before"]:
        return 0
    log_change(
        services,
        record.uid,
        delta=seen["after"] - seen["before"],
        reason="starting usage for a verified email",
        by="sign-up",
        before=seen["before"],
        after=seen["after"],
    )
    return seen["after"] - seen["before"]
