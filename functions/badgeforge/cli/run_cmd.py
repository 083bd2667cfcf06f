"""`badgeforge run`: the whole cloud flow on one machine (upload -> render_badges -> badgeMails -> send_badge_mail).

Locally the LocalRuntime delivers the events to functions/main.py; with BADGEFORGE_MODE=firebase the CSV is
uploaded to the real bucket and the command waits for the deployed functions to finish the job.
"""

from __future__ import annotations

import json
import secrets
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from badgeforge.cli._context import friendly_errors, services

BAD_INPUT_EXIT = 2
SERVER_FAULTS = ("internal", "database_full", "storage_full")  # not the input's fault: exit 1
MAIL_FAILED_EXIT = 3  # the badges were rendered, but the email with the link did not go out
FIREBASE_WAIT_SECONDS = 600


def _job_files(input_csv: Path, opts: dict[str, Any]) -> dict[str, bytes]:
    """The CSV plus job.json (only the options given) and any images, as the web form would upload them."""
    job: dict[str, Any] = {}
    for key in ("design", "paper", "badge_size", "preset", "event_name", "accent", "background_color"):
        if opts.get(key):
            job[key] = opts[key]
    if opts.get("font"):
        job["font_family"] = opts["font"]
    if opts.get("qr"):
        job["qr_field"], job["qr_kind"] = (None, "vcard") if opts["qr"] == "vcard" else (opts["qr"], "text")
    for flag in ("crop_marks", "one_per_page", "pdfx"):
        if opts.get(flag):
            job[flag] = True
    if opts.get("bleed"):
        job["bleed_mm"] = opts["bleed"]
    if opts.get("sides"):
        job["sides"] = opts["sides"]
    if opts.get("no_rotate"):
        job["rotate"] = False
    if opts.get("ticket_types"):
        job["ticket_types"] = list(opts["ticket_types"])
    if opts.get("maps"):
        mapping = {}
        for pair in opts["maps"]:
            field, sep, column = pair.partition("=")
            if not sep or not field.strip() or not column.strip():
                raise click.BadParameter(f"expected FIELD=COLUMN, got {pair!r}", param_hint="--map")
            mapping[field.strip()] = column.strip()
        job["mapping"] = mapping
    files = {}
    for key, option in (("logo_image", "logo"), ("background_image", "background")):
        if opts.get(option):
            path = Path(opts[option])
            name = f"{option}{path.suffix.lower()}"
            files[name] = path.read_bytes()
            job[key] = name
    if job:
        files["job.json"] = json.dumps(job).encode()
    files[input_csv.name if input_csv.suffix.lower() == ".csv" else "attendees.csv"] = input_csv.read_bytes()
    return files


