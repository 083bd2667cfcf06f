"""Retake the upload form's screenshots (docs/screenshots/form-desktop.png at 1280x800, form-phone.png at 390x844).

    PYTHONPATH=$PWD:$PWD/functions .venv/bin/python scripts/screenshots.py

They come from the e2e tests that also check the pages (a real `badgeforge serve`, Debian's Chromium), so a
screenshot is only written when the page it shows passes its checks.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    tests = ["tests/e2e/test_upload_form.py::test_the_form_is_accessible_and_fits_at_desktop_and_phone_sizes"]
    env = {**os.environ, "BADGEFORGE_SCREENSHOTS": "1"}
    command = [sys.executable, "-m", "pytest", *tests, "-q", "-p", "no:cacheprovider"]
    sys.exit(subprocess.run(command, cwd=ROOT, env=env).returncode)
