"""`badgeforge admin usage EMAIL (--add N | --set N) --reason TEXT`: the adjust_usage operation from a terminal.

Whoever runs the CLI holds the database credentials, so they act as an administrator; the log records them.
"""

from __future__ import annotations

import getpass

import click

from badgeforge.cli._context import find_user, friendly_errors, services


@click.group()
def admin() -> None:
    """Administrator operations."""


@admin.command("usage")
@click.argument("email")
@click.option("--add", "delta", type=int, default=None, help="Add N (negative to take away).")
@click.option("--set", "set_to", type=click.IntRange(min=0), default=None, help="Set to N.")
@click.option("--reason", required=True, help="Why (kept in the usage log).")
def usage_command(email: str, delta: int | None, set_to: int | None, reason: str) -> None:
    """Change EMAIL's allowed badge generations; prints before -> after."""
    from badgeforge.services.usage import adjust_usage

    if (delta is None) == (set_to is None):
        raise click.UsageError("give exactly one of --add N or --set N")
    with friendly_errors():
        svc = services()
        record = find_user(svc, email)
        change = adjust_usage(
            svc, True, f"cli:{getpass.getuser()}", uid=record.uid, delta=delta, set_to=set_to, reason=reason
        )
    click.echo(f"{record.email}: allowed usage {change.before} -> {change.after}")
