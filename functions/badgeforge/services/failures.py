"""The failures index: `failures/{uid}:{kind}:{id}` = {uid, kind (job|mail), id, at} for each job or mail that
failed, so the admin console lists the latest failures with one indexed query (`at`), not a scan of all jobs and
mails. An entry is a pointer: the console checks the node is still failed and drops stale entries as it meets them
(a re-drive that worked, a deleted or purged job), so no other code has to remove them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from badgeforge.services import job_paths
from badgeforge.services.keys import iso

if TYPE_CHECKING:
    from badgeforge.config import Services

log = logging.getLogger(__name__)
ROOT = "failures"
LISTED = 200


def record(services: Services, uid: str, kind: str, item_id: str) -> None:
    """Best effort: the failure itself is already written; losing this pointer only hides it from the console."""
    try:
        services.db.set(
            f"{ROOT}/{uid}:{kind}:{item_id}", {"uid": uid, "kind": kind, "id": item_id, "at": iso(services.clock.now())}
        )
    except Exception as err:  # e.g. a full database: the job's own status still says why it failed
        log.warning("could not index the failure of %s %s/%s: %s", kind, uid, item_id, err)


def recent(services: Services, limit: int = LISTED) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(kind, uid, id, node) of the latest failures still failed, newest first; stale pointers are removed."""
    found = services.db.query(ROOT, order_by="at", limit_to_last=limit)
    rows = []
    for key, entry in reversed(list(found.items())):
        uid, kind, item_id = str(entry.get("uid", "")), entry.get("kind"), str(entry.get("id", ""))
        path = job_paths.job_node(uid, item_id) if kind == "job" else job_paths.mail_node(uid, item_id)
        node = services.db.get(path) if uid and item_id else None
        if isinstance(node, dict) and node.get("status") == "failed" and not node.get("deleted_at"):
            rows.append((str(kind), uid, item_id, node))
        else:
            services.db.delete(f"{ROOT}/{key}")
    return rows
