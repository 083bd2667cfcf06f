"""Direct uploads whose Storage event never arrived: find them and start their jobs.

Why: a browser or gsutil upload (not through the web API) has no job node until render_badges claims it, and the
Storage trigger runs with retries off. If that one event is dropped, nothing in the database points at the CSV, so
the sweep's job checks cannot see it. The sweep calls `reconcile_uploads`: CSVs under uploads/ younger than the
look-back window, older than the grace period (their event may still be on its way), and without a jobs/{uid}/{jobId}
node go through the same idempotent render service as the event would have (its claim makes a late event harmless).

Cost: one listing of uploads/ per sweep and one database read per recent CSV; a lifecycle rule that deletes
uploads/ after a few days (docs/deploy.md) keeps the listing as small as the window.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

from badgeforge.services import job_paths, render_job
from badgeforge.services.job_paths import UploadRef, parse_upload
from badgeforge.services.renderer import BadgeRenderer

if TYPE_CHECKING:
    from badgeforge.config import Services
    from badgeforge.ports import BlobInfo

LOOK_BACK = timedelta(days=3)  # older CSVs are left alone: a job nobody started for days is better re-uploaded
GRACE = timedelta(minutes=5)  # the Storage event usually lands within seconds; give it time before doing its work


def orphan_uploads(
    services: Services, *, look_back: timedelta = LOOK_BACK, grace: timedelta = GRACE
) -> Iterator[tuple[UploadRef, BlobInfo]]:
    """(upload, its object info) for each recent job CSV that has no job node."""
    now = services.clock.now()
    for info in services.blobs.list("uploads/"):
        ref = parse_upload(info.path)
        if ref is None or info.updated is None:
            continue
        age = now - info.updated
        if age < grace or age > look_back:
            continue
        if services.db.get(job_paths.job_node(ref.uid, ref.job_id)) is None:
            yield ref, info


def reconcile_uploads(
    services: Services,
    renderer: BadgeRenderer | None = None,
    *,
    look_back: timedelta = LOOK_BACK,
    grace: timedelta = GRACE,
) -> list[str]:
    """Start the job of every orphan upload (as its event would have, custom metadata included); "uid/jobId" each."""
    started: list[str] = []
    for ref, info in list(orphan_uploads(services, look_back=look_back, grace=grace)):
        render_job.handle_upload(services, ref.csv_path, dict(info.metadata or {}), renderer=renderer)
        started.append(f"{ref.uid}/{ref.job_id}")
    return started
