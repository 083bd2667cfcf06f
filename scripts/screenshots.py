"""Retake every screenshot in docs/screenshots: each page at 1280x800 and 390x844, the form with a file, the email.

    PYTHONPATH=$PWD:$PWD/functions .venv/bin/python scripts/screenshots.py

    <page>-desktop.png, <page>-phone.png   every page (signin, index, jobs, account, admin, link, reset, verify, desk,
                                           kiosk, studio, dead-link, email), light (tests/e2e/test_pages_quality.py)
    form-desktop.png, form-phone.png       the upload form with examples/attendees.csv (test_upload_form.py)
    upload.png, console.png                the README's pair (test_web_flow.py)
    email-en.png, email-de.png             the badge email at phone width (test_dead_links_and_email.py)

They come from the e2e tests that also check the pages (a real `badgeforge serve`, Debian's Chromium, axe-core), so
a screenshot is only written when the page it shows passes its checks. The data is fixed (the same users, the
example attendees, one job); the times a page shows are masked, so a retake differs only where a page changed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = [
    "tests/e2e/test_pages_quality.py::test_every_page_is_accessible_fits_a_phone_and_has_dark_mode",
    "tests/e2e/test_upload_form.py::test_the_form_is_accessible_and_fits_at_desktop_and_phone_sizes",
    "tests/e2e/test_web_flow.py::test_organizer_uploads_previews_renders_downloads_and_gets_the_email",
    "tests/e2e/test_web_flow.py::test_admin_raises_usage_and_the_log_shows_it",
    "tests/e2e/test_dead_links_and_email.py::test_badge_email_reads_well_at_phone_width",
]

if __name__ == "__main__":
    env = {**os.environ, "BADGEFORGE_SCREENSHOTS": "1"}
    python_path = [str(ROOT), str(ROOT / "functions"), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(part for part in python_path if part)
    # light mode only: one picture per page and size (dark mode is checked by the same test, not photographed)
    command = [
        sys.executable,
        "-m",
        "pytest",
        *TESTS,
        "-k",
        "light or not has_dark_mode",
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    sys.exit(subprocess.run(command, cwd=ROOT, env=env).returncode)
