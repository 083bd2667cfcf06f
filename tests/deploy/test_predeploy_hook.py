"""firebase.json's predeploy command, run by firebase-tools' own lifecycle-hook code, bundles into the functions
source of THAT project (its $RESOURCE_DIR = build/functions), from THAT project's sources and lock.

Why through firebase-tools: the command is wrapped in cross-env-shell with its quotes escaped, and PROJECT_DIR /
RESOURCE_DIR are set by firebase-tools; calling the script directly would not prove the quoting or the variables.
`firebase deploy` itself needs a login and the network, so only the hook is run (no deploy happens).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.conftest import ROOT

TOOLS_MODULES = ROOT / "tools" / "node_modules"
RUNNER = Path(__file__).with_name("predeploy_hook_runner.js")
CACHES = shutil.ignore_patterns("__pycache__", "*.pyc", "venv", "badge_renderer", "templates")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the Firebase project with a space in its path (quoting must survive it)."""
    if not (TOOLS_MODULES / "firebase-tools").is_dir():
        pytest.fail("firebase-tools is missing: run `cd tools && npm ci` (make test does this)")
    project = tmp_path / "my project"
    project.mkdir()
    shutil.copy2(ROOT / "firebase.json", project / "firebase.json")
    shutil.copytree(ROOT / "scripts", project / "scripts")
    shutil.copytree(ROOT / "functions", project / "functions", ignore=CACHES)
    shutil.copytree(ROOT / "badge_renderer", project / "badge_renderer", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", project / "templates")
    return project


def _predeploy(project: Path) -> subprocess.CompletedProcess[str]:
    command = ["node", str(RUNNER), str(TOOLS_MODULES), str(project)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_predeploy_bundles_into_the_projects_functions_source(project: Path) -> None:
    marker = project / "badge_renderer" / "only_in_this_copy.py"
    marker.write_text("# proves the bundle came from this project, not from the repository\n")
    result = _predeploy(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PREDEPLOY OK" in result.stdout
    built = project / "build" / "functions"
    assert (built / "badge_renderer" / "only_in_this_copy.py").is_file()
    assert (built / "badge_renderer" / "__init__.py").is_file()
    assert sorted(p.name for p in (built / "templates").iterdir()) == sorted(
        p.name for p in (project / "templates").iterdir()
    )
    assert (built / "main.py").read_text() == (project / "functions" / "main.py").read_text()
    assert (built / "requirements.txt").read_text() == (project / "functions" / "requirements.lock").read_text()


def test_predeploy_failure_stops_the_deploy(project: Path) -> None:
    shutil.rmtree(project / "templates")
    result = _predeploy(project)
    assert result.returncode == 1
    assert "templates is missing" in result.stdout + result.stderr
    assert "PREDEPLOY FAILED" in result.stderr


def test_hosting_predeploy_builds_the_bundled_sdk_into_that_projects_web_folder(tmp_path: Path) -> None:
    """The hosting predeploy runs scripts/build_web.sh for THAT project: the Firebase SDK bundle with its licences
    and config.json land in its web/ (Hosting's public folder), from its own tools/node_modules."""
    if not (TOOLS_MODULES / "esbuild").is_dir() or not (TOOLS_MODULES / "firebase").is_dir():
        pytest.fail("esbuild/firebase are missing: run `cd tools && npm ci` (make test does this)")
    project = tmp_path / "my project"
    (project / "tools").mkdir(parents=True)
    shutil.copy2(ROOT / "firebase.json", project / "firebase.json")
    shutil.copytree(ROOT / "scripts", project / "scripts")
    shutil.copytree(ROOT / "tools" / "web", project / "tools" / "web")
    (project / "tools" / "node_modules").symlink_to(TOOLS_MODULES.resolve())
    (project / "templates" / "fonts").mkdir(parents=True)
    shutil.copy2(ROOT / "templates" / "fonts" / "LICENSE-Apache-2.0.txt", project / "templates" / "fonts")
    # the pages are built by the same hook, from web/pages in the shared layout (templates/pages), by badgeforge
    shutil.copytree(ROOT / "functions", project / "functions", ignore=CACHES)
    shutil.copytree(ROOT / "templates" / "pages", project / "templates" / "pages")
    shutil.copytree(ROOT / "web" / "pages", project / "web" / "pages")
    result = subprocess.run(
        ["node", str(RUNNER), str(TOOLS_MODULES), str(project), "hosting"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "BADGEFORGE_PYTHON": sys.executable},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "web" / "index.html").is_file() and (project / "web" / "desk.html").is_file()
    vendor = project / "web" / "vendor" / "firebase"
    bundle = (vendor / "firebase.js").read_text()
    exported = set(re.findall(r" as (\w+)", bundle[bundle.rindex("export{") :]))
    used = {
        name for page in (ROOT / "web" / "js").glob("*.js") for name in re.findall(r"\bsdk\.(\w+)", page.read_text())
    }
    assert used and used <= exported, f"add {sorted(used - exported)} to tools/web/firebase_entry.js"
    assert not re.search(r"(^|[;}])import[ {]", bundle), "one self-contained module: no imports left to resolve"
    licence = (vendor / "LICENSE.txt").read_text()
    assert "firebase 12.9.0: Apache-2.0" in licence and "Apache License" in licence and "---- idb ----" in licence
    assert (vendor / "firebase.js.LEGAL.txt").is_file()
    assert (project / "web" / "config.json").read_text().strip() == '{"auth": "firebase", "live": "rtdb"}'
