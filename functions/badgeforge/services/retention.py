"""Uploads and outputs expire. In the cloud the bucket's lifecycle rule (storage.lifecycle.json, applied with
gcloud, see docs/deploy.md) deletes them; locally the sweep runs the same rule over the storage folder.

Why read the rule from the same file: one retention, whichever side enforces it. Why the cloud sweep does not
list the bucket: that listing is the cost-that-follows-the-history this issue removes; the bucket does it for free.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from badgeforge.config import Services

LIFECYCLE_FILE = Path(__file__).resolve().parents[3] / "storage.lifecycle.json"


def delete_rules(path: Path = LIFECYCLE_FILE) -> list[tuple[timedelta, list[str]]]:
    """(age, prefixes) of each Delete rule; none if the file is absent (a deployed bundle: the bucket enforces it)."""
    try:
        config: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    rules = config.get("lifecycle", config).get("rule", [])
    found = []
    for rule in rules:
        condition = rule.get("condition", {})
        if rule.get("action", {}).get("type") == "Delete" and isinstance(condition.get("age"), int):
            found.append((timedelta(days=condition["age"]), list(condition.get("matchesPrefix") or [""])))
    return found


def expire_local(services: Services, path: Path = LIFECYCLE_FILE) -> list[str]:
    """Delete the local objects the lifecycle rule would delete (older than its age, under its prefixes)."""
    if services.settings.mode != "local":
        return []
    now = services.clock.now()
    expired = []
    for age, prefixes in delete_rules(path):
        for prefix in prefixes:
            for info in services.blobs.list(prefix):
                if info.updated is not None and now - info.updated > age:
                    services.blobs.delete(info.path)
                    expired.append(info.path)
    return expired
