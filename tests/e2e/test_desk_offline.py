"""The desk keeps printing offline: headless Chromium against a real `badgeforge serve`, the network cut with
context.set_offline(True) (the service worker's fetches too).

Real parts: the server's label plan, the page's own label drawing (fonts, measureText, the vendored QR encoder),
the service worker and its cache, the sync of the queued prints. Stood in for: the browser's print dialog
(window.print is recorded, as in test_desk.py). The QR code is decoded from a screenshot of the print frame by
zbarimg (Debian's zbar-tools).
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from badgeforge.services import render_job

from .conftest import until
from .test_dead_links_and_email import serious_axe_findings
from .test_desk import CSV, ORGANIZER, RECORD_PRINT, _search, _services, _uid
from .test_web_flow import add_user, sign_in

pytestmark = pytest.mark.e2e
DESK = "/desk?job=qrjob&device=desk-7"


@pytest.fixture(scope="module")
def qr_job(server) -> str:
    """test_desk.py's three attendees, really rendered, with the ticket code in a QR code ("qrjob")."""
    add_user(server, ORGANIZER, usage=5)
    services = _services(server)
    folder = f"uploads/{_uid(server)}/qrjob/"
    options = json.dumps({"qr_field": "Ticket Code", "event_name": "PyCon Desk"}).encode()
    services.blobs.write_bytes(folder + "job.json", options, content_type="application/json")
    services.blobs.write_bytes(folder + "attendees.csv", CSV.encode(), content_type="text/csv")
    outcome = render_job.handle_upload(services, folder + "attendees.csv")
    assert outcome.status == "done", outcome.error
    return "qrjob"


