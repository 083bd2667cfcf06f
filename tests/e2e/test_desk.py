"""The desk page (/desk) and the kiosk (/kiosk, on a kiosk session's link) in headless Chromium against a real
`badgeforge serve`.

The small job really renders (render_job.handle_upload on the server's own home, the path a Storage event takes).
The 50,000-row job for the keystroke figure is only written (its CSV and a "done" job node): rendering 50,000 badges
here would take minutes, and the desk reads nothing but the CSV and the status. The one thing not run for real is the
browser's print dialog (headless has none): window.print is replaced in every frame by a recorder (init script).
"""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
from pypdf import PdfReader

from badge_renderer.layout.units import MM
from badgeforge.config import Settings, build_services
from badgeforge.services import desk, render_job

from .test_dead_links_and_email import serious_axe_findings
from .test_web_flow import add_user, sign_in

pytestmark = pytest.mark.e2e

ORGANIZER = "desk@example.com"
CSV = (
    "First Name,Last Name,Company,Email,Ticket Type,Ticket Code\n"
    "Ada,Lovelace,Analytical Engines,ada@example.org,Speaker,PCE-001\n"
    "Grace,Hopper,US Navy,grace@example.org,Attendee,PCE-002\n"
    "Alan,Turing,Bletchley Park,alan@example.org,Attendee,PCE-003\n"
)
RECORD_PRINT = """
try {
  window.print = () => {
    const root = window.top.document.documentElement;
    root.dataset.prints = String(Number(root.dataset.prints || 0) + 1);
  };
} catch (e) {}
"""


def _services(server):
    return build_services(Settings.from_env(server.env))


def _uid(server) -> str:
    user = _services(server).users.find_by_email(ORGANIZER)
    assert user is not None
    return user.uid


@pytest.fixture(scope="module")
def desk_job(server) -> str:
    """The organizer and one really rendered job ("deskjob")."""
    add_user(server, ORGANIZER, usage=5)
    services = _services(server)
    uid = _uid(server)
    name = f"uploads/{uid}/deskjob/attendees.csv"
    services.blobs.write_bytes(name, CSV.encode(), content_type="text/csv")
    outcome = render_job.handle_upload(services, name)
    assert outcome.status == "done", outcome.error
    return "deskjob"


def _open_desk(page, server, path: str = "/desk?job=deskjob&device=desk-2") -> None:
    page.add_init_script(RECORD_PRINT)
    sign_in(page, server, ORGANIZER, path)
    page.locator("#desk-results[data-loaded]").wait_for(state="attached")


def _record_labels(page) -> list[tuple[int, str, bytes]]:
    """Every answer of the print route as the page got it (the route passes each request on unchanged)."""
    seen: list[tuple[int, str, bytes]] = []

    def passing(route) -> None:
        answer = route.fetch()
        seen.append((answer.status, answer.headers.get("content-type", ""), answer.body()))
        route.fulfill(response=answer)

    page.route("**/api/desk/*/print", passing)
    return seen


def _printed(page, times: int) -> None:
    """Wait until window.print was called `times` times (in the page or in its print frame)."""
    page.locator(f'html[data-prints="{times}"]').wait_for(state="attached")


def _search(page, text: str) -> None:
    page.locator("#desk-search").fill(text)
    page.locator(f'#desk-results[data-query="{text}"]').wait_for(state="attached")


