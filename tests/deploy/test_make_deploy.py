"""`make deploy` names the real project every time and refuses before building anything when it cannot deploy;
`make -n` shows the documented command chain (bundle, discovery venv, firebase deploy)."""

from __future__ import annotations

import subprocess

import pytest

from tests.deploy.conftest import ROOT, clean_env


def _make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "-s", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=60, env=clean_env(), check=False
    )


@pytest.mark.parametrize(("args", "says"), [((), "make deploy PROJECT="), (("PROJECT=demo-x",), "demo project")])
def test_deploy_refuses_without_a_real_project(args: tuple[str, ...], says: str) -> None:
    result = _make("deploy", *args)
    assert result.returncode != 0
    assert says in result.stdout + result.stderr
    assert "bundle_functions" not in result.stdout  # refused before building anything


def test_deploy_runs_the_documented_steps_in_order() -> None:
    result = _make("-n", "deploy", "PROJECT=my-project", "ONLY=functions")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    steps = [
        next(i for i, line in enumerate(lines) if "scripts/bundle_functions.sh build/functions" in line),
        next(i for i, line in enumerate(lines) if "scripts/functions_venv.sh build/functions" in line),
        next(i for i, line in enumerate(lines) if 'firebase deploy --project "my-project" --only functions' in line),
    ]
    assert steps == sorted(steps)


def test_lock_target_runs_the_lock_script() -> None:
    result = _make("-n", "lock")
    assert "scripts/lock_functions.sh" in result.stdout
