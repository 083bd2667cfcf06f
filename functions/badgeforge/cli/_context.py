"""What every pipeline subcommand shares: Services from the environment, errors turned into one-line messages."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from badgeforge.config import ConfigError, Services, get_services


def services() -> Services:
    try:
        return get_services()
    except ConfigError as err:
        raise click.ClickException(str(err)) from err


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Known problems exit 2 with their message (never a traceback); a full database exits 1 (not the input's
    fault) and says what to do."""
    from badgeforge.ports import DatabaseFull
    from badgeforge.services.usage import UsageError

    try:
        yield
    except DatabaseFull as err:
        click.echo(
            f"error: {err}; nothing was recorded. Free disk space (or raise BADGEFORGE_DATABASE_MAX_BYTES).", err=True
        )
        sys.exit(1)
    except (UsageError, ConfigError, ValueError) as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)


def find_user(svc: Services, email: str):
    record = svc.users.find_by_email(email)
    if record is None:
        click.echo(f"error: no account for {email} (create it with `badgeforge users add {email}`)", err=True)
        sys.exit(2)
    return record
