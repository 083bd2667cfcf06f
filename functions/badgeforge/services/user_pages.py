"""The admin console's list of accounts, paged and searched on the server (users ordered by their indexed email).

Why not list them all and filter: the console used to download every user and every job, so its first page cost
grew with the whole history (and it stopped at 200 users). A page is now one indexed query for `limit + 1` users
plus the latest job of each shown user (one limit_to_last query each): its cost follows the page, not the history.
Search is by email prefix (RTDB's start_at/end_at with the high code point) or an exact uid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from badgeforge.services import job_paths
from badgeforge.services.keys import as_map, is_safe_key

if TYPE_CHECKING:
    from badgeforge.config import Services

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
_HIGH = "\uf8ff"  # sorts after every character an email uses: prefix search in RTDB


@dataclass(frozen=True)
class UserPage:
    """One page: (uid, users/{uid}) in email order; `after`/`before` are the cursors of the next/previous pages."""

    users: list[tuple[str, dict[str, Any]]]
    after: str | None
    before: str | None


def page_of_users(
    services: Services, *, query: str = "", after: str = "", before: str = "", limit: int = PAGE_SIZE
) -> UserPage:
    """A page of accounts whose email starts with `query` (or whose uid is `query`), after or before a cursor
    (an email: emails are unique, so `start_at` the cursor and dropping it is RTDB's startAfter)."""
    limit = max(1, min(int(limit), MAX_PAGE_SIZE))
    uid = query.strip()
    if uid and is_safe_key(uid) and not after and not before:  # uids are case-sensitive; emails are not
        node = services.db.get(job_paths.user_node(uid))
        if isinstance(node, dict):
            return UserPage([(uid, node)], None, None)
    query = uid.lower()
    low, high = (query, query + _HIGH) if query else (None, None)
    if before:
        found = services.db.query("users", order_by="email", start_at=low, end_at=before, limit_to_last=limit + 1)
        rows = [(uid, node) for uid, node in found.items() if node.get("email") != before]
        more_before = len(rows) > limit
        rows = rows[-limit:]
        return UserPage(rows, _email(rows[-1]) if rows else None, _email(rows[0]) if rows and more_before else None)
    start = max(after, low or "") or None
    found = services.db.query("users", order_by="email", start_at=start, end_at=high, limit_to_first=limit + 1)
    rows = [(uid, node) for uid, node in found.items() if not after or node.get("email") != after]
    more_after = len(rows) > limit
    rows = rows[:limit]
    return UserPage(
        rows, _email(rows[-1]) if rows and more_after else None, _email(rows[0]) if after and rows else None
    )


def _email(row: tuple[str, dict[str, Any]]) -> str:
    return str(row[1].get("email", ""))


def last_job(services: Services, uid: str) -> dict[str, Any] | None:
    """The user's newest job by created_at (one indexed query for one node, whatever the user's history)."""
    found = services.db.query(f"jobs/{uid}", order_by="created_at", limit_to_last=1)
    for job_id, job in as_map(found).items():
        return {"id": job_id, "status": job.get("status"), "created_at": job.get("created_at")}
    return None
