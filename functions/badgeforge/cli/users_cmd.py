"""`badgeforge users add|list`: accounts in the user directory plus their users/{uid} node (allowed usage)."""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Iterator
from typing import Any

import click

from badgeforge.cli._context import friendly_errors, services
from badgeforge.services.keys import as_map
from badgeforge.services.usage import MAX_ALLOWED_USAGE


@click.group()
def users() -> None:
    """Manage organizer accounts (local directory, or Firebase Auth with BADGEFORGE_MODE=firebase)."""


@users.command("add")
@click.argument("email")
@click.option(
    "--usage",
    type=click.IntRange(0, MAX_ALLOWED_USAGE),
    default=None,
    help="Allowed badge generations (default: config).",
)
@click.option("--admin", is_flag=True, help="May change other users' usage.")
@click.option("--password", "ask_password", is_flag=True, help="Prompt for a password (for the web sign-in).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--name", "display_name", default="", help="Display name.")
def add(
    email: str, usage: int | None, admin: bool, ask_password: bool, password_stdin: bool, display_name: str
) -> None:
    """Create the account EMAIL with --usage N generations."""
    from badgeforge.services.usage import ensure_user

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif ask_password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if password is not None and len(password) < 8:
        raise click.BadParameter("use at least 8 characters", param_hint="password")
    with friendly_errors():
        svc = services()
        if svc.users.find_by_email(email) is not None:
            raise ValueError(f"an account for {email} already exists (change usage with `badgeforge admin usage`)")
        record = svc.users.create(email, password=password, admin=admin, display_name=display_name)
        if admin:
            svc.users.set_admin(record.uid, True)
        node = ensure_user(svc, record, allowed_usage=usage)
    role = " (admin)" if admin else ""
    click.echo(f"created {record.email}{role}: uid {record.uid}, allowed usage {node.get('allowed_usage')}")


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--limit", type=click.IntRange(1), default=None, help="At most N users.")
def list_users(as_json: bool, limit: int | None) -> None:
    """Every user (in email order) with allowed usage, jobs in progress and admin flag; read a page at a time."""

    svc = services()
    rows = []
    for uid, node in itertools.islice(_every_user(svc), limit):
        record = svc.users.get(uid)
        rows.append(
            {
                "uid": uid,
                "email": node.get("email") or (record.email if record else ""),
                "allowed_usage": int(node.get("allowed_usage", 0)),
                "in_progress": len(as_map(node.get("holds"))),
                "admin": bool(record.admin if record else node.get("admin")),
            }
        )
    if as_json:
        click.echo(json.dumps(rows))
        return
    if not rows:
        click.echo("no users yet (add one with `badgeforge users add EMAIL --usage N`)")
    for row in rows:
        flag = "  admin" if row["admin"] else ""
        click.echo(f"{row['email']:<36} usage {row['allowed_usage']:>4}  in progress {row['in_progress']}{flag}")


def _every_user(svc) -> Iterator[tuple[str, dict[str, Any]]]:
    """users/{uid} in email order, 200 at a time (an indexed query each), never the whole users tree at once."""
    from badgeforge.services import user_pages

    after = ""
    while True:
        page = user_pages.page_of_users(svc, after=after, limit=user_pages.MAX_PAGE_SIZE)
        yield from page.users
        if page.after is None:
            return
        after = page.after