def test_search_print_at_label_size_then_reprint_warns_and_needs_confirmation(server, desk_job, new_page):
    page, console = new_page()
    _open_desk(page, server)
    _search(page, "grace")
    items = page.locator("#desk-results li")
    assert items.count() == 1 and "Grace Hopper" in items.first.inner_text()
    _search(page, "pce-003")
    assert "Alan Turing" in items.first.inner_text()

    labels = _record_labels(page)
    page.get_by_role("button", name="Print: Alan Turing").click()
    _printed(page, 1)
    ((status, mime, body),) = labels
    assert status == 200 and mime == "application/pdf"
    (label,) = PdfReader(io.BytesIO(body)).pages
    assert (round(float(label.mediabox.width) / MM), round(float(label.mediabox.height) / MM)) == (62, 100)
    page.locator("#desk-print-frame").wait_for(state="attached")
    assert "Alan Turing" in page.locator("#desk-message").inner_text()
    assert "Printed 1×" in items.first.inner_text() and "desk-2" in items.first.inner_text()
    record = _services(server).db.get(f"checkins/{_uid(server)}/deskjob/r4")
    assert record["printed"] == 1 and record["checked_in_device"] == "desk-2"

    page.get_by_role("button", name="Print: Alan Turing").click()
    dialog = page.locator("#desk-reprint")
    dialog.wait_for(state="visible")
    assert "Printed at" in dialog.inner_text() and "on desk-2" in dialog.inner_text()
    page.get_by_role("button", name="Cancel").click()
    assert _services(server).db.get(f"checkins/{_uid(server)}/deskjob/r4")["printed"] == 1  # nothing printed
    page.get_by_role("button", name="Print: Alan Turing").click()
    with page.expect_response(lambda r: r.url.endswith("/print") and r.status == 200):
        page.get_by_role("button", name="Print again").click()
    _printed(page, 2)
    assert _services(server).db.get(f"checkins/{_uid(server)}/deskjob/r4")["printed"] == 2
    assert [e for e in console.errors if "409 (Conflict)" not in e] == []  # the refused first try logs its 409


def test_walk_in_prints_and_a_used_ticket_code_is_refused_at_the_field(server, desk_job, new_page):
    page, _ = new_page()
    _open_desk(page, server)
    page.get_by_label("First name").fill("Katherine")
    page.get_by_label("Last name").fill("Johnson")
    page.get_by_label("Organization").fill("NASA")
    page.get_by_label("Ticket code", exact=True).fill("WALK-777")
    page.get_by_role("button", name="Add and print").click()
    _printed(page, 1)
    _search(page, "katherine")
    assert "walk-in" in page.locator("#desk-results li").first.inner_text()

    page.get_by_label("First name").fill("Mallory")
    page.get_by_label("Ticket code", exact=True).fill("PCE-001")
    page.get_by_role("button", name="Add and print").click()
    error = page.locator("#walkin-ticket_id-error")
    error.wait_for(state="visible")
    page.locator("#walkin-ticket_id-error:not(:empty)").wait_for(state="visible")
    assert "PCE-001" in error.inner_text() and "already belongs" in error.inner_text()
    assert page.get_by_label("Ticket code", exact=True).get_attribute("aria-invalid") == "true"
    walkins = _services(server).db.get(f"walkins/{_uid(server)}/deskjob") or {}
    assert [w["first_name"] for w in walkins.values()] == ["Katherine"]


def _make_kiosk_link(page, device: str) -> str:
    """On the organizer's desk page: make a kiosk link for `device`; returns the link as the page shows it once."""
    page.get_by_label("Device name").fill(device)
    page.get_by_label("Opens").select_option("kiosk")
    page.get_by_role("button", name="Make a link").click()
    page.locator("#session-made").wait_for(state="visible")
    assert page.locator("#session-qr").get_attribute("src").startswith("data:image/svg+xml")  # to scan with the device
    page.locator(f'#sessions-list tr:has-text("{device}")').wait_for(state="visible")
    return page.locator("#session-url").input_value()