@pytest.fixture
def desk_page(browser, server, qr_job):
    """A signed-in desk whose service worker has taken the page over and kept what a reload needs."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=3)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.add_init_script(RECORD_PRINT)
    sign_in(page, server, ORGANIZER, DESK)
    page.locator("#desk-results[data-loaded]").wait_for(state="attached")
    page.wait_for_function("navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready")
    page.reload()  # now under the worker: everything the page loads goes through it (and is kept)
    page.locator("#desk-results[data-loaded]").wait_for(state="attached")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    yield page
    context.close()


def _printed(page, times: int) -> None:
    page.locator(f'html[data-prints="{times}"]').wait_for(state="attached")


def _label_frame(page):
    frame_element = page.locator("#desk-print-frame[data-offline]")
    frame_element.wait_for(state="attached")
    return frame_element, frame_element.element_handle().content_frame()


def test_offline_the_browser_draws_the_label_at_its_size_with_a_qr_that_decodes(desk_page, server):
    page = desk_page
    page.context.set_offline(True)
    _search(page, "grace")
    page.get_by_role("button", name="Print: Grace Hopper").click()
    _printed(page, 1)
    element, frame = _label_frame(page)
    label = frame.locator("#label")
    assert "Grace" in label.inner_text() and "Hopper" in label.inner_text()
    root = frame.locator("html")
    assert (root.get_attribute("data-width-mm"), root.get_attribute("data-height-mm")) == ("62", "100")
    page_rule = frame.evaluate("document.adoptedStyleSheets[0].cssRules[0].cssText")
    assert "size: 62mm 100mm" in page_rule and "margin: 0" in page_rule
    box = label.bounding_box()  # 62 x 100 mm at 96 CSS px per inch
    assert round(box["width"] / 96 * 25.4) == 62 and round(box["height"] / 96 * 25.4) == 100
    assert frame.locator('[data-kind="qr"]').get_attribute("data-payload") == "PCE-002"
    assert "drawn by this browser" in page.locator("#desk-message").inner_text()
    if shutil.which("zbarimg"):
        element.evaluate(
            "f => { f.className = ''; Object.assign(f.style, {position: 'fixed', left: '0', top: '0', "
            "width: '70mm', height: '110mm', opacity: '1', border: '0', zIndex: '99'}); }"
        )
        shot = server.home / "offline-label.png"
        frame.locator('[data-kind="qr"]').screenshot(path=str(shot))
        decoded = subprocess.run(["zbarimg", "-q", "--raw", str(shot)], capture_output=True, text=True, timeout=30)
        assert decoded.stdout.strip() == "PCE-002", decoded
    assert page.locator('#desk-sync[data-waiting="1"]').count() == 1
    assert _services(server).db.get(f"checkins/{_uid(server)}/qrjob/r3") is None  # not yet: it is offline


def test_a_reload_offline_opens_the_desk_from_the_service_worker_and_queued_prints_sync_once(desk_page, server):
    page = desk_page
    page.context.set_offline(True)
    page.reload()
    page.locator("#desk-results[data-loaded]").wait_for(state="attached")
    assert page.locator("#desk-results").get_attribute("data-loaded") == "3"
    assert "Offline" in page.locator("#desk-connection").inner_text()
    _search(page, "lovelace")
    page.get_by_role("button", name="Print: Ada Lovelace").click()
    _printed(page, 1)
    _, frame = _label_frame(page)
    assert "Lovelace" in frame.locator("#label").inner_text()
    # printed offline before: the desk asks first, from what it knows here, and prints when confirmed
    page.get_by_role("button", name="Print: Ada Lovelace").click()
    page.locator("#desk-reprint").wait_for(state="visible")
    assert "desk-7" in page.locator("#desk-reprint").inner_text()
    page.get_by_role("button", name="Print again").click()
    _printed(page, 2)
    page.locator('#desk-sync[data-waiting="2"]').wait_for(state="attached")
    assert _services(server).db.get(f"checkins/{_uid(server)}/qrjob/r2") is None
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")  # Chromium fires it; sent again: must not double
    page.locator('#desk-sync[data-waiting="0"]').wait_for(state="attached")
    record = _services(server).db.get(f"checkins/{_uid(server)}/qrjob/r2")
    assert record["printed"] == 2 and record["checked_in_device"] == "desk-7"
    assert [p.get("offline") for p in record["prints"].values()] == [True, True]
    page.reload()  # online again: the fresh roster shows the synced prints
    _search(page, "lovelace")
    assert "Printed 2×" in page.locator("#desk-results li").first.inner_text()


def test_the_offline_label_frame_and_desk_have_no_serious_axe_findings(browser, server, qr_job):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # axe is inline
    page = context.new_page()
    page.add_init_script(RECORD_PRINT)
    sign_in(page, server, ORGANIZER, DESK)
    page.locator("#desk-results[data-loaded]").wait_for(state="attached")
    page.context.set_offline(True)
    _search(page, "turing")
    page.get_by_role("button", name="Print: Alan Turing").click()
    page.locator("#desk-print-frame[data-offline]").wait_for(state="attached")
    assert serious_axe_findings(page) == []
    context.close()


def test_signing_out_drops_the_offline_copies_of_the_roster(desk_page):
    """The kept roster (names, emails) is for offline use during the session, not after it."""
    page = desk_page
    kept = "caches.keys().then((names) => names.filter((n) => n.startsWith('badgeforge-desk-')).length)"
    assert page.evaluate(kept) >= 1, "the service worker kept the desk's data"
    page.locator("#signout").click()
    page.wait_for_load_state()
    page.wait_for_function(f"{kept}.then((n) => n === 0)")


SCRIPTS_CSV = (
    "First Name,Last Name,Company,Email,Ticket Type,Ticket Code\n"
    "太郎,山田,東京大学,taro@example.org,Attendee,SCR-001\n"
    "ليلى,حداد,جامعة القاهرة,layla@example.org,Attendee,SCR-002\n"
)
# a face registered with the page's own unicode-range (not the default "U+0-10FFFF"): a script fallback
FALLBACK_FACES = (
    "[...document.fonts].filter(f => f.status === 'loaded' && f.family.startsWith('bf-') "
    "&& f.unicodeRange.toUpperCase() !== 'U+0-10FFFF').length"
)
COVERS = """cp => [...document.fonts].some(f => f.status === 'loaded' && f.family.startsWith('bf-')
  && f.unicodeRange.toUpperCase() !== 'U+0-10FFFF' && f.unicodeRange.split(',').some(part => {
    const [a, b = a] = part.trim().replace(/^U\\+/i, '').split('-').map(x => parseInt(x, 16));
    return cp >= a && cp <= b; }))"""


def test_offline_labels_of_japanese_and_arabic_names_print_in_the_pdfs_script_fonts(browser, server, qr_job):
    """The roster's scripts decide which fallback fonts the desk fetches while online; offline, the label frame
    draws the names in them (the fonts the PDF embeds), not in whatever font the browser has."""
    services = _services(server)
    folder = f"uploads/{_uid(server)}/scriptjob/"
    services.blobs.write_bytes(folder + "job.json", b'{"qr_field": "Ticket Code"}', content_type="application/json")
    services.blobs.write_bytes(folder + "attendees.csv", SCRIPTS_CSV.encode(), content_type="text/csv")
    assert render_job.handle_upload(services, folder + "attendees.csv").status == "done"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.add_init_script(RECORD_PRINT)
        fonts: list[str] = []
        page.on("request", lambda r: fonts.append(r.url.rsplit("/", 1)[1]) if "/api/desk/fonts/" in r.url else None)
        sign_in(page, server, ORGANIZER, "/desk?job=scriptjob&device=desk-8")
        page.locator("#desk-results[data-loaded]").wait_for(state="attached")
        assert until(page, lambda: page.evaluate(FALLBACK_FACES) >= 2), fonts  # fetched before anyone goes offline
        assert "DroidSansFallback.ttf" in fonts and any(name.startswith("NotoSansArabic") for name in fonts)
        assert not any(name.startswith(("NotoSansThai", "NotoSansDevanagari")) for name in fonts)  # not needed
        page.context.set_offline(True)
        _search(page, "taro@example.org")
        page.get_by_role("button", name="Print: 山田太郎").click()  # family name first, no space
        _printed(page, 1)
        _, frame = _label_frame(page)
        assert "山田" in frame.locator("#label").inner_text()
        assert frame.evaluate(FALLBACK_FACES) >= 2
        # the frame holds the bundled face for the name's ideographs (山 = U+5C71), limited to the letters it draws
        assert frame.evaluate(COVERS, 0x5C71) and frame.evaluate(COVERS, 0x0644)  # and Arabic's ل
        assert not frame.evaluate(COVERS, 0x0041)  # Latin stays with the family's own face
    finally:
        context.close()
