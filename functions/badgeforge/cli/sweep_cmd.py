"""`badgeforge sweep [--json]`: one pass of the sweep the cloud runs every 10 minutes (main.retry_failed_mail).

Locally nothing else re-drives a render killed with `kill -9`, a machine that stopped or an SMTP server that was
down: this pass (and `badgeforge serve`, which runs it periodically) does. Mails of re-driven jobs go out in the same
pass (the local runtime delivers their events synchronously).
"""

from __future__ import annotations

import json
import sys

import click

from badgeforge.cli._context import friendly_errors, services

LABELS = {
    "jobs_retried": "re-drove render job",
    "mails_retried": "retried mail",
    "mails_sent": "sent mail",
    "mails_settled": "charged sent mail",
    "holds_released": "gave back the use held by",
    "scratch_removed": "removed temporary folder",
    "jobs_purged": "purged deleted job",
    "files_expired": "expired",
    "drafts_removed": "removed expired draft upload",
    "errors": "error:",
}


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: what was re-driven, and errors.")
@click.option(
    "--rebuild-index",
    is_flag=True,
    help="First index every unsettled job from a full scan (once, for a database from before the open-work index).",
)
def sweep(as_json: bool, rebuild_index: bool) -> None:
    """Re-drive once what stopped or failed: renders past their lease, mails to retry, uses still held, and the
    temporary folders of dead renders; purge jobs deleted 30 days ago and expire old files. Exits 1 if any item
    failed (listed under errors)."""
    from badgeforge.services.sweep import run_sweep

    with friendly_errors():
        svc = services()
        if rebuild_index:
            from badgeforge.services import open_work

            click.echo(f"indexed {open_work.rebuild(svc)} open jobs", err=as_json)
        if svc.settings.mode == "local":
            from badgeforge.runtime import LocalRuntime

            runtime = LocalRuntime(svc)
            try:
                report = run_sweep(runtime.services)
            finally:
                runtime.close()
        else:
            report = run_sweep(svc)
    result = report.to_dict()
    if as_json:
        click.echo(json.dumps(result))
    elif not report.did_something():
        click.echo("nothing to re-drive")
    else:
        for key, label in LABELS.items():
            for item in result[key]:
                click.echo(f"{label} {item}", err=key == "errors")
    if report.errors:
        sys.exit(1)
