"""Progress is pushed, not polled: the jobs page follows a running job through GET /api/jobs/<id>/events in a real
Chromium against a real `badgeforge serve`; the test writes the job's progress into the server's database (as a
render in another process does) and counts the page's requests."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from badgeforge.config import Settings, build_services

from .conftest import WAIT_MS
from .test_web_flow import add_user, sign_in

pytestmark = pytest.mark.e2e

STAMP = "2026-12-01T10:00:00.000000Z"


def test_the_jobs_page_follows_progress_with_no_polling_requests(server, new_page):
    add_user(server, "progress@example.com", usage=5)
    services = build_services(Settings(mode="local", home=server.home))
    uid = services.users.find_by_email("progress@example.com").uid
    job = f"jobs/{uid}/e2e-progress"
    services.db.set(job, {"status": "rendering", "progress": 5, "created_at": STAMP, "filename": "big.csv"})
    page, console = new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url.removeprefix(server.url)) if "/api/" in r.url else None)
    sign_in(page, server, "progress@example.com", "/jobs.html")
    row = page.locator('#jobs tr[data-job="e2e-progress"]')
    expect(row).to_contain_text("5%", timeout=WAIT_MS)
    for percent in (35, 70):
        services.db.update(job, {"progress": percent})
        expect(row).to_contain_text(f"{percent}%", timeout=WAIT_MS)
    output = f"badges/{uid}/e2e-progress/badges.pdf"
    services.blobs.write_bytes(output, b"%PDF-1.7 e2e", content_type="application/pdf")
    services.db.update(job, {"status": "done", "progress": 100, "badges": 3, "pages": 1, "output": output})
    expect(row).to_contain_text("done", timeout=WAIT_MS)
    streams = [r for r in requests if r == "/api/jobs/e2e-progress/events"]
    polls = [r for r in requests if re.fullmatch(r"/api/jobs/e2e-progress(\?.*)?", r)]
    lists = [r for r in requests if re.fullmatch(r"/api/jobs(\?.*)?", r)]
    assert streams == ["/api/jobs/e2e-progress/events"], requests  # one stream carried every change
    assert polls == [] and len(lists) <= 2, requests  # the first load, and one reload when it finished
    assert console.errors == []
