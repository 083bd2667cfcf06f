"""Download links through our own page (/d/<token>): a valid one downloads, an expired one says so plainly and
lets the signed-in owner get a new link by email; My badges re-downloads with a fresh link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from badgeforge.services import links

from .conftest import WAIT_MS
from .test_web_flow import EXAMPLE_CSV, add_user, outbox_links, sign_in

pytestmark = pytest.mark.e2e


def test_page_links_my_badges_and_an_expired_link(page_link_server, new_page):
    server = page_link_server
    add_user(server, "owner@example.com")
    page, console = new_page()
    sign_in(page, server, "owner@example.com")
    page.get_by_label("Choose a CSV file").set_input_files(str(EXAMPLE_CSV))
    page.locator("#preview-image").wait_for(state="visible")
    page.get_by_role("button", name="Make badges").click()
    page.locator("#download").wait_for(state="visible", timeout=120_000)
    assert "/d/" in page.locator("#download").get_attribute("href")
    with page.expect_download() as first:
        page.locator("#download").click()
    pdf = Path(first.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")

    page.goto(server.url + "/jobs.html")
    row = page.locator("#jobs tbody tr").first
    row.wait_for()
    assert "done" in row.inner_text()
    with page.expect_download() as again:
        row.get_by_role("button", name="Download badges of attendees.csv").click()
    assert Path(again.value.path()).read_bytes() == pdf

    token = server.token("owner@example.com")
    uid = server.api("GET", "/api/me", token)[1]["uid"]
    job_id = server.api("GET", "/api/jobs", token)[1]["jobs"][0]["id"]
    secret = (server.home / "link_secret").read_text().strip()
    expired = links.make_token(secret, uid, job_id, int((datetime.now(UTC) - timedelta(days=1)).timestamp()))
    mails_before = len(outbox_links(server, "owner@example.com"))

    visitor, visitor_console = new_page(width=375, height=740)
    visitor.goto(f"{server.url}/d/{expired}")
    expect(visitor.locator("#link-reason")).to_contain_text("expired", timeout=WAIT_MS)
    visitor.get_by_role("button", name="Email me a new link").click()
    visitor.get_by_label("Email", exact=True).fill("owner@example.com")
    visitor.get_by_label("Password", exact=True).fill("e2e-password-123")
    visitor.get_by_role("button", name="Sign in").click()
    expect(visitor.locator("#new-link-result")).to_contain_text("emailed", timeout=WAIT_MS)
    assert len(outbox_links(server, "owner@example.com")) == mails_before + 1

    page.goto(server.url + "/jobs.html")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete job attendees.csv").click()
    page.locator("#no-jobs").wait_for(state="visible")
    assert server.api("GET", "/api/jobs", token)[1]["jobs"] == []
    still_valid = links.make_token(secret, uid, job_id, int((datetime.now(UTC) + timedelta(days=1)).timestamp()))
    visitor.goto(f"{server.url}/d/{still_valid}")
    expect(visitor.locator("#link-reason")).to_contain_text("no longer available", timeout=WAIT_MS)
    assert visitor.get_by_role("button", name="Email me a new link").is_hidden()
    assert console.errors == []
    assert visitor_console.errors == []
