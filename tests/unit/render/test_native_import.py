"""The cached cairocffi binding (badge_renderer.native_import): a fresh process imports cairocffi without
pycparser or ldconfig once the cache exists, draws exactly the same pixels and PDF text as cairocffi's own import,
and falls back to that import when the cache cannot be written. Real subprocesses, real cairo."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from badge_renderer import native_import

PROBE = r"""
import json, sys, hashlib, subprocess
from pathlib import Path
from badge_renderer.model import Attendee
from badge_renderer.render import RenderOptions, render_pdf, render_preview_png
person = Attendee(row=2, first_name="Zoë", last_name="山田", organization="Engines Ltd", ticket_id="T1")
options = RenderOptions(event_name="CacheConf", qr_field="ticket_id")
png = render_preview_png(person, options)
render_pdf([person] * 5, options, Path(sys.argv[1]))
text = subprocess.run(["pdftotext", sys.argv[1], "-"], capture_output=True, text=True, check=True).stdout
import cairocffi
print(json.dumps({"png": hashlib.sha256(png).hexdigest(), "text": text, "pycparser": "pycparser" in sys.modules,
                  "ffi": type(cairocffi.ffi).__module__}))
"""


def probe(tmp_path: Path, name: str, **env: str) -> dict:
    environment = {**os.environ, **env}
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / f"{name}.pdf")],
        capture_output=True, text=True, check=True, env=environment,
    )  # fmt: skip
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_a_cached_binding_draws_the_same_and_skips_the_header_parse(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plain = probe(tmp_path, "plain", BADGEFORGE_PREBUILT_FFI="0")
    first = probe(tmp_path, "first", BADGEFORGE_CACHE=str(cache))  # builds the cache (parses once)
    cached = probe(tmp_path, "cached", BADGEFORGE_CACHE=str(cache))
    assert plain["pycparser"] and not cached["pycparser"]
    assert cached["png"] == first["png"] == plain["png"] and cached["text"] == plain["text"]
    assert sorted(p.name.split("-")[0] for p in cache.glob("*.py")) == ["cairocffi", "freetype"]
    assert "cairo" in json.loads((cache / "find_library.json").read_text())


def test_an_unwritable_cache_falls_back_to_cairocffis_own_import(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    result = probe(tmp_path, "blocked", BADGEFORGE_CACHE=str(blocked / "cache"))
    assert result["pycparser"] and result["png"] == probe(tmp_path, "plain", BADGEFORGE_PREBUILT_FFI="0")["png"]


def test_the_cache_key_follows_the_cairocffi_files(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.find_spec("cairocffi")
    assert spec is not None and spec.submodule_search_locations
    package = tmp_path / "cairocffi"
    shutil.copytree(next(iter(spec.submodule_search_locations)), package)
    before = native_import._key(package)
    assert native_import._key(package) == before
    (package / "constants.py").write_text((package / "constants.py").read_text() + "\n# changed\n")
    assert native_import._key(package) != before
