"""Cloud Functions entry points: each Firebase trigger hands its event to one service in badgeforge.services.

Adapters are chosen once per process by badgeforge.config (firebase on Cloud Functions, local under the local
runtime). The SendGrid key and the link secret are secrets read inside the handlers only: deploy-time discovery
imports this module without secrets. Sizes, concurrency and the database instance come from badgeforge.deployment,
which says why.
"""

from __future__ import annotations

import os
from typing import Any

from firebase_functions import db_fn, https_fn, options, scheduler_fn, storage_fn, tasks_fn
from firebase_functions.params import SecretParam

from badgeforge import config, deployment
from badgeforge.event_time import tolerant_time
from badgeforge.services.job_paths import parse_upload

if os.environ.get("K_SERVICE"):  # a Cloud Functions instance (or the emulator): fail at start, not at a render
    from badgeforge import native_libs

    native_libs.require()

REGION = deployment.REGION
SENDGRID_API_KEY = SecretParam("SENDGRID_API_KEY")
LINK_SECRET = SecretParam("BADGEFORGE_LINK_SECRET")  # signs download-page links (BADGEFORGE_LINK_MODE=page)
DATABASE_INSTANCE = deployment.database_instance()

options.set_global_options(region=REGION, max_instances=10, service_account=deployment.runtime_service_account())


def _services() -> config.Services:
    return config.get_services(lambda: {"sendgrid_api_key": SENDGRID_API_KEY.value, "link_secret": LINK_SECRET.value})


@tolerant_time  # the SDK refuses Storage times without a fraction or with nanoseconds; this passes them on
@storage_fn.on_object_finalized(**deployment.RENDER, secrets=[LINK_SECRET])
def render_badges(event: storage_fn.CloudEvent[storage_fn.StorageObjectData]) -> None:
    """When an attendee CSV lands in uploads/{uid}/{jobId}/, render its badges to badges/{uid}/{jobId}/."""
    if parse_upload(event.data.name) is None:
        return  # our own outputs, images, job.json: exits before any service or renderer is loaded
    from badgeforge.services import render_job

    render_job.handle_upload(_services(), event.data.name, event.data.metadata or {})


@tasks_fn.on_task_dispatched(
    retry_config=options.RetryConfig(max_attempts=5, min_backoff_seconds=10),
    rate_limits=options.RateLimits(max_concurrent_dispatches=10),
    **deployment.CHUNK,
    secrets=[SENDGRID_API_KEY, LINK_SECRET],
)
def renderChunk(req: tasks_fn.CallableRequest) -> dict[str, Any]:
    """One page-aligned chunk of a fan-out job (enqueued by render_badges); the last chunk merges and mails.

    camelCase because a task function's Cloud Tasks queue takes the function's name, and queue ids allow only
    letters, digits and hyphens (Cloud Tasks' rule; firebase-tools' tasks emulator refused `render_chunk` with it)."""
    from badgeforge.services import fanout

    outcome = fanout.handle_chunk(_services(), req.data if isinstance(req.data, dict) else {})
    return {"status": outcome.status}


@db_fn.on_value_created(
    reference="/badgeMails/{uid}/{date}",
    instance=DATABASE_INSTANCE,
    memory=options.MemoryOption.MB_512,
    timeout_sec=120,
    secrets=[SENDGRID_API_KEY, LINK_SECRET],
)
def send_badge_mail(event: db_fn.Event[Any]) -> None:
    """When badgeMails/{uid}/{date} is created, email the download link and charge one use."""
    if not isinstance(event.data, dict):
        return
    from badgeforge.services import mail_job

    mail_job.send_badge_mail(_services(), event.params["uid"], event.params["date"])


@https_fn.on_call(memory=options.MemoryOption.MB_256)
def adjust_usage(req: https_fn.CallableRequest) -> dict[str, Any]:
    """Callable from the admin console: add to or set a user's allowed usage (admin custom claim required)."""
    from badgeforge.services import usage

    if req.auth is None:
        raise https_fn.HttpsError(https_fn.FunctionsErrorCode.UNAUTHENTICATED, "Sign in first.")
    data = req.data if isinstance(req.data, dict) else {}
    try:
        change = usage.adjust_usage(
            _services(),
            bool(req.auth.token.get("admin")),
            str(req.auth.token.get("email") or req.auth.uid or ""),
            uid=data.get("uid"),
            email=data.get("email"),
            delta=data.get("delta"),
            set_to=data.get("set"),
            reason=str(data.get("reason") or ""),
        )
    except usage.UsageError as err:
        raise https_fn.HttpsError(https_fn.FunctionsErrorCode(err.code), str(err)) from err
    return {"uid": change.uid, "before": change.before, "after": change.after}


@https_fn.on_request(**deployment.API, secrets=[SENDGRID_API_KEY, LINK_SECRET])
def api(req: https_fn.Request) -> https_fn.Response:
    """HTTPS behind Hosting's /api/** and /d/** rewrites: the web pages' API and the download-page links."""
    from badgeforge.api.app import handle_request  # Flask app and its routes load only in this function

    return handle_request(req, _services())


@scheduler_fn.on_schedule(
    schedule="every 10 minutes",
    timeout_sec=540,
    memory=options.MemoryOption.GB_2,
    secrets=[SENDGRID_API_KEY, LINK_SECRET],
)
def retry_failed_mail(event: scheduler_fn.ScheduledEvent) -> None:
    """Every 10 minutes: re-drive failed or stuck mails and stuck render jobs (the triggers have no retries)."""
    from badgeforge.services import sweep

    sweep.run_sweep(_services())
