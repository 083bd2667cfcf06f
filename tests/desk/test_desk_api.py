"""/api/desk/... on the real local adapters, against a job that really rendered and was charged."""

from __future__ import annotations

import csv
import io

from pypdf import PdfReader

from badge_renderer.layout.units import MM
from tests.desk.conftest import finished_job, usage_state
from tests.zpl_decode import labels

DESK = {"device": "desk-2"}


def _search(env, headers, job, q):
    response = env.client.get(f"/api/desk/{job}/search", query_string={"q": q}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_search_finds_by_name_email_and_ticket_code(desk_env) -> None:
    job = finished_job(desk_env)
    headers = desk_env.headers("organizer@example.com")
    assert [r["name"] for r in _search(desk_env, headers, job, "grace")["results"]] == ["Grace Hopper"]
    assert [r["key"] for r in _search(desk_env, headers, job, "alan@example")["results"]] == ["r4"]
    by_code = _search(desk_env, headers, job, "pce-001")
    assert by_code["results"][0]["name"] == "Ada Lovelace" and by_code["attendees"] == 4
    assert _search(desk_env, headers, job, "PCE")["total"] == 4
    assert _search(desk_env, headers, job, "nobody here")["results"] == []


def test_print_returns_the_one_badge_at_label_size_and_records_the_check_in(desk_env) -> None:
    job = finished_job(desk_env)
    before = usage_state(desk_env)
    headers = desk_env.headers("organizer@example.com")
    response = desk_env.client.post(f"/api/desk/{job}/print", json={"key": "r2", **DESK}, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "application/pdf"
    page = PdfReader(io.BytesIO(response.data)).pages
    assert len(page) == 1
    assert (round(float(page[0].mediabox.width) / MM), round(float(page[0].mediabox.height) / MM)) == (62, 100)
    assert "Lovelace" in page[0].extract_text()
    record = desk_env.services.db.get(f"checkins/{desk_env.organizer.uid}/{job}/r2")
    assert record["printed"] == 1 and record["checked_in_device"] == "desk-2" and record["name"] == "Ada Lovelace"
    (entry,) = record["prints"].values()
    assert entry["by"] == "organizer@example.com" and entry["reprint"] is False
    assert usage_state(desk_env) == before  # the job was charged: printing at the desk costs nothing more


def test_a_reprint_warns_with_time_and_desk_then_prints_when_confirmed(desk_env) -> None:
    job = finished_job(desk_env)
    headers = desk_env.headers("organizer@example.com")
    url = f"/api/desk/{job}/print"
    assert desk_env.client.post(url, json={"key": "r3", **DESK}, headers=headers).status_code == 200
    again = desk_env.client.post(url, json={"key": "r3", "device": "desk-5", "timezone": "UTC"}, headers=headers)
    assert again.status_code == 409
    error = again.get_json()["error"]
    assert error["code"] == "already_printed" and error["printed"] == 1
    assert error["message"].startswith("Printed at ") and " on desk-2" in error["message"]
    assert error["last"]["device"] == "desk-2"
    confirmed = desk_env.client.post(
        url, json={"key": "r3", "device": "desk-5", "confirm_reprint": True}, headers=headers
    )
    assert confirmed.status_code == 200 and confirmed.headers["X-Printed-Count"] == "2"
    record = desk_env.services.db.get(f"checkins/{desk_env.organizer.uid}/{job}/r3")
    assert sorted((p["device"], p["reprint"]) for p in record["prints"].values()) == [
        ("desk-2", False),
        ("desk-5", True),
    ]
    assert record["checked_in_device"] == "desk-2"  # checked in once, at the first print


def test_a_retried_print_with_the_same_request_id_counts_once(desk_env) -> None:
    job = finished_job(desk_env)
    headers = desk_env.headers("organizer@example.com")
    body = {"key": "r2", "request_id": "tap-1", **DESK}
    for _ in range(2):
        assert desk_env.client.post(f"/api/desk/{job}/print", json=body, headers=headers).status_code == 200
    assert desk_env.services.db.get(f"checkins/{desk_env.organizer.uid}/{job}/r2/printed") == 1


def test_zpl_print_and_a_sheet_preset_is_refused(desk_env) -> None:
    job = finished_job(desk_env)
    headers = desk_env.headers("organizer@example.com")
    body = {"key": "r2", "format": "zpl", "preset": "zebra-4x3in", "dpi": 203, **DESK}
    response = desk_env.client.post(f"/api/desk/{job}/print", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    [(width, length, _)] = labels(response.data.decode("ascii"))
    assert (width, length) == (812, 609)
    sheet = desk_env.client.post(f"/api/desk/{job}/print", json={**body, "preset": "HERMA 4412"}, headers=headers)
    assert sheet.status_code == 400 and sheet.get_json()["error"]["code"] == "not_a_label"


def test_walk_ins_are_free_searchable_printable_and_one_per_ticket(desk_env) -> None:
    job = finished_job(desk_env)
    before = usage_state(desk_env)
    headers = desk_env.headers("organizer@example.com")
    url = f"/api/desk/{job}/walkins"
    fields = {"full_name": "Katherine Johnson", "organization": "NASA", "ticket_type": "Guest", "ticket_id": "W-1"}
    added = desk_env.client.post(url, json={**fields, **DESK}, headers=headers)
    assert added.status_code == 201, added.get_json()
    key = added.get_json()["attendee"]["key"]
    assert key.startswith("w") and added.get_json()["attendee"]["walk_in"] is True
    assert [r["key"] for r in _search(desk_env, headers, job, "katherine")["results"]] == [key]
    printed = desk_env.client.post(f"/api/desk/{job}/print", json={"key": key, **DESK}, headers=headers)
    assert printed.status_code == 200 and "Johnson" in PdfReader(io.BytesIO(printed.data)).pages[0].extract_text()
    taken = desk_env.client.post(url, json={"full_name": "Someone", "ticket_id": "pce-002", **DESK}, headers=headers)
    assert taken.status_code == 409
    error = taken.get_json()["error"]
    assert error["code"] == "ticket_taken" and "Grace Hopper" in error["message"] and error["field"] == "ticket_id"
    twice = desk_env.client.post(url, json={"full_name": "Other", "ticket_id": " w-1 ", **DESK}, headers=headers)
    assert twice.status_code == 409 and "one attendee per ticket" in twice.get_json()["error"]["message"]
    nameless = desk_env.client.post(url, json={"organization": "NASA", **DESK}, headers=headers)
    assert nameless.status_code == 400 and nameless.get_json()["error"]["field"] == "full_name"
    assert usage_state(desk_env) == before


def test_check_out_after_check_in_and_the_export_is_formula_safe(desk_env) -> None:
    job = finished_job(desk_env)
    headers = desk_env.headers("organizer@example.com")
    early = desk_env.client.post(f"/api/desk/{job}/checkout", json={"key": "r2", **DESK}, headers=headers)
    assert early.status_code == 400 and early.get_json()["error"]["code"] == "not_checked_in"
    desk_env.client.post(f"/api/desk/{job}/print", json={"key": "r2", **DESK}, headers=headers)
    desk_env.client.post(f"/api/desk/{job}/checkin", json={"key": "r5", "device": "kiosk-1"}, headers=headers)
    out = desk_env.client.post(f"/api/desk/{job}/checkout", json={"key": "r2", "device": "exit"}, headers=headers)
    assert out.status_code == 200 and out.get_json()["record"]["checked_out_device"] == "exit"
    desk_env.client.post(f"/api/desk/{job}/walkins", json={"full_name": "Walk In", **DESK}, headers=headers)
    export = desk_env.client.get(f"/api/desk/{job}/export.csv", headers=headers)
    assert export.status_code == 200 and export.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"))))
    by_key = {row["key"]: row for row in rows}
    assert len(rows) == 5
    assert (
        by_key["r2"]["printed"] == "1"
        and by_key["r2"]["checked_out_at"]
        and by_key["r2"]["last_printed_device"] == "desk-2"
    )
    assert by_key["r5"]["checked_in_device"] == "kiosk-1" and by_key["r5"]["printed"] == "0"
    assert by_key["r5"]["name"].startswith("'=")  # a name that is a formula stays text in a spreadsheet
    assert [row["walk_in"] for row in rows].count("yes") == 1


def test_kiosk_finds_exactly_one_by_email_or_ticket_and_never_lists(desk_env) -> None:
    job = finished_job(desk_env)
    headers = desk_env.headers("organizer@example.com")
    hit = desk_env.client.get(f"/api/desk/{job}/kiosk", query_string={"q": " Grace@Example.org "}, headers=headers)
    assert hit.status_code == 200 and hit.get_json()["attendee"]["name"] == "Grace Hopper"
    assert "email" not in hit.get_json()["attendee"]
    assert (
        desk_env.client.get(f"/api/desk/{job}/kiosk", query_string={"q": "PCE-003"}, headers=headers).status_code == 200
    )
    partial = desk_env.client.get(f"/api/desk/{job}/kiosk", query_string={"q": "grace"}, headers=headers)
    assert partial.status_code == 404


def test_queued_print_writes_the_label_to_storage_and_the_station_queue(desk_env) -> None:
    job = finished_job(desk_env)
    headers = desk_env.headers("organizer@example.com")
    body = {"key": "r2", "station": "desk-2", **DESK}
    response = desk_env.client.post(f"/api/desk/{job}/print", json=body, headers=headers)
    assert response.status_code == 202, response.get_json()
    item = response.get_json()["queued"]
    uid = desk_env.organizer.uid
    assert item["status"] == "queued" and item["file"].startswith(f"desk/{uid}/{job}/") and item["format"] == "pdf"
    assert desk_env.services.blobs.read_bytes(item["file"]).startswith(b"%PDF")
    assert desk_env.services.db.get(f"print_queue/{uid}/desk-2/{item['id']}")["attendee_key"] == "r2"


def test_only_the_owner_reaches_the_desk_and_only_for_a_finished_job(desk_env) -> None:
    job = finished_job(desk_env)
    other = desk_env.headers("admin@example.com")
    assert desk_env.client.get(f"/api/desk/{job}/search?q=ada", headers=other).status_code == 404
    assert desk_env.client.get(f"/api/desk/{job}/search?q=ada").status_code == 401
    uid = desk_env.organizer.uid
    desk_env.services.db.set(f"jobs/{uid}/busy", {"status": "rendering"})
    headers = desk_env.headers("organizer@example.com")
    busy = desk_env.client.get("/api/desk/busy/search?q=ada", headers=headers)
    assert busy.status_code == 409 and busy.get_json()["error"]["code"] == "job_not_done"
    no_device = desk_env.client.post(f"/api/desk/{job}/print", json={"key": "r2"}, headers=headers)
    assert no_device.status_code == 400 and no_device.get_json()["error"]["field"] == "device"
    missing = desk_env.client.post(f"/api/desk/{job}/print", json={"key": "r99", **DESK}, headers=headers)
    assert missing.status_code == 404


def test_a_job_whose_attendee_file_is_gone_says_so(desk_env) -> None:
    job = finished_job(desk_env)
    desk_env.services.blobs.delete(f"uploads/{desk_env.organizer.uid}/{job}/attendees.csv")
    response = desk_env.client.get(f"/api/desk/{job}/search?q=ada", headers=desk_env.headers("organizer@example.com"))
    assert response.status_code == 409
    assert response.get_json()["error"] == {
        "code": "source_gone",
        "message": "This job's attendee file was deleted, so the desk cannot list it.",
        "key": "desk.source_gone",  # its catalogue entry: the desk page reads it in the page's language
        "params": {},
    }


def test_opening_an_attendee_shows_the_reprint_warning_before_any_print_is_tried(desk_env) -> None:
    job = finished_job(desk_env)
    headers = desk_env.headers("organizer@example.com")
    fresh = desk_env.client.get(f"/api/desk/{job}/attendees/r4", headers=headers).get_json()
    assert fresh["attendee"]["name"] == "Alan Turing" and fresh["reprint_warning"] is None and fresh["record"] == {}
    desk_env.client.post(f"/api/desk/{job}/print", json={"key": "r4", **DESK}, headers=headers)
    seen = desk_env.client.get(f"/api/desk/{job}/attendees/r4?timezone=Europe/Berlin", headers=headers).get_json()
    assert seen["reprint_warning"].startswith("Printed at ") and seen["reprint_warning"].endswith(" on desk-2")
    assert "UTC" not in seen["reprint_warning"]  # shown in the event's time zone
    assert seen["record"]["printed"] == 1


def test_the_roster_comes_once_with_only_the_desk_columns_and_each_check_in_summary(desk_env) -> None:
    job = finished_job(desk_env)
    headers = desk_env.headers("organizer@example.com")
    assert (
        desk_env.client.post(f"/api/desk/{job}/print", json={"key": "r2", **DESK}, headers=headers).status_code == 200
    )
    response = desk_env.client.get(f"/api/desk/{job}/roster", headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["columns"] == ["key", "name", "organization", "email", "ticket_type", "ticket_id", "walk_in"]
    assert body["rows"][0] == [
        "r2",
        "Ada Lovelace",
        "Analytical Engines",
        "ada@example.org",
        "Speaker",
        "PCE-001",
        False,
    ]
    assert len(body["rows"]) == 4
    summary = body["checkins"]["r2"]
    assert (
        summary["printed"] == 1 and summary["checked_in_device"] == "desk-2" and summary["last"]["device"] == "desk-2"
    )
    assert "prints" not in summary and "by" not in summary["last"]  # who printed stays on the server
    other = desk_env.client.get(f"/api/desk/{job}/roster", headers=desk_env.headers("admin@example.com"))
    assert other.status_code == 404