@click.command()
@click.argument("input_csv", metavar="INPUT.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "email", required=True, help="The organizer's email (created with the default usage).")
@click.option("--design", default=None, help="Design name (see `badgeforge designs`).")
@click.option("--paper", default=None, help="A3, A4, A5, letter, legal or WxHmm.")
@click.option("--badge-size", default=None, help="4x3in, A6, ID-1, 90x54mm ...")
@click.option("--preset", default=None, help="Label sheet or label-printer preset (see `badgeforge presets`).")
@click.option("--event-name", default=None, help="Event name printed on every badge.")
@click.option("--logo", type=click.Path(exists=True, dir_okay=False), default=None, help="Logo image.")
@click.option("--background", type=click.Path(exists=True, dir_okay=False), default=None, help="Background image.")
@click.option("--background-color", default=None, help="Background colour #rrggbb.")
@click.option("--accent", default=None, help="Accent colour #rrggbb.")
@click.option("--font", default=None, help="Font family from the bundled set.")
@click.option("--qr", default=None, metavar="COLUMN", help="QR code from a column, or 'vcard'.")
@click.option("--ticket-type", "ticket_types", multiple=True, help="Only these ticket types (repeatable).")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN", help="Take a field from a named column.")
@click.option("--crop-marks", is_flag=True, help="Draw crop marks.")
@click.option("--bleed", type=float, default=None, metavar="MM", help="Artwork past the trim (3 mm is usual; 0-6).")
@click.option("--pdfx", is_flag=True, help="Write a PDF/X-4-style file (sRGB output intent, XMP, /Trapped).")
@click.option("--one-per-page", is_flag=True, help="One badge per page.")
@click.option("--no-rotate", is_flag=True, help="Keep badges upright even when turning them fits more per sheet.")
@click.option("--duplex", "sides", flag_value="duplex", help="Backs on alternate pages, mirrored.")
@click.option("--fold-over", "sides", flag_value="foldover", help="Back above the front, rotated.")
@click.option("--job-id", default=None, help="Job id (default: a new one).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the result.")
def run(input_csv: Path, email: str, job_id: str | None, as_json: bool, **opts: Any) -> None:
    """Upload INPUT.csv for --user and run render + email exactly as the cloud does; print the results."""
    from badgeforge.services.usage import ensure_user

    with friendly_errors():
        svc = services()
        files = _job_files(input_csv, opts)
        record = svc.users.find_by_email(email) or svc.users.create(email)
        before = int(ensure_user(svc, record).get("allowed_usage", 0))
        job_id = job_id or f"cli-{datetime.now(UTC).strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(3)}"
        problems: list[BaseException] = []
        if svc.settings.mode == "local":
            problems = _run_local(svc, record.uid, job_id, files, show_progress=not as_json and sys.stderr.isatty())
        else:
            _run_firebase(svc, record.uid, job_id, files)
        result = _result(svc, record.uid, job_id, before, problems)
    _report(result, as_json)


def _run_local(svc, uid: str, job_id: str, files: dict[str, bytes], show_progress: bool) -> list[BaseException]:
    """Run the job; returns what the functions raised (the platform logs and drops those; we report them)."""
    from badgeforge.runtime import LocalRuntime

    runtime = LocalRuntime(svc)
    worker = threading.Thread(target=runtime.upload, args=(uid, job_id, files), daemon=True)
    worker.start()
    if show_progress:
        _show_progress(svc, uid, job_id, worker)
    worker.join()
    runtime.close()  # a fan-out job's chunks render on the local task queue after the upload returns
    return list(runtime.errors)


def _run_firebase(svc, uid: str, job_id: str, files: dict[str, bytes]) -> None:
    from badgeforge.runtime.local import CONTENT_TYPES

    for name, data in sorted(files.items(), key=lambda item: item[0].lower().endswith(".csv")):
        content_type = CONTENT_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")
        svc.blobs.write_bytes(f"uploads/{uid}/{job_id}/{name}", data, content_type=content_type)
    deadline = time.monotonic() + FIREBASE_WAIT_SECONDS
    while time.monotonic() < deadline:
        job = svc.db.get(f"jobs/{uid}/{job_id}") or {}
        if job.get("status") == "failed":
            return
        if job.get("status") == "done":
            mails = svc.db.get(f"badgeMails/{uid}") or {}
            node = mails.get(job.get("mail_key", ""), {})
            if node.get("status") in ("sent", "failed"):
                return
        time.sleep(2)
    raise click.ClickException(f"the job did not finish within {FIREBASE_WAIT_SECONDS} s; see `badgeforge jobs`")


def _show_progress(svc, uid: str, job_id: str, worker: threading.Thread) -> None:
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Rendering badges", total=100)
        while worker.is_alive():
            worker.join(0.2)
            percent = (svc.db.get(f"jobs/{uid}/{job_id}/progress") or 0) if worker.is_alive() else 100
            progress.update(task, completed=percent)


def _unrecorded(job: dict[str, Any], problems: list[BaseException]) -> dict[str, Any] | None:
    """Why a job has no recorded end (still queued/rendering, or no node at all): the database could not take it."""
    from badgeforge.ports import DatabaseFull

    if job.get("status") in ("done", "failed"):
        return None
    for problem in problems:
        if isinstance(problem, DatabaseFull):
            return {
                "code": "database_full",
                "message": f"The job could not be recorded: {problem}. Nothing was charged.",
                "hint": "Free disk space (or raise BADGEFORGE_DATABASE_MAX_BYTES), then run `badgeforge sweep`.",
            }
    if problems:
        return {"code": "internal", "message": f"The job stopped without a result: {problems[-1]}"}
    return None


def _result(svc, uid: str, job_id: str, before: int, problems: list[BaseException] | None = None) -> dict[str, Any]:
    job = svc.db.get(f"jobs/{uid}/{job_id}") or {}
    node = (svc.db.get(f"badgeMails/{uid}/{job['mail_key']}") if job.get("mail_key") else None) or {}
    after = int(svc.db.get(f"users/{uid}/allowed_usage") or 0)
    pdf = None
    if job.get("status") == "done":
        local_path = getattr(svc.blobs, "local_path", None)
        pdf = str(local_path(job["output"])) if local_path else f"gs://{svc.blobs.bucket}/{job['output']}"
    warnings = job.get("warnings") or []
    if isinstance(warnings, dict):
        warnings = [warnings[k] for k in sorted(warnings, key=int)]
    error = job.get("error") or _unrecorded(job, problems or [])
    if error is None and node.get("status") == "failed":
        error = _mail_error(node, svc.settings.max_attempts)
    return {
        "job_id": job_id,
        "status": job.get("status", "unknown"),
        "badges": job.get("badges", 0),
        "pdf": pdf,
        "link": node.get("badgeLink"),
        "email_file": node.get("message_id") if node.get("provider") == "outbox" else None,
        "allowed_usage_before": before,
        "allowed_usage_after": after,
        "warnings": warnings,
        "error": error,
    }


def _mail_error(node: dict[str, Any], max_attempts: int) -> dict[str, Any]:
    """What the failed mail means for the user: final (only an admin's re-drive sends it) or retried later."""
    from badgeforge.services.mail_job import failed_for_good

    final = failed_for_good(node, max_attempts)
    if final:
        message = (
            f"The email was not sent and will not be retried: {node.get('error')}. Nothing was charged. "
            "Fix the cause, then send it again from the admin console (`badgeforge serve`, /admin)."
        )
    else:
        message = (
            f"The email was not sent yet: {node.get('error')}. Nothing was charged; the retry sweep sends it later "
            "(every 10 minutes in the cloud), or re-drive it from the admin console (`badgeforge serve`, /admin)."
        )
    return {"code": "mail_failed", "message": message, "final": final}


def _report(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(result))
    elif result["status"] == "done":
        for issue in result["warnings"][:20]:
            where = f"row {issue.get('row')}: " if issue.get("row") else ""
            click.echo(f"warning: {where}{issue.get('message')}", err=True)
        click.echo(f"{result['badges']} badges: {result['pdf']}")
        served = " (opens while `badgeforge serve` runs)" if "/files/" in (result["link"] or "") else ""
        click.echo(f"link: {result['link']}{served}")
        if result["email_file"]:
            click.echo(f"email: {result['email_file']}")
        elif result["error"]:
            click.echo(f"email: {result['error']['message']}", err=True)
        click.echo(f"usage: {result['allowed_usage_before']} -> {result['allowed_usage_after']}")
    else:
        message = (result["error"] or {}).get("message", "the job did not finish")
        click.echo(f"error: {message}", err=True)
    code = (result["error"] or {}).get("code", "")
    if result["status"] != "done":
        sys.exit(1 if code in SERVER_FAULTS else BAD_INPUT_EXIT)
    if code == "mail_failed":
        sys.exit(MAIL_FAILED_EXIT)
