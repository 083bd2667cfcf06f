"""functions/requirements.lock is what Cloud Build installs: it must pin, with hashes, every top-level pin of
functions/requirements.txt at the same version (run `make lock` after changing functions/requirements.txt)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503


def _pins(text: str) -> dict[str, str]:
    return {_name(m[1]): m[3] for line in text.splitlines() if (m := PIN.match(line.strip()))}


def _locked(text: str) -> dict[str, list[str]]:
    """name -> its hashes, from the `name==version \\` blocks uv writes."""
    entries: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            current = _name(match[1])
            entries[current] = []
        elif current and line.strip().startswith("--hash=sha256:"):
            entries[current].append(line.strip().split(":", 1)[1].rstrip(" \\"))
    return entries


def test_lock_covers_every_top_level_pin_at_its_version() -> None:
    top = _pins((ROOT / "functions" / "requirements.txt").read_text())
    locked = _pins((ROOT / "functions" / "requirements.lock").read_text())
    missing = {name: version for name, version in top.items() if locked.get(name) != version}
    assert not missing, f"functions/requirements.lock is stale for {missing}: run `make lock`"


def test_every_locked_package_has_hashes() -> None:
    entries = _locked((ROOT / "functions" / "requirements.lock").read_text())
    assert len(entries) > len(_pins((ROOT / "functions" / "requirements.txt").read_text()))  # transitive ones too
    unhashed = [name for name, hashes in entries.items() if not hashes]
    assert not unhashed
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for hashes in entries.values() for h in hashes)


def test_lock_is_resolved_for_the_deployed_runtime() -> None:
    text = (ROOT / "functions" / "requirements.lock").read_text()
    assert "make lock" in text.splitlines()[0] and "python313" in text.splitlines()[0]
    script = (ROOT / "scripts" / "lock_functions.sh").read_text()
    assert "--python-version 3.13" in script and "--generate-hashes" in script
    assert "--python-platform x86_64-manylinux_2_28" in script
