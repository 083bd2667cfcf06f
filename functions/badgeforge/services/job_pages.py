"""One organizer's jobs, newest first, a page at a time (an indexed query on jobs/{uid} by created_at).

Why not read jobs/{uid} whole: an organizer's history only grows, and the jobs page, `badgeforge jobs` and the API
read all of it on every visit. A page is one `limit_to_last` query; the cursor is the oldest shown job's
"created_at id", so the next page ends just before it (ties in created_at are broken by the job id, as RTDB does).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from badgeforge.services import trash
from badgeforge.services.keys import as_map

if TYPE_CHECKING:
    from badgeforge.config import Services

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class JobPage:
    """(job id, job) newest first; `before` is the cursor of the next (older) page, None on the last page."""

    jobs: list[tuple[str, dict[str, Any]]]
    before: str | None


def page_of_jobs(services: Services, uid: str, *, before: str = "", limit: int = PAGE_SIZE) -> JobPage:
    """Up to `limit` of the user's jobs older than the cursor `before`; soft-deleted ones are left out (so a page
    may hold fewer, but never skips one)."""
    limit = max(1, min(int(limit), MAX_PAGE_SIZE))
    stamp, _, last_id = before.partition(" ")
    found = services.db.query(
        f"jobs/{uid}", order_by="created_at", end_at=stamp or None, limit_to_last=limit + 1 + (1 if before else 0)
    )
    rows = [(job_id, job) for job_id, job in as_map(found).items() if isinstance(job, dict)]
    if before:  # end_at is inclusive: drop the cursor itself and its ties at or after it
        rows = [(job_id, job) for job_id, job in rows if (str(job.get("created_at")), job_id) < (stamp, last_id)]
    rows.reverse()  # newest first
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = f"{rows[-1][1].get('created_at')} {rows[-1][0]}" if more and rows else None
    return JobPage([(job_id, job) for job_id, job in rows if not trash.is_deleted(job)], cursor)


def all_jobs(services: Services, uid: str, *, page_size: int = MAX_PAGE_SIZE) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every job of the user, newest first, read a page at a time."""
    before = ""
    while True:
        page = page_of_jobs(services, uid, before=before, limit=page_size)
        yield from page.jobs
        if page.before is None:
            return
        before = page.before
