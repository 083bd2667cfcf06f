"""`badgeforge jobs [EMAIL] [--json]`: render jobs with status, counts, errors and mail state;
`badgeforge jobs restore EMAIL JOB_ID`: undo a delete within its 30 days."""

from __future__ import annotations

import itertools
import json
from typing import Any

import click

from badgeforge.cli._context import find_user, services
from badgeforge.services.keys import as_map, is_safe_key


def job_rows(svc, uid_filter: str | None = None, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Each user's jobs, oldest first, users in email order; read a page at a time (indexed queries) and one mail
    node per job shown, so the cost follows what is printed, not the whole jobs and badgeMails trees."""
    from badgeforge.services import job_pages, user_pages

    def accounts():
        if uid_filter:
            yield uid_filter, svc.db.get(f"users/{uid_filter}") or {}
            return
        after = ""
        while True:
            page = user_pages.page_of_users(svc, after=after, limit=user_pages.MAX_PAGE_SIZE)
            yield from page.users
            if page.after is None:
                return
            after = page.after

    rows: list[dict[str, Any]] = []
    for uid, account in accounts():
        jobs = list(itertools.islice(job_pages.all_jobs(svc, uid), limit - len(rows) if limit else None))
        for job_id, job in reversed(jobs):
            key = job.get("mail_key")
            mail = as_map(svc.db.get(f"badgeMails/{uid}/{key}")) if isinstance(key, str) and is_safe_key(key) else {}
            rows.append(
                {
                    "uid": uid,
                    "email": (account or {}).get("email", ""),
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
        if limit and len(rows) >= limit:
            break
    return rows


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
@click.option("--limit", type=click.IntRange(1), default=None, help="At most N jobs (EMAIL's newest N).")
def list_jobs(email: str | None, as_json: bool, limit: int | None) -> None:
    """List jobs (all, or EMAIL's), oldest first within each user, users in email order."""
    svc = services()
    uid = find_user(svc, email).uid if email else None
    rows = job_rows(svc, uid, limit=limit)
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
