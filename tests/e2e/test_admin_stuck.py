"""The admin console in Chromium lists a really stuck job (a render SIGKILLed mid-way, its 2 s lease run out) with
what a re-drive charges, and its Re-drive button finishes the job: done, one mail, one use charged, nothing held.
The server sweeps only at start here (BADGEFORGE_SWEEP_INTERVAL_SECONDS=0), so the job stays stuck for the admin."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from badgeforge.services.keys import parse_iso
from tests.functions.test_recovery_cli import kill_mid_render, many_attendees, wait_for

from .conftest import serving
from .test_web_flow import add_user, sign_in

pytestmark = pytest.mark.e2e


def test_admin_lists_a_stuck_job_and_redrives_it(tmp_path, new_page):
    home = tmp_path / "home"
    home.mkdir()
    with serving(home, BADGEFORGE_RENDER_LEASE_SECONDS="2", BADGEFORGE_SWEEP_INTERVAL_SECONDS="0") as server:
        add_user(server, "boss@example.com", admin=True)
        db = kill_mid_render(server.env, many_attendees(tmp_path / "attendees.csv", 600), "stuck-job")
        (uid,) = db.get("jobs")
        lease_until = parse_iso(db.get(f"jobs/{uid}/stuck-job/lease_until"))
        wait_for(lambda: time.time() > lease_until.timestamp(), every=0.1)

        page, console = new_page()
        sign_in(page, server, "boss@example.com", "/admin")
        row = page.locator("#stuck tbody tr", has_text="stuck-job")
        row.wait_for()
        assert "org@example.com" in row.inner_text() and "lease" in row.inner_text()
        assert "Keeps the use it already holds" in row.locator(".charge").inner_text()
        assert page.locator("#stuck-lease").inner_text() == "2 s"
        asked: list[str] = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        row.get_by_role("button", name="Re-drive stuck job stuck-job").click()
        page.wait_for_timeout(300)  # a cancelled confirmation sends nothing: the job stays stuck, no result
        assert "Keeps the use it already holds" in asked[0] and page.locator("#stuck-result").inner_text() == ""
        assert db.get(f"jobs/{uid}/stuck-job/status") == "rendering"
        page.once("dialog", lambda dialog: dialog.accept())
        row.get_by_role("button", name="Re-drive stuck job stuck-job").click()
        expect(page.locator("#stuck-result")).to_contain_text("Re-driven", timeout=30_000)  # the CSP forbids eval
        assert "1 use is charged when the badges are mailed" in page.locator("#stuck-result").inner_text()

        wait_for(lambda: db.get(f"jobs/{uid}/stuck-job/status") == "done", timeout=120, every=0.2)
        wait_for(lambda: list((home / "outbox").glob("*.eml")), timeout=60, every=0.2)
        account = db.get(f"users/{uid}")
        assert account["allowed_usage"] == 4 and not account.get("holds")
        page.reload()
        page.locator("#stuck tbody tr", has_text="No job is stuck").wait_for()
        assert console.errors == []