def test_a_kiosk_link_runs_without_the_organizers_sign_in_finds_one_attendee_prints_and_is_revoked(
    server, desk_job, new_page
):
    desk, _ = new_page()
    _open_desk(desk, server)
    link = _make_kiosk_link(desk, "lobby-kiosk")
    assert link.startswith(server.url + "/kiosk?job=deskjob#token=bfdesk_")

    kiosk, console = new_page(width=390, height=844)  # a new browser context: nothing but the link
    kiosk.add_init_script(RECORD_PRINT)
    asked: list[str] = []
    kiosk.on("request", lambda request: asked.append(request.url))
    kiosk.goto(link)
    kiosk.locator("#desk-kiosk[data-ready]").wait_for(state="visible")
    assert "token" not in kiosk.url  # the token is off the address bar
    assert kiosk.evaluate("localStorage.getItem('badgeforge.token')") is None  # no account sign-in on this device
    assert not kiosk.locator("header.site").is_visible()
    kiosk.get_by_label("Your email or ticket code").fill("grace@")
    kiosk.get_by_role("button", name="Find my badge").click()
    kiosk.locator("#kiosk-error:not(:empty)").wait_for(state="visible")  # no partial match
    kiosk.get_by_label("Your email or ticket code").fill("grace@example.org")
    kiosk.get_by_role("button", name="Find my badge").click()
    kiosk.locator("#kiosk-welcome").wait_for(state="visible")
    assert "Grace Hopper" in kiosk.locator("#kiosk-welcome").inner_text()
    box = kiosk.get_by_role("button", name="Print my badge").bounding_box()
    assert box["height"] >= 48 and box["width"] >= 48  # a touch target
    kiosk.get_by_role("button", name="Print my badge").click()
    _printed(kiosk, 1)
    record = _services(server).db.get(f"checkins/{_uid(server)}/deskjob/r3")
    assert record["printed"] == 1 and record["checked_in_device"] == "lobby-kiosk"
    assert [p["by"] for p in record["prints"].values()] == ["kiosk session lobby-kiosk"]
    assert not [url for url in asked if "/roster" in url or "/search" in url or "/api/jobs" in url]

    row = desk.locator('#sessions-list tr:has-text("lobby-kiosk")')
    row.get_by_role("button", name="Revoke: lobby-kiosk").click()
    row.get_by_text("Revoked").wait_for(state="visible")
    kiosk.get_by_role("button", name="Done").click()
    kiosk.get_by_label("Your email or ticket code").fill("ada@example.org")
    kiosk.get_by_role("button", name="Find my badge").click()
    message = kiosk.locator("#kiosk-message.error")
    message.wait_for(state="visible")
    assert "revoked" in message.inner_text() and "Ask the organizer for a new one" in message.inner_text()
    assert not kiosk.locator("#desk-kiosk").is_visible()
    kiosk.reload()  # the refused token is gone from this device too
    kiosk.locator("#kiosk-message.error").wait_for(state="visible")
    assert "needs a kiosk link" in kiosk.locator("#kiosk-message").inner_text()
    expected = ("status of 404", "status of 401")  # the partial match refused, then the revoked token
    assert [e for e in console.errors if not any(text in e for text in expected)] == []


def test_a_desk_link_opens_the_desk_of_its_job_without_a_sign_in(server, desk_job, new_page):
    status, made = server.api(
        "POST", "/api/desk/deskjob/sessions", server.token(ORGANIZER), {"mode": "desk", "device": "door-desk"}
    )
    assert status == 201, made
    page, console = new_page()  # nothing but the link
    page.add_init_script(RECORD_PRINT)
    page.goto(server.url + made["url"])
    page.locator("#desk-results[data-loaded]").wait_for(state="attached")
    assert (
        page.locator("#desk-device").input_value() == "door-desk"
        and page.locator("#desk-device").is_editable() is False
    )
    assert not page.locator("#desk-sessions").is_visible()  # a desk link cannot make more links
    _search(page, "hopper")
    assert "Grace Hopper" in page.locator("#desk-results li").first.inner_text()  # the roster, searched in the page
    page.get_by_label("First name").fill("Dorothy")
    page.get_by_label("Last name").fill("Vaughan")
    page.get_by_role("button", name="Add and print").click()
    _printed(page, 1)
    services, uid = _services(server), _uid(server)
    [(key, walkin)] = [
        (k, w) for k, w in services.db.get(f"walkins/{uid}/deskjob").items() if w["first_name"] == "Dorothy"
    ]
    assert walkin["device"] == "door-desk" and walkin["by"] == "desk session door-desk"
    assert services.db.get(f"checkins/{uid}/deskjob/{key}")["checked_in_device"] == "door-desk"
    assert console.errors == []


