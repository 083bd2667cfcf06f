"""How each Cloud Function is sized and bound, in one place, with the reason for every number.

Why here and not inline in main.py: the figures come from measurements (bench/render_job_memory.py) and platform
rules that the docs and tests refer to; main.py stays glue that passes them to the decorators.

Sizing rules of Cloud Functions 2nd gen (Cloud Run) that the numbers follow:
- concurrency > 1 needs at least 1 full vCPU; firebase-tools turns concurrency=None on cpu >= 1 into 80.
- cpu="gcf_gen1" (the SDK default) means a fraction of a vCPU tied to memory (0.583 at 1 GiB) and concurrency 1.
- memory 4 GiB needs cpu >= 1, 8 GiB cpu >= 2 (and the writable filesystem, /tmp included, is memory).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, TypedDict
from urllib.parse import parse_qs, urlparse

from firebase_functions import options


class Sizing(TypedDict):
    """A function's sizing, typed so the decorators' keyword checks (memory, cpu, ...) see the real value types."""

    memory: options.MemoryOption
    cpu: int
    concurrency: int
    timeout_sec: int
    max_instances: int


REGION = "us-central1"  # a Storage trigger here needs a bucket in us-central1 or the US multi-region; RTDB likewise

# render_badges: ONE job per instance. Rendering is CPU-bound (cairo, one process); 8 concurrent 2,000-badge renders
# on one instance took 35 s against 5.8 s alone, and each concurrent job adds its own peak memory. So concurrency=1,
# 2 vCPUs (the render's worker pool and the upload run beside each other), and memory sized to the largest job the
# row limit allows. bench/render_job_memory.py, 50,000 rows (background image, logo, QR per badge): peak RSS 147 MB
# (61 MB of it the imported runtime) and a 96 MB PDF, which is rendered into /tmp before the resumable upload
# streams it to Storage in 8 MiB pieces; /tmp is memory on Cloud Functions, so the job needs about 250 MB. 1 GiB keeps
# four times that (the CSV limit, 10 MB, is the other bound: wider rows than the bench's cost a little more).
RENDER: Sizing = {
    "memory": options.MemoryOption.GB_1,
    "cpu": 2,
    "concurrency": 1,
    "timeout_sec": 540,  # the most an event-triggered function may run
    "max_instances": 10,
}

# renderChunk: one fan-out chunk per instance on both vCPUs, like render_badges (the SDK's null concurrency would be 80
# on cpu 2, and gcf_gen1 would give 1 vCPU). A chunk of 25,000 badges spools at most its PDF twice (pdf_finish's
# rewrite) and BADGEFORGE_SPOOL_MAX_BYTES caps that; the merge streams Storage to Storage, but qpdf holds the whole
# job's object graph (~300 MB at 50,000 badges, so ~600 MB at the 200,000-row cap): 2 GiB. Task functions may run
# 1,800 s; a chunk takes seconds, the merge of 200,000 badges under a minute.
CHUNK: Sizing = {
    "memory": options.MemoryOption.GB_2,
    "cpu": 2,
    "concurrency": 1,
    "timeout_sec": 1800,
    "max_instances": 10,
}

# api: short I/O-bound requests (token check, database reads, a signed link). A full vCPU and 40 concurrent requests
# per instance instead of gcf_gen1's 0.58 vCPU x 1: the Flask app keeps no per-request state outside Flask's request
# context, and the adapters it uses are safe to share between threads (badgeforge.api.app builds the app once).
API: Sizing = {
    "memory": options.MemoryOption.GB_1,
    "cpu": 1,
    "concurrency": 40,
    "timeout_sec": 120,
    "max_instances": 10,
}


def runtime_service_account(env: Mapping[str, str] | None = None) -> str:
    """The identity every function runs as: a dedicated account with only the roles docs/deploy.md grants, never the
    default compute account (Editor on the whole project). "NAME@" is firebase-tools' short form for
    NAME@PROJECT.iam.gserviceaccount.com; BADGEFORGE_RUNTIME_SERVICE_ACCOUNT (functions/.env.<project>) overrides."""
    env = os.environ if env is None else env
    return env.get("BADGEFORGE_RUNTIME_SERVICE_ACCOUNT", "").strip() or "badgeforge-runtime@"


def database_instance(env: Mapping[str, str] | None = None) -> str:
    """The RTDB instance send_badge_mail listens on (never '*': any instance in the project would fire it).

    BADGEFORGE_DATABASE_INSTANCE (in functions/.env.<project>) wins; else the instance of FIREBASE_CONFIG's
    databaseURL, which firebase-tools sets at deploy discovery and Cloud Functions at run time; else the project's
    default instance name. Read at import time because the SDK needs a plain string for the trigger filter (it
    builds a path pattern from it when decorating), so a StringParam expression cannot go there.
    """
    env = os.environ if env is None else env
    explicit = env.get("BADGEFORGE_DATABASE_INSTANCE", "").strip()
    if explicit:
        return explicit
    config = _firebase_config(env)
    url = str(config.get("databaseURL") or "")
    if url:
        parsed = urlparse(url)
        namespace = parse_qs(parsed.query).get("ns", [""])[0]  # emulator URLs: http://127.0.0.1:9000/?ns=NAME
        host_name = (parsed.hostname or "").split(".")[0]
        if namespace or host_name:
            return namespace or host_name
    project = str(config.get("projectId") or env.get("GCLOUD_PROJECT") or "").strip()
    if not project:
        raise ValueError(
            "cannot tell which Realtime Database instance send_badge_mail listens on: set FIREBASE_CONFIG (firebase-"
            "tools and Cloud Functions do) or BADGEFORGE_DATABASE_INSTANCE"
        )
    return f"{project}-default-rtdb"


def _firebase_config(env: Mapping[str, str]) -> dict[str, Any]:
    raw = env.get("FIREBASE_CONFIG", "").strip()
    if not raw:
        return {}
    try:
        if raw.startswith("{"):
            return json.loads(raw)
        with open(raw, encoding="utf-8") as handle:  # firebase-tools may pass a file path
            return json.load(handle)
    except (OSError, ValueError):
        return {}
