"""`badgeforge jobs [EMAIL] [--json]`: render jobs with status, counts, errors and mail state;
`badgeforge jobs restore EMAIL JOB_ID`: undo a delete within its 30 days."""

from __future__ import annotations

import json
from typing import Any

import click

from badgeforge.cli._context import find_user, services
from badgeforge.services.keys import as_map


def job_rows(svc, uid_filter: str | None = None) -> list[dict[str, Any]]:
    users = as_map(svc.db.get("users"))
    mails_by_user = as_map(svc.db.get("badgeMails"))
    rows = []
    for uid, jobs in as_map(svc.db.get("jobs")).items():
        if uid_filter and uid != uid_filter:
            continue
        for job_id, job in as_map(jobs).items():
            if isinstance(job, dict) and job.get("deleted_at"):
                continue  # deleted: hidden until restored or purged
            mail = as_map(mails_by_user.get(uid)).get(job.get("mail_key", "")) or {}
            rows.append(
                {
                    "uid": uid,
                    "email": (users.get(uid) or {}).get("email", ""),
                    "job_id": job_id,
                    "status": job.get("status"),
                    "badges": job.get("badges", 0),
                    "pages": job.get("pages", 0),
                    "created_at": job.get("created_at"),
                    "output": job.get("output"),
                    "error": job.get("error"),
                    "mail_status": mail.get("status"),
                }
            )
    return sorted(rows, key=lambda r: r["created_at"] or "")


class _ListByDefault(click.Group):
    """`jobs restore ...` runs the subcommand; anything else (`jobs`, `jobs EMAIL --json`) lists, as before."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0] not in self.commands:
            args = ["list", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_ListByDefault)
def jobs() -> None:
    """List jobs (`badgeforge jobs [EMAIL] [--json]`), or restore a deleted one."""


@jobs.command("restore", context_settings={"ignore_unknown_options": True})  # push ids start with "-"
@click.argument("email")
@click.argument("job_id")
def restore(email: str, job_id: str) -> None:
    """Show EMAIL's deleted job JOB_ID again (within 30 days of its deletion)."""
    from badgeforge.services import trash

    svc = services()
    uid = find_user(svc, email).uid
    try:
        trash.restore(svc, uid, job_id)
    except trash.NotRestorable as err:
        click.echo(f"error: {err}", err=True)
        raise SystemExit(1) from err
    click.echo(f"restored job {job_id} of {email}")


@jobs.command("list")
@click.argument("email", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_jobs(email: str | None, as_json: bool) -> None:
    """List jobs (all, or EMAIL's), oldest first."""
    svc = services()
    uid = find_user(svc, email).uid if email else None
    rows = job_rows(svc, uid)
    if as_json:
        click.echo(json.dumps(rows))
        return
    if not rows:
        click.echo("no jobs yet")
    for row in rows:
        detail = f"{row['badges']} badges, mail {row['mail_status'] or '-'}" if row["status"] == "done" else ""
        if row["error"]:
            detail = row["error"].get("message", "")
        when = (row["created_at"] or "")[:19]
        click.echo(f"{when}  {row['email']:<28} {row['job_id']:<28} {row['status']:<9} {detail}")