def test_offline_check_in_is_queued_then_synced_once(server, desk_job, new_page):
    page, _ = new_page()
    _open_desk(page, server)
    _search(page, "turing")
    page.context.set_offline(True)
    _search(page, "lovelace")  # the loaded roster is still searchable
    page.get_by_role("button", name="Check in: Ada Lovelace").click()
    page.locator('#desk-sync[data-waiting="1"]').wait_for(state="attached")
    assert "1 waiting to sync" in page.locator("#desk-sync").inner_text()
    page.get_by_role("button", name="Check out: Ada Lovelace").click()
    page.locator('#desk-sync[data-waiting="2"]').wait_for(state="attached")
    assert _services(server).db.get(f"checkins/{_uid(server)}/deskjob/r2") is None
    page.context.set_offline(False)
    page.locator('#desk-sync[data-waiting="0"]').wait_for(state="attached")
    record = _services(server).db.get(f"checkins/{_uid(server)}/deskjob/r2")
    assert record["checked_in_device"] == "desk-2" and len(record["checkouts"]) == 1


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)])
def test_desk_and_kiosk_have_no_serious_axe_findings(server, desk_job, browser, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, bypass_csp=True)  # axe is inline
    page = context.new_page()
    _open_desk(page, server)
    _search(page, "a")
    link = _make_kiosk_link(page, f"axe-kiosk-{size[0]}")  # the sessions card with its link, QR and list
    assert serious_axe_findings(page) == []
    page.goto(link)
    page.locator("#desk-kiosk[data-ready]").wait_for(state="visible")
    assert serious_axe_findings(page) == []
    context.close()


def test_search_per_keystroke_over_50000_attendees(server, desk_job, new_page):
    """≤ 100 ms from a key press to the new results over 50,000 attendees (printed: in-page search and key-to-list)."""
    services = _services(server)
    uid = _uid(server)
    rows = ["First Name,Last Name,Company,Email,Ticket Code"] + [
        f"Person{i},Surname{i % 977},Company {i % 313},person{i}@example.org,T-{i:06d}" for i in range(50_000)
    ]
    source = f"uploads/{uid}/bigjob/attendees.csv"
    services.blobs.write_bytes(source, "\n".join(rows).encode(), content_type="text/csv")
    services.db.set(
        f"jobs/{uid}/bigjob",
        {"status": "done", "source": source, "filename": "big.csv", "created_at": "2026-12-01T09:00:00Z"},
    )
    page, _ = new_page()
    _open_desk(page, server, "/desk?job=bigjob&device=desk-9")
    assert page.locator("#desk-results").get_attribute("data-loaded") == "50000"
    box = page.locator("#desk-search")
    box.focus()
    typed, in_page, key_to_list, round_trip = "", [], [], []
    for char in "surname97":
        typed += char
        started = time.perf_counter()
        page.keyboard.type(char)
        page.locator(f'#desk-results[data-query="{typed}"]').wait_for(state="attached")
        round_trip.append((time.perf_counter() - started) * 1000)
        in_page.append(float(page.locator("#desk-results").get_attribute("data-search-ms")))
        key_to_list.append(float(page.locator("#desk-results").get_attribute("data-key-ms")))
    figures = {"search_ms_max": max(in_page), "key_to_list_ms_max": max(key_to_list)}
    figures["playwright_round_trip_ms_max"] = round(max(round_trip), 1)  # includes the driver's own IPC and polling
    print(json.dumps(figures))
    assert max(key_to_list) <= 100
    assert page.locator("#desk-results li").count() == 20


