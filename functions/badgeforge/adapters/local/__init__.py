"""Local adapters: the whole pipeline on one machine under BADGEFORGE_HOME, with no cloud account."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from badgeforge.config import Settings


def build(settings: Settings) -> dict[str, Any]:
    """Folder storage, SQLite tree, outbox (or SMTP) mailer, SQLite user directory, system clock."""
    from badgeforge.adapters.local.blobs import FolderBlobStore
    from badgeforge.adapters.local.clock import SystemClock
    from badgeforge.adapters.local.links import LocalLinkSigner
    from badgeforge.adapters.local.mailer import build_mailer
    from badgeforge.adapters.local.tree_db import SqliteTreeDatabase
    from badgeforge.adapters.local.users import LocalUserDirectory
    from badgeforge.private_files import private_dir

    home = private_dir(settings.home)  # first, so nothing below is ever made in a folder others can read
    blobs = FolderBlobStore(home / "storage", settings.bucket)
    return {
        "blobs": blobs,
        "links": LocalLinkSigner(settings.effective_link_secret(), settings.public_base_url),
        "db": SqliteTreeDatabase(home / "database.sqlite", max_bytes=settings.database_max_bytes),
        "mailer": build_mailer(home / "outbox", settings.smtp_url),
        "users": LocalUserDirectory(home / "users.sqlite"),
        "clock": SystemClock(),
    }
