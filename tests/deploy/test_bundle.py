"""The predeploy bundle is what Cloud Functions runs: main.py must import from it in a fresh virtualenv that has
ONLY functions/requirements.txt, and every function must carry the trigger firebase-tools deploys.

Nothing is mocked; the only thing not exercised is the upload to Google (no network here).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.conftest import ROOT, Bundle, clean_env, run_bundle_script

PROBE = Path(__file__).with_name("bundle_probe.py")
FIREBASE_CONFIG = {
    "projectId": "demo-badgeforge",
    "storageBucket": "demo-badgeforge.appspot.com",
    "databaseURL": "https://demo-badgeforge-default-rtdb.firebaseio.com",
    "locationId": "us-central1",
}

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("deploy-bundle")]


@pytest.fixture(scope="module")
def probe(bundle: Bundle) -> dict[str, Any]:
    env = clean_env() | {"FIREBASE_CONFIG": json.dumps(FIREBASE_CONFIG), "GCLOUD_PROJECT": "demo-badgeforge"}
    proc = subprocess.run(
        [str(bundle.python), "-I", str(PROBE)],  # -I: neither the probe's folder nor user site on sys.path
        cwd=bundle.functions,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    line = next(x for x in reversed(proc.stdout.splitlines()) if x.startswith("PROBE "))
    return json.loads(line.removeprefix("PROBE "))


def test_bundle_holds_renderer_and_templates(bundle: Bundle) -> None:
    assert (bundle.functions / "badge_renderer" / "__init__.py").is_file()
    assert (bundle.functions / "templates" / "fonts").is_dir()
    assert not list(bundle.functions.glob("badge_renderer/**/__pycache__"))


def test_runs_in_the_fresh_venv_not_the_repositorys(bundle: Bundle, probe: dict[str, Any]) -> None:
    assert Path(probe["prefix"]) == bundle.python.parent.parent.resolve()
    assert not any(str(ROOT) == p or p.startswith(str(ROOT) + "/") for p in probe["sys_path"])


def test_renderer_templates_and_app_come_from_the_bundle(bundle: Bundle, probe: dict[str, Any]) -> None:
    functions = str(bundle.functions.resolve())
    assert probe["badge_renderer"].startswith(functions + "/badge_renderer/")
    assert probe["badgeforge"].startswith(functions + "/badgeforge/")
    assert probe["templates"] == functions + "/templates"


def test_render_badges_is_a_storage_finalized_trigger(probe: dict[str, Any]) -> None:
    trigger = probe["endpoints"]["render_badges"]["eventTrigger"]
    assert trigger["eventType"] == "google.cloud.storage.object.v1.finalized"
    assert trigger["eventFilters"]["bucket"] == FIREBASE_CONFIG["storageBucket"]


def test_send_badge_mail_is_an_rtdb_created_trigger_on_badgemails(probe: dict[str, Any]) -> None:
    trigger = probe["endpoints"]["send_badge_mail"]["eventTrigger"]
    assert trigger["eventType"] == "google.firebase.database.ref.v1.created"
    ref = trigger["eventFilterPathPatterns"]["ref"].strip("/")
    assert ref.startswith("badgeMails/{uid}/{")
    assert ref.count("/") == 2 and ref.endswith("}")


def test_adjust_usage_is_callable(probe: dict[str, Any]) -> None:
    assert "callableTrigger" in probe["endpoints"]["adjust_usage"]


def test_retry_failed_mail_is_scheduled(probe: dict[str, Any]) -> None:
    trigger = probe["endpoints"]["retry_failed_mail"]["scheduleTrigger"]
    assert trigger["schedule"]
    assert "cloudscheduler.googleapis.com" in probe["required_apis"]


def test_api_is_https_when_present(probe: dict[str, Any]) -> None:
    """firebase.json rewrites /api/** and /d/** to `api`; it is written later, so only its shape is checked."""
    if "api" not in probe["endpoints"]:
        pytest.skip("functions/main.py has no `api` yet (hosting rewrites point at it)")
    assert "httpsTrigger" in probe["endpoints"]["api"]


def test_every_endpoint_targets_the_python_v2_platform(probe: dict[str, Any]) -> None:
    assert {"render_badges", "send_badge_mail", "adjust_usage", "retry_failed_mail"} <= set(probe["endpoints"])
    for name, endpoint in probe["endpoints"].items():
        assert endpoint["platform"] == "gcfv2", name
        assert endpoint["entryPoint"] == name


def test_bundle_installs_the_lock(bundle: Bundle) -> None:
    """Cloud Build installs the source's requirements.txt: in the bundle that is the hashed lock."""
    assert (bundle.functions / "requirements.txt").read_text() == (ROOT / "functions" / "requirements.lock").read_text()


def test_venv_answers_to_the_runtimes_interpreter_name(bundle: Bundle) -> None:
    """firebase-tools runs `python3.13` inside the activated venv for runtime python313."""
    assert (bundle.functions / "venv" / "bin" / "python3.13").exists()


@pytest.mark.parametrize("folder", ["functions", ".", "templates"])
def test_script_refuses_to_build_into_a_source_folder(folder: str) -> None:
    result = run_bundle_script(ROOT / folder)
    assert result.returncode != 0
    assert "is a source folder" in result.stderr
    assert (ROOT / "functions" / "main.py").is_file()


def test_script_replaces_stale_copies_and_keeps_the_venv(tmp_path: Path) -> None:
    """A file deleted from badge_renderer/ must not survive in the bundle from an earlier build; venv/ stays."""
    stale = tmp_path / "badge_renderer" / "removed_module.py"
    stale.parent.mkdir()
    stale.write_text("")
    (tmp_path / "venv").mkdir()
    (tmp_path / "venv" / "kept").write_text("")
    result = run_bundle_script(tmp_path)
    assert result.returncode == 0, result.stderr
    assert not stale.exists()
    assert (tmp_path / "badge_renderer" / "__init__.py").is_file()
    assert (tmp_path / "venv" / "kept").is_file()
    assert (tmp_path / "main.py").is_file() and (tmp_path / "badgeforge" / "__init__.py").is_file()


def test_firebase_json_deploys_the_bundle_on_python313() -> None:
    config = json.loads((ROOT / "firebase.json").read_text())
    (functions,) = config["functions"]
    assert functions["source"] == "build/functions"
    assert functions["runtime"] == "python313"  # python311 is deprecated in 2027-10; 313 keeps the Ubuntu 22.04 image
    assert any("scripts/bundle_functions.sh" in step and "$RESOURCE_DIR" in step for step in functions["predeploy"])
    assert {"venv", "__pycache__", "tests"} <= set(functions["ignore"])
