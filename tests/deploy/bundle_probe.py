"""Runs INSIDE the fresh virtualenv with cwd = the bundled functions folder (not under pytest, not the repo's venv).

Discovers the functions the way firebase-tools does at deploy (firebase_functions.private.serving), then reports
where badge_renderer, badgeforge and the templates were found, so the test can prove they come from the bundle.
Prints one line `PROBE <json>` at the end.
"""

from __future__ import annotations

import json
import os
import sys

import yaml
from firebase_functions.private import serving

functions = serving.get_functions()
spec = yaml.safe_load(serving.functions_as_yaml(functions))

import badge_renderer  # noqa: E402  (after main.py was loaded, as in production)
import badgeforge  # noqa: E402
from badgeforge.config import templates_dir  # noqa: E402

report = {
    "endpoints": spec["endpoints"],
    "required_apis": [api["api"] for api in spec.get("requiredAPIs", [])],
    "params": [param["name"] for param in spec.get("params", [])],
    "badge_renderer": os.path.realpath(badge_renderer.__file__),
    "badgeforge": os.path.realpath(badgeforge.__file__),
    "templates": os.path.realpath(templates_dir()),
    "prefix": os.path.realpath(sys.prefix),
    "sys_path": sys.path,
}
print("PROBE " + json.dumps(report, default=str))
