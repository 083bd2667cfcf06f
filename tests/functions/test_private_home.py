"""Everything under BADGEFORGE_HOME is private to its owner: files 0600, folders 0700, whatever the umask says.

Why it matters: link_secret and session.key let anyone who reads them mint download links and sessions;
users.sqlite holds password hashes; database.sqlite, storage/ and outbox/ hold every attendee list and email.
"""

from __future__ import annotations

import os
import stat
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from badgeforge.api import create_app
from badgeforge.config import Settings, build_services
from badgeforge.ports import OutgoingMail
from badgeforge.private_files import read_or_create_secret


@pytest.fixture
def open_umask():
    """The usual 022 (files 0644, folders 0755 unless the code says otherwise)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _modes(root: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        found[path.relative_to(root).as_posix()] = stat.S_IMODE(path.lstat().st_mode)
    return found


def _use_every_local_file(home: Path) -> None:
    services = build_services(Settings(mode="local", home=home))
    services.db.set("jobs/u1/j1", {"status": "queued"})  # database.sqlite plus its -wal/-shm
    services.users.create("a@example.com", password="long enough pw")
    services.blobs.write_bytes("badges/u1/j1/badges.pdf", b"%PDF-1.7", content_type="application/pdf")
    services.mailer.send(OutgoingMail(to="a@example.com", subject="s", text="t", html="<p>t</p>", from_email="f@x.y"))
    services.links.signed_url("badges/u1/j1/badges.pdf", expires=timedelta(hours=1))
    create_app(services)  # session.key


def test_a_new_home_is_private(tmp_path, open_umask):
    home = tmp_path / "home"
    _use_every_local_file(home)
    modes = _modes(home)
    for name in ("link_secret", "session.key", "database.sqlite", "users.sqlite"):
        assert name in modes, f"{name} was not created by the scenario"
    assert any(name.endswith(".eml") for name in modes) and any(name.endswith("badges.pdf") for name in modes)
    files = {name: oct(mode) for name, mode in modes.items() if (home / name).is_file()}
    folders = {name: oct(mode) for name, mode in modes.items() if (home / name).is_dir()}
    assert {name for name, mode in files.items() if mode != "0o600"} == set(), files
    assert {name for name, mode in folders.items() if mode != "0o700"} == set(), folders


def test_files_left_open_by_an_older_version_are_closed(tmp_path, open_umask):
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    for name in ("link_secret", "database.sqlite", "users.sqlite"):
        (home / name).touch(mode=0o644)
        (home / name).chmod(0o644)
    (home / "link_secret").write_text("old-secret-kept")
    (home / "session.key").write_bytes(b"k" * 32)
    (home / "session.key").chmod(0o644)
    services = build_services(Settings(mode="local", home=home))
    create_app(services)
    assert services.settings.effective_link_secret() == "old-secret-kept", "an existing secret is kept, not replaced"
    modes = _modes(home)
    for name in ("link_secret", "session.key", "database.sqlite", "users.sqlite"):
        assert oct(modes[name]) == "0o600", name
    assert oct(modes["."]) == "0o700"


def test_two_processes_making_the_secret_at_once_agree(tmp_path, open_umask):
    path = tmp_path / "secret"
    results: list[bytes] = []
    start = threading.Barrier(8)

    def make(i: int) -> None:
        start.wait()
        results.append(read_or_create_secret(path, lambda: f"secret-{i}".encode()))

    threads = [threading.Thread(target=make, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and results[0].startswith(b"secret-")
    assert oct(stat.S_IMODE(path.stat().st_mode)) == "0o600"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret"], "no temporary files left behind"
