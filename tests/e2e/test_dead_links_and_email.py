"""Dead download links, the badge email and the admin console's confirmations in Chromium.

Both link modes (signed /files/ links and page-mode /d/<token>) answer an expired, a tampered and a deleted job's
link with a page that explains it without JavaScript and, with JavaScript, offers the owner a fresh link; API
clients get JSON. The email's HTML part is shown at 390 px (BADGEFORGE_SCREENSHOTS=1 saves
docs/screenshots/email-*.png). axe-core (tools/node_modules) finds nothing serious or critical on any of them.
Nothing is mocked.
"""

from __future__ import annotations

import email
import json
import os
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from email import policy
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from playwright.sync_api import expect

from badgeforge.adapters.local.links import LocalLinkSigner
from badgeforge.adapters.local.tree_db import SqliteTreeDatabase
from badgeforge.services import links

from .conftest import ROOT, WAIT_MS, ConsoleLog, InFlight
from .test_web_flow import EXAMPLE_CSV, add_user, sign_in

pytestmark = pytest.mark.e2e

AXE = ROOT / "tools" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
SMALL_CSV = b"".join(EXAMPLE_CSV.read_bytes().splitlines(keepends=True)[:4])
AXE_SERIOUS = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}"""


def serious_axe_findings(page) -> list[str]:
    """axe-core's serious and critical violations on the page (the page's context bypasses CSP for the script)."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (cd tools && npm install)")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_SERIOUS)


@pytest.fixture
def pages(browser):
    contexts = []

    def make(*, width: int = 1280, javascript: bool = True):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, java_script_enabled=javascript, bypass_csp=True
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        return page

    yield make
    for context in contexts:
        context.close()


def make_job(server, page, address: str, options: dict | None = None) -> dict:
    """A finished job of `address` (through the real API and renderer): its view, with the link."""
    token = server.token(address)
    answer = page.request.post(
        server.url + "/api/jobs",
        headers={"Authorization": f"Bearer {token}"},
        multipart={
            "csv": {"name": "attendees.csv", "mimeType": "text/csv", "buffer": SMALL_CSV},
            "options": json.dumps(options or {}),
        },
    )
    assert answer.ok, answer.text()
    job_id = answer.json()["id"]
    for _ in range(600):
        _, job = server.api("GET", f"/api/jobs/{job_id}", token)
        if job.get("status") in ("done", "failed"):
            break
        time.sleep(0.1)
    assert job["status"] == "done", job
    return {**job, "token": token}


def raw_get(url: str, accept: str | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get_content_type(), err.read()


def check_dead_page(page, url: str, *, title: str, fix: str, renewable: bool) -> None:
    """The page explains itself (checked without JS by the caller), offers the fresh link only when renewable."""
    console = ConsoleLog(page)
    loading = InFlight(page)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("#link-fix")).to_contain_text(fix)
    button = page.get_by_role("button", name="Email me a fresh link")
    if renewable:
        expect(button).to_be_visible(timeout=WAIT_MS)
    else:
        loading.settle(page)
        assert button.count() == 0
    assert console.errors == []
    assert serious_axe_findings(page) == []


def check_without_javascript(page, url: str, title: str, explanation: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("#link-reason")).to_contain_text(explanation)
    assert page.get_by_role("button", name="Email me a fresh link").is_hidden()


