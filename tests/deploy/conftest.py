"""Builds the deployable functions bundle ONCE per test session: a temp copy of functions/, the predeploy script run
into it, and a FRESH virtualenv (python -m venv) with only functions/requirements.txt installed from the registry.

The layout mirrors a Firebase project so the emulator test can use it as is:
    <tmp>/project/firebase.json, .firebaserc   copies of the repository's (tests may rewrite the ports)
    <tmp>/project/web/                          Hosting's public folder
    <tmp>/project/functions/                   the bundle: main.py, badgeforge/, badge_renderer/, templates/
    <tmp>/project/functions/venv/              the fresh virtualenv (where firebase-tools looks for it)

pip keeps its normal cache (~/.cache/pip, or PIP_CACHE_DIR), so a re-run installs from cached wheels in seconds.
BADGEFORGE_FUNCTIONS_SOURCE points the build at another functions folder (to check the test against a stand-in).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE_SCRIPT = ROOT / "scripts" / "bundle_functions.sh"
# Build outputs and local state that must never be copied from the working tree into the bundle.
NOT_SOURCE = ("venv", ".venv", "__pycache__", "*.pyc", ".pytest_cache", "badge_renderer", "templates", "*.local")


@dataclass(frozen=True)
class Bundle:
    project: Path  # a Firebase project directory (firebase.json, .firebaserc, functions/)
    functions: Path  # the bundled functions source
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


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    source = functions_source()
    if not (source / "main.py").is_file():
        pytest.skip(f"{source}/main.py does not exist yet: nothing to bundle")
    project = tmp_path_factory.mktemp("deploy") / "project"
    functions = project / "functions"
    shutil.copytree(source, functions, ignore=shutil.ignore_patterns(*NOT_SOURCE), symlinks=False)
    for name in ("firebase.json", ".firebaserc"):
        shutil.copy2(ROOT / name, project / name)
    shutil.copytree(ROOT / "web", project / "web")  # Hosting's public folder, for the hosting emulator

    built = run_bundle_script(functions)
    assert built.returncode == 0, built.stderr

    venv = functions / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120, env=clean_env())
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "-r", str(functions / "requirements.txt")],
        capture_output=True,
        text=True,
        timeout=900,
        env=clean_env(),
        check=False,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    return Bundle(project=project, functions=functions, python=python)
