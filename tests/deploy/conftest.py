"""Builds the deployable functions bundle ONCE per test session, with the commands `make bundle` runs, in a temp
copy of the project: scripts/bundle_functions.sh (build/functions with the lock as requirements.txt) and
scripts/functions_venv.sh (a FRESH virtualenv with only functions/requirements.txt, from the registry).

The layout is a Firebase project, so the emulator test can use it as is:
    <tmp>/project/firebase.json, .firebaserc   copies of the repository's (tests may rewrite the ports)
    <tmp>/project/web/ scripts/ functions/ badge_renderer/ templates/   copies of the sources
    <tmp>/project/build/functions/             the bundle: main.py, badgeforge/, badge_renderer/, templates/,
                                               requirements.txt (= functions/requirements.lock)
    <tmp>/project/build/functions/venv/        the fresh virtualenv (where firebase-tools looks for it)

pip keeps its normal cache (~/.cache/pip, or PIP_CACHE_DIR), so a re-run installs from cached wheels in seconds.
BADGEFORGE_FUNCTIONS_SOURCE points the build at another functions folder (to check the test against a stand-in).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE_SCRIPT = ROOT / "scripts" / "bundle_functions.sh"
# Build outputs and local state that must never be copied from the working tree into the bundle.
NOT_SOURCE = ("venv", ".venv", "__pycache__", "*.pyc", ".pytest_cache", "badge_renderer", "templates", "*.local")


@dataclass(frozen=True)
class Bundle:
    project: Path  # a Firebase project directory (firebase.json, .firebaserc, build/functions/)
    functions: Path  # the bundled functions source (firebase.json functions.source)
    python: Path  # the fresh virtualenv's interpreter


def functions_source() -> Path:
    return Path(os.environ.get("BADGEFORGE_FUNCTIONS_SOURCE", ROOT / "functions"))


def clean_env() -> dict[str, str]:
    """The environment without anything that would leak the repository's packages into the fresh venv."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    env["PYTHONNOUSERSITE"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def run_bundle_script(target: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(BUNDLE_SCRIPT), str(target)], capture_output=True, text=True, timeout=120, check=False
    )


def run_project_script(project: Path, script: str, *args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """One of the project's own scripts, as `make bundle` runs it (cwd = the project, a clean environment)."""
    return subprocess.run(
        ["bash", str(project / "scripts" / script), *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=clean_env(),
        check=False,
    )


def copy_project(project: Path, functions: Path | None = None) -> None:
    """The parts of the repository a deploy reads, into `project` (functions/ from `functions`, default ours)."""
    ignore = shutil.ignore_patterns(*NOT_SOURCE)
    shutil.copytree(functions or ROOT / "functions", project / "functions", ignore=ignore, symlinks=False)
    for name in ("firebase.json", ".firebaserc", "database.rules.json", "storage.rules"):
        shutil.copy2(ROOT / name, project / name)
    for name in ("web", "scripts", "templates"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "badge_renderer", project / "badge_renderer", ignore=shutil.ignore_patterns("__pycache__"))


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    source = functions_source()
    if not (source / "main.py").is_file():
        pytest.skip(f"{source}/main.py does not exist yet: nothing to bundle")
    project = tmp_path_factory.mktemp("deploy") / "project"
    project.mkdir()
    copy_project(project, source)
    built = run_project_script(project, "bundle_functions.sh")
    assert built.returncode == 0, built.stderr
    venv = run_project_script(project, "functions_venv.sh", timeout=900)
    assert venv.returncode == 0, venv.stdout[-3000:] + venv.stderr[-3000:]
    functions = project / "build" / "functions"
    return Bundle(project=project, functions=functions, python=functions / "venv" / "bin" / "python")