def test_dead_page_links_explain_themselves(page_link_server, pages):
    server = page_link_server
    add_user(server, "owner@example.com")
    page = pages()
    job = make_job(server, page, "owner@example.com")
    uid = server.api("GET", "/api/me", job["token"])[1]["uid"]
    secret = (server.home / "link_secret").read_text().strip()
    day = timedelta(days=1)
    expired = links.make_token(secret, uid, job["id"], int((datetime.now(UTC) - day).timestamp()))
    valid = links.make_token(secret, uid, job["id"], int((datetime.now(UTC) + day).timestamp()))
    tampered = valid[:-2] + ("AA" if not valid.endswith("AA") else "BB")

    cases = [
        (expired, "This download link has expired", "sign in and get a fresh link", True, 410, "expired"),
        (tampered, "This download link is not valid", "copying all of it", False, 410, "invalid"),
    ]
    for token, title, fix, renewable, status, code in cases:
        check_dead_page(page, f"{server.url}/d/{token}", title=title, fix=fix, renewable=renewable)
        check_without_javascript(pages(javascript=False), f"{server.url}/d/{token}", title, "")
        answer_status, kind, body = raw_get(f"{server.url}/d/{token}", "application/json")
        assert (answer_status, kind, json.loads(body)["error"]["code"]) == (status, "application/json", code)

    # with JavaScript, the owner signs in on the page and gets a fresh link by email
    page.goto(f"{server.url}/d/{expired}")
    page.get_by_role("button", name="Email me a fresh link").click()
    page.get_by_label("Email", exact=True).fill("owner@example.com")
    page.get_by_label("Password", exact=True).fill("e2e-password-123")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#new-link-result")).to_contain_text("We emailed you a fresh link", timeout=WAIT_MS)

    assert server.api("DELETE", f"/api/jobs/{job['id']}", job["token"])[0] == 200
    title = "These badges are no longer available"
    check_dead_page(pages(), f"{server.url}/d/{valid}", title=title, fix="upload it again", renewable=False)
    check_without_javascript(pages(javascript=False), f"{server.url}/d/{valid}", title, "was deleted")
    status, kind, body = raw_get(f"{server.url}/d/{valid}")
    assert (status, kind, json.loads(body)["error"]["code"]) == (404, "application/json", "deleted")


def test_dead_signed_links_explain_themselves(server, pages):
    add_user(server, "signer@example.com")
    page = pages()
    job = make_job(server, page, "signer@example.com")
    link = job["link"]
    assert "/files/" in link and "sig=" in link
    parts = urlsplit(link)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    path = unquote(parts.path.removeprefix("/files/"))
    secret = (server.home / "link_secret").read_text().strip()
    expired = LocalLinkSigner(secret, server.url).signed_url(
        path, expires=timedelta(seconds=-5), download_name=query.get("name")
    )
    tampered = link.replace(f"sig={query['sig']}", "sig=" + "0" * 64)

    check_dead_page(page, expired, title="This download link has expired", fix="fresh link", renewable=True)
    check_without_javascript(pages(javascript=False), expired, "This download link has expired", "time is up")
    check_dead_page(page, tampered, title="This download link is not valid", fix="copying all", renewable=False)
    for url, status, code in ((expired, 410, "expired"), (tampered, 410, "invalid")):
        answer_status, kind, body = raw_get(url)
        assert (answer_status, kind, json.loads(body)["error"]["code"]) == (status, "application/json", code)
    assert json.loads(raw_get(expired)[2])["error"]["job_id"] == job["id"]

    assert raw_get(link)[0] == 200  # the genuine link still downloads
    assert server.api("DELETE", f"/api/jobs/{job['id']}", job["token"])[0] == 200
    title = "These badges are no longer available"
    check_dead_page(page, link, title=title, fix="upload it again", renewable=False)
    status, kind, body = raw_get(link, "*/*")
    assert (status, kind, json.loads(body)["error"]["code"]) == (404, "application/json", "deleted")


