"""The people's side in a real browser against a real `badgeforge serve` (local adapters, local runtime).

Set BADGEFORGE_SCREENSHOTS=1 to also save docs/screenshots/upload.png and console.png for the README.
"""

from __future__ import annotations

import email
import io
import os
import re
from email import policy
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import PASSWORD, ROOT, WAIT_MS

pytestmark = pytest.mark.e2e

EXAMPLE_CSV = ROOT / "examples" / "attendees.csv"
SCREENSHOTS = ROOT / "docs" / "screenshots"


def add_user(server, address: str, *, usage: int = 5, admin: bool = False) -> None:
    args = ["users", "add", address, "--usage", str(usage), "--password-stdin"]
    server.cli(*args, *(["--admin"] if admin else []), stdin=PASSWORD + "\n")


def sign_in(page, server, address: str, path: str = "/") -> None:
    page.goto(server.url + path)
    page.get_by_label("Email", exact=True).fill(address)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator("#app").wait_for(state="visible")


def outbox_links(server, to: str) -> list[str]:
    links = []
    for path in sorted((server.home / "outbox").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if to not in str(message["To"]):
            continue
        body = message.get_body(preferencelist=("plain",)).get_content()
        links += re.findall(r"https?://\S+", body)
    return links


def screenshot(page, name: str) -> None:
    if os.environ.get("BADGEFORGE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_organizer_uploads_previews_renders_downloads_and_gets_the_email(server, new_page):
    add_user(server, "organizer@example.com", usage=5)
    page, console = new_page()
    sign_in(page, server, "organizer@example.com")
    assert page.locator("#usage-left").inner_text() == "5"

    page.get_by_label("Choose a CSV file").set_input_files(str(EXAMPLE_CSV))
    page.locator("#preview-image").wait_for(state="visible")
    assert page.locator("#first-rows thead th").first.inner_text() == "First Name"
    assert "Ada" in page.locator("#first-rows tbody tr").first.inner_text()
    assert page.get_by_label("First name", exact=True).input_value() == "First Name"
    assert "Ada" in page.locator("#preview-status").inner_text()
    before = page.locator("#preview-image").get_attribute("src")
    page.get_by_label("Event name").fill("PyCon Example 2026")
    # the live preview is rendered again by the server with the event name (a new image, not the old one)
    expect(page.locator("#preview-image")).not_to_have_attribute("src", before, timeout=WAIT_MS)
    expect(page.locator("#preview-status")).to_have_text(re.compile(r"^\s*Badge 1 of"), timeout=WAIT_MS)
    screenshot(page, "upload.png")

    page.get_by_role("button", name="Make badges").click()
    page.locator("#download").wait_for(state="visible", timeout=120_000)
    assert page.locator("#progress").get_attribute("value") == "100"
    with page.expect_download() as download_info:
        page.locator("#download").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    _, jobs = server.api("GET", "/api/jobs", server.token("organizer@example.com"))
    assert jobs["jobs"][0]["status"] == "done"
    assert pages == jobs["jobs"][0]["pages"] > 0

    expect(page.locator("#usage-left")).to_have_text("4", timeout=WAIT_MS)
    for _ in range(100):  # the email is sent by send_badge_mail on the runtime's background thread
        links = outbox_links(server, "organizer@example.com")
        if links:
            break
        page.wait_for_timeout(100)
    assert links, "the badge email landed in the outbox"
    mailed = page.context.request.get(links[0])
    assert mailed.ok
    assert mailed.body() == pdf

    _, me = server.api("GET", "/api/me", server.token("organizer@example.com"))
    assert me["allowed_usage"] == 4, "one generation charged once the email went out"
    assert console.errors == []


def test_admin_raises_usage_and_the_log_shows_it(server, new_page):
    add_user(server, "boss@example.com", admin=True)
    add_user(server, "speaker@example.com", usage=2)
    page, console = new_page()
    sign_in(page, server, "boss@example.com", "/admin")
    page.get_by_label("Search by email (its start) or user id").fill("speaker@")
    page.get_by_role("button", name="Search").click()
    row = page.locator("#users tbody tr", has_text="speaker@example.com")
    row.wait_for()
    assert page.locator("#users tbody tr").count() == 1
    assert row.locator(".usage-left").inner_text() == "2"
    row.get_by_role("button", name="Adjust usage of speaker@example.com").click()
    page.get_by_label("Change").select_option("add")
    page.get_by_label("Amount").fill("5")
    page.get_by_label("Reason").fill("conference grew")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#adjust-result")).to_have_text(re.compile(r"^\s*Saved"), timeout=WAIT_MS)
    assert "7" in page.locator("#adjust-result").inner_text()
    first_log = page.locator("#usage-log tbody tr").first
    first_log.wait_for()
    assert "+5" in first_log.inner_text()
    assert "conference grew" in first_log.inner_text()
    assert "boss@example.com" in first_log.inner_text()
    assert row.locator(".usage-left").inner_text() == "7"
    screenshot(page, "console.png")
    _, me = server.api("GET", "/api/me", server.token("speaker@example.com"))
    assert me["usage_left"] == 7
    assert console.errors == []


def test_non_admin_cannot_open_admin_routes(server, new_page):
    add_user(server, "visitor@example.com")
    token = server.token("visitor@example.com")
    for path in ("/api/admin/users", "/api/admin/failed", "/api/admin/usage-log?uid=x"):
        assert server.api("GET", path, token)[0] == 403
    assert server.api("POST", "/api/admin/redrive", token, {"uid": "x", "jobId": "y"})[0] == 403
    status, body = server.api(
        "POST", "/adjust_usage", token, {"data": {"email": "visitor@example.com", "delta": 9, "reason": "me"}}
    )
    assert status == 403
    assert body["error"]["status"] == "PERMISSION_DENIED"
    page, console = new_page()
    page.goto(server.url + "/admin")
    page.get_by_label("Email", exact=True).fill("visitor@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#admin-error")).to_contain_text("Only administrators", timeout=WAIT_MS)
    assert not page.locator("#app").is_visible()
    assert console.errors == []


def test_csv_without_a_name_column_shows_a_clear_error_and_consumes_nothing(server, new_page, tmp_path):
    add_user(server, "careless@example.com", usage=3)
    bad = tmp_path / "no-names.csv"
    bad.write_text("City,Country\nParis,France\nLagos,Nigeria\n")
    page, console = new_page()
    sign_in(page, server, "careless@example.com")
    page.get_by_label("Choose a CSV file").set_input_files(str(bad))
    expect(page.locator("#csv-error")).not_to_have_text("", timeout=WAIT_MS)
    message = page.locator("#csv-error").inner_text()
    assert "row 1" in message
    assert "header" in message or "name" in message.lower()
    assert page.get_by_role("button", name="Make badges").is_disabled()
    token = server.token("careless@example.com")
    assert server.api("GET", "/api/me", token)[1]["usage_left"] == 3
    assert server.api("GET", "/api/jobs", token)[1]["jobs"] == []
    # The only console line is Chromium's note about the 400 answer the page then explained to the user.
    assert all("status of 400" in line for line in console.errors)


def test_phone_width_and_keyboard_sign_in(server, new_page):
    add_user(server, "phone@example.com")
    page, console = new_page(width=375, height=740)
    page.goto(server.url + "/")
    page.get_by_label("Email", exact=True).focus()
    page.keyboard.type("phone@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.locator("#app").wait_for(state="visible")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "nothing wider than the phone screen"
    unlabeled = page.evaluate(
        """[...document.querySelectorAll('input, select, textarea')]
            .filter(el => el.type !== 'hidden' && el.type !== 'radio' && !(el.labels && el.labels.length))
            .map(el => el.id || el.name)"""
    )
    assert unlabeled == []
    assert console.errors == []


def test_changing_the_column_mapping_updates_the_server_preview(server, new_page):
    add_user(server, "mapper@example.com")
    page, console = new_page()
    sign_in(page, server, "mapper@example.com")
    page.get_by_label("Choose a CSV file").set_input_files(str(EXAMPLE_CSV))
    expect(page.locator("#preview-status")).to_contain_text("Ada", timeout=WAIT_MS)
    page.get_by_label("Full name", exact=True).select_option("Company")
    expect(page.locator("#preview-status")).to_contain_text("Analytical Engines", timeout=WAIT_MS)
    assert page.locator("#preview-image").is_visible()
    assert console.errors == []
