"""firebase.json passes firebase-tools' own schema validator and points at things that exist in the repository."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.deploy.conftest import ROOT

TOOLS_MODULES = ROOT / "tools" / "node_modules"
CONFIG = json.loads((ROOT / "firebase.json").read_text())

VALIDATE_JS = """
const path = require('path');
const fs = require('fs');
const lib = path.join(process.argv[1], 'firebase-tools', 'lib');
const {getValidator, getErrorMessage} = require(path.join(lib, 'firebaseConfigValidate'));
const validate = getValidator();
const ok = validate(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')));
console.log(JSON.stringify(ok ? [] : validate.errors.map(getErrorMessage)));
"""


def test_matches_firebase_tools_schema() -> None:
    if not (TOOLS_MODULES / "firebase-tools").is_dir():
        pytest.fail("firebase-tools is missing: run `cd tools && npm ci` (make test does this)")
    command = ["node", "-e", VALIDATE_JS, str(TOOLS_MODULES), str(ROOT / "firebase.json")]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


def test_rules_files_exist() -> None:
    assert (ROOT / CONFIG["database"]["rules"]).is_file()
    assert (ROOT / CONFIG["storage"]["rules"]).is_file()


def test_hosting_destinations_exist_in_the_public_folder() -> None:
    public = ROOT / CONFIG["hosting"]["public"]
    for rewrite in CONFIG["hosting"]["rewrites"]:
        if "destination" in rewrite:
            assert (public / rewrite["destination"].lstrip("/")).is_file(), rewrite


def test_hosting_sends_api_and_links_to_the_api_function() -> None:
    by_source = {r["source"]: r for r in CONFIG["hosting"]["rewrites"]}
    assert by_source["/api/**"]["function"]["functionId"] == "api"
    assert by_source["/d/**"]["function"]["functionId"] == "api"
    assert by_source["/adjust_usage"]["function"]["functionId"] == "adjust_usage"


def test_hosting_sends_exactly_the_security_headers_serve_sends() -> None:
    """One definition (badgeforge.api.security_headers); firebase.json is static JSON, so it repeats it verbatim.
    Hosted pages sign in with Firebase Auth, so theirs is the policy with Google's sign-in script allowed."""
    from badgeforge.api.security_headers import SECURITY_HEADERS, firebase_auth_policy

    everything = next(block for block in CONFIG["hosting"]["headers"] if block["source"] == "**")
    hosting = {h["key"]: h["value"] for h in everything["headers"] if h["key"] != "Cache-Control"}
    assert hosting == {**SECURITY_HEADERS, "Content-Security-Policy": firebase_auth_policy()}
    assert "https://apis.google.com" in hosting["Content-Security-Policy"]
    assert "apis.google.com" not in SECURITY_HEADERS["Content-Security-Policy"], "local accounts need no Google"


def test_emulators_are_local_without_ui() -> None:
    emulators = CONFIG["emulators"]
    assert emulators["singleProjectMode"] is True
    assert emulators["ui"]["enabled"] is False
    for name in ("functions", "auth", "hosting"):
        assert emulators[name]["host"] == "127.0.0.1"


def test_firebaserc_default_is_a_demo_project() -> None:
    """A `demo-` project id makes firebase-tools refuse to reach any real project from a fresh checkout."""
    projects = json.loads((ROOT / ".firebaserc").read_text())["projects"]
    assert projects["default"].startswith("demo-")