def mail_to(server, address: str) -> email.message.EmailMessage:
    """The badge email sent to `address` (sent by the runtime's background thread: wait for it)."""
    for _ in range(300):
        for path in sorted((server.home / "outbox").glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if address in str(message["To"]):
                return message
        time.sleep(0.1)
    raise AssertionError(f"no badge email to {address}")


@pytest.mark.parametrize(
    ("language", "title"), [("en", "Your badges are ready"), ("de", "Ihre Namensschilder sind fertig")]
)
def test_badge_email_reads_well_at_phone_width(server, pages, language, title):
    address = f"mail-{language}@example.com"
    add_user(server, address)
    page = pages()
    make_job(server, page, address, {"event_name": "Summer Summit 2026", "locale": language})
    html = mail_to(server, address).get_body(("html",)).get_content()

    phone = pages(width=390)
    phone.set_content(html)
    expect(phone).to_have_title(title)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    button = phone.get_by_role("link", name="Summer Summit 2026 badges.pdf")
    assert button.count() >= 1 and button.first.bounding_box()["width"] <= 390
    if os.environ.get("BADGEFORGE_SCREENSHOTS"):  # retaken by scripts/screenshots.py, not by every test run
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        phone.screenshot(path=str(SCREENSHOTS / f"email-{language}.png"), full_page=True)
    assert serious_axe_findings(phone) == []


def test_admin_confirms_what_takes_usage_or_charges(server, pages, tmp_path):
    add_user(server, "chief@example.com", admin=True)
    add_user(server, "team@example.com", usage=3)
    uid = server.api("GET", "/api/me", server.token("team@example.com"))[1]["uid"]
    db = SqliteTreeDatabase(server.home / "database.sqlite")
    bad = {"code": "csv_encoding", "message": "Row 3 is not UTF-8.", "row": 3}
    db.set(f"jobs/{uid}/bad-input", {"status": "failed", "error": bad, "updated_at": "2026-12-01T10:00:00Z"})
    full = {"code": "storage_full", "message": "The storage is full."}
    db.set(f"jobs/{uid}/disk-full", {"status": "failed", "error": full, "updated_at": "2026-12-01T10:01:00Z"})
    for job_id in ("bad-input", "disk-full"):  # as the render job records its failures for the console
        db.set(f"failures/{uid}:job:{job_id}", {"uid": uid, "kind": "job", "id": job_id, "at": "2026-12-01T10:01:00Z"})

    page = pages()
    asked: list[str] = []

    def answer(accept: bool):
        page.once(
            "dialog", lambda dialog: (asked.append(dialog.message), dialog.accept() if accept else dialog.dismiss())
        )

    sign_in(page, server, "chief@example.com", "/admin")
    bad_row = page.locator("#failed tbody tr[data-job='bad-input']")
    expect(bad_row).to_contain_text("Fix the file and upload it again")
    assert bad_row.get_by_role("button").count() == 0
    full_row = page.locator("#failed tbody tr[data-job='disk-full']")
    answer(False)
    full_row.get_by_role("button", name="Re-drive job disk-full").click()
    page.wait_for_timeout(300)
    assert "Holds 1 of the 3 uses left" in asked[-1] and "1 use is charged" in asked[-1]
    assert db.get(f"jobs/{uid}/disk-full/status") == "failed"  # cancel re-drove nothing
    assert page.locator("#redrive-result").inner_text() == ""

    page.get_by_label("Search by email (its start) or user id").fill("team@")
    page.get_by_role("button", name="Search").click()
    row = page.locator("#users tbody tr", has_text="team@example.com")
    row.get_by_role("button", name="Adjust usage of team@example.com").click()
    page.get_by_label("Reason").fill("event cancelled")
    for kind, amount, words in (("set", "0", "to 0?"), ("subtract", "2", "Subtract 2 from")):
        page.get_by_label("Change").select_option(kind)
        page.get_by_label("Amount").fill(amount)
        answer(False)
        page.get_by_role("button", name="Apply").click()
        expect(page.locator("#adjust-result")).to_have_text("Nothing was changed.")
        assert words in asked[-1] and "team@example.com" in asked[-1]
        assert db.get(f"users/{uid}/allowed_usage") == 3
    answer(True)
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#adjust-result")).to_contain_text("Saved", timeout=WAIT_MS)
    assert db.get(f"users/{uid}/allowed_usage") == 1
