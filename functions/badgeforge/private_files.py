"""Files under BADGEFORGE_HOME are private to their owner: files 0600, folders 0700.

Why: link_secret and session.key let whoever reads them mint download links and sessions, users.sqlite holds
password hashes, and the database, storage/ and outbox/ hold every attendee list and email. Why not os.umask:
it is process-wide, so it would also change files that the caller's own code creates.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """`mkdir -p` where every folder made here is 0700. An existing folder is tightened only when it is ours and
    not a shared one (sticky, like /tmp), so pointing BADGEFORGE_HOME at an odd place never locks others out."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made meanwhile by another process
            folder.mkdir(mode=DIR_MODE)
    _tighten(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Make sure `path` exists as an owner-only file (created empty if missing; an older 0644 one is tightened).
    Call it before SQLite opens a database: SQLite gives its -wal and -shm files the database file's mode."""
    path = Path(path)
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    os.close(fd)
    _tighten(path, FILE_MODE)
    return path


def read_or_create_secret(path: Path, make: Callable[[], bytes]) -> bytes:
    """The secret kept in `path`, created once with `make()`. The first writer wins (hard link, which fails if the
    name exists), so processes starting together all read the same secret; it is never visible half-written."""
    path = Path(path)
    if not path.exists():
        private_dir(path.parent)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(make())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process was first: use its secret
            except OSError:  # a filesystem without hard links: last writer wins, still never half-written
                os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    _tighten(path, FILE_MODE)
    return path.read_bytes()


def _tighten(path: Path, mode: int) -> None:
    """chmod to `mode` if group/others have any access, the path is ours, and it is not a shared sticky folder."""
    info = path.stat()
    if not info.st_mode & 0o077 or info.st_uid != os.getuid() or info.st_mode & stat.S_ISVTX:
        return
    os.chmod(path, mode)