# Headless Chromium on Linux has neither BarcodeDetector nor a camera: both are stood in for here (a detector that
# "sees" PCE-002 and a canvas stream as the camera), so what is tested is the page's feature detection and wiring.
FAKE_SCANNER = """
window.BarcodeDetector = class { async detect() { return [{ rawValue: "PCE-002", format: "qr_code" }]; } };
navigator.mediaDevices.getUserMedia = async () => {
  const canvas = document.createElement("canvas"); canvas.width = 64; canvas.height = 64;
  canvas.getContext("2d").fillRect(0, 0, 64, 64);
  return canvas.captureStream(5);
};
"""


def test_the_scan_button_shows_only_with_barcode_detector_and_a_scan_finds_the_ticket(server, desk_job, new_page):
    page, _ = new_page()
    _open_desk(page, server)
    assert not page.locator("#desk-scan").is_visible()  # no BarcodeDetector here: hidden
    scanning, _ = new_page()
    scanning.add_init_script(FAKE_SCANNER)
    _open_desk(scanning, server)
    scanning.get_by_role("button", name="Scan ticket").click()
    scanning.locator('#desk-results[data-query="PCE-002"]').wait_for(state="attached")
    assert "Grace Hopper" in scanning.locator("#desk-results li").first.inner_text()


def test_printing_to_a_station_queues_the_label_and_the_counts_show_it(server, desk_job, new_page):
    page, _ = new_page()
    _open_desk(page, server, "/desk?job=deskjob&device=desk-3&station=hall-printer")
    _search(page, "bletchley")
    page.get_by_role("button", name="Print: Alan Turing").click()
    queued = page.locator("#desk-message", has_text="queued for hall-printer")
    queued.or_(page.locator("#desk-reprint[open]")).wait_for()
    if page.locator("#desk-reprint[open]").count():  # printed by an earlier test of this module
        page.get_by_role("button", name="Print again").click()
    queued.wait_for()
    assert page.locator("html[data-prints]").count() == 0  # a station prints it, not this browser
    queue = _services(server).db.get(f"print_queue/{_uid(server)}/hall-printer") or {}
    assert [item["status"] for item in queue.values()] == ["queued"]
    page.locator("#desk-counts td", has_text="station hall-printer").wait_for()
    row = page.locator("#desk-counts tr", has_text="station hall-printer").inner_text()
    assert row.split("\t")[1:] == ["1", "1"]


def test_the_export_link_downloads_the_desk_record_as_csv(server, desk_job, new_page):
    page, _ = new_page()
    _open_desk(page, server)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export check-ins (CSV)").click()
    assert download.value.suggested_filename == "desk-deskjob.csv"
    with open(download.value.path(), encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == list(desk.EXPORT_COLUMNS)
    assert [row["name"] for row in rows[:3]] == ["Ada Lovelace", "Grace Hopper", "Alan Turing"]


def test_offline_print_to_a_station_waits_in_the_queue_and_is_sent_once_when_back(server, desk_job, new_page):
    token = server.token(ORGANIZER)
    status, body = server.api(
        "POST",
        "/api/desk/deskjob/walkins",
        token,
        {"first_name": "Hedy", "last_name": "Lamarr", "device": "desk-4", "request_id": "hedy"},
    )
    assert status == 201, body
    page, _ = new_page()
    _open_desk(page, server, "/desk?job=deskjob&device=desk-4&station=offline-printer")
    _search(page, "lamarr")
    page.context.set_offline(True)
    page.get_by_role("button", name="Print: Hedy Lamarr").click()
    page.locator('#desk-sync[data-waiting="1"]').wait_for(state="attached")
    assert "offline-printer when the connection is back" in page.locator("#desk-message").inner_text()
    assert not _services(server).db.get(f"print_queue/{_uid(server)}/offline-printer")
    page.context.set_offline(False)
    page.locator('#desk-sync[data-waiting="0"]').wait_for(state="attached")
    queue = _services(server).db.get(f"print_queue/{_uid(server)}/offline-printer") or {}
    assert [item["status"] for item in queue.values()] == ["queued"]
    record = _services(server).db.get(f"checkins/{_uid(server)}/deskjob/whedy")
    assert record["printed"] == 1 and record["checked_in_device"] == "desk-4"
