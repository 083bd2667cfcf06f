"""Upload once, preview many times: draft uploads by opaque id; the options schema; stepper, sheet and warnings."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from badgeforge.services import drafts

from .conftest import CSV, upload_form

TYPED = (
    b"name,ticket type,company\n"
    b"Ada Lovelace,Speaker,Analytical Engines\n"
    b"Grace Brewster Murray Hopper,Attendee,Navy\n"
    b"Alan Turing,Speaker,Bletchley\n"
    b'=HYPERLINK("x"),Attendee,"Acme\x01"\n'
)


def _draft(env, headers, data: bytes = CSV) -> dict:
    response = env.client.post("/api/drafts", headers=headers, data=upload_form(data))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_draft_is_uploaded_once_and_previews_and_jobs_name_it(env):
    headers = env.headers("organizer@example.com")
    draft = _draft(env, headers)
    assert len(draft["id"]) >= 20 and draft["ttl_seconds"] == 30 * 60 and draft["bytes"] == len(CSV)
    body = env.client.post("/api/preview", headers=headers, data={"draft": draft["id"]}).get_json()
    assert body["first"] == {"name": "Ada Lovelace", "row": 2}
    job = env.client.post("/api/jobs", headers=headers, data={"draft": draft["id"], "options": "{}"})
    assert job.status_code == 202, job.get_json()
    files = env.submitter.calls[-1][2]
    assert files["attendees.csv"] == CSV


def test_a_draft_belongs_to_its_user_and_expires(env):
    organizer = env.headers("organizer@example.com")
    draft = _draft(env, organizer)
    other = env.client.post("/api/preview", headers=env.headers("admin@example.com"), data={"draft": draft["id"]})
    assert other.status_code == 404 and other.get_json()["error"]["field"] == "csv"
    later = env.services.clock.now() + drafts.TTL + timedelta(seconds=1)
    env.services.clock.now = lambda: later  # type: ignore[method-assign]
    expired = env.client.post("/api/preview", headers=organizer, data={"draft": draft["id"]})
    assert expired.status_code == 410
    assert "Choose the file again" in expired.get_json()["error"]["hint"]
    assert env.services.blobs.list("drafts/") == [], "the expired draft was deleted when it was asked for"


def test_a_user_keeps_at_most_three_drafts_and_the_sweep_removes_expired_ones(env):
    headers = env.headers("organizer@example.com")
    ids = [_draft(env, headers)["id"] for _ in range(4)]
    kept = env.services.blobs.list(f"drafts/{env.organizer.uid}/")
    assert len(kept) == drafts.MAX_PER_USER
    assert not any(ids[0] in info.path for info in kept), "the oldest went first"
    assert drafts.remove_expired(env.services, env.services.clock.now()) == []
    removed = drafts.remove_expired(env.services, env.services.clock.now() + drafts.TTL)
    assert len(removed) == 3 and env.services.blobs.list("drafts/") == []


def test_draft_ids_that_are_not_ours_are_refused_without_touching_storage(env):
    headers = env.headers("organizer@example.com")
    for bad in ("../../uploads/x", "a", "x" * 200):
        response = env.client.post("/api/preview", headers=headers, data={"draft": bad})
        assert response.status_code == 404, bad


def test_a_draft_is_checked_like_an_upload(env):
    headers = env.headers("organizer@example.com")
    response = env.client.post("/api/drafts", headers=headers, data=upload_form(b"\x00\x01\x02binary" * 10))
    assert response.status_code in (400, 415) and response.get_json()["error"]["field"] == "csv"
    assert env.client.post("/api/drafts", data=upload_form()).status_code == 401


def test_options_schema_lists_every_render_option_grouped_with_the_renderers_choices(env):
    from dataclasses import fields

    from badge_renderer.options import SERVER_SIZED_OPTIONS, UPLOAD_ONLY_OPTIONS, RenderOptions

    schema = env.client.get("/api/options", headers=env.headers("organizer@example.com")).get_json()
    names = [o["name"] for group in schema["groups"].values() for o in group]
    not_form = (*SERVER_SIZED_OPTIONS, *UPLOAD_ONLY_OPTIONS)
    assert sorted(names) == sorted(f.name for f in fields(RenderOptions) if f.name not in not_form)
    assert set(schema["groups"]) == {"print", "content", "look"}
    by_name = {o["name"]: o for group in schema["groups"].values() for o in group}
    assert "3x4in" in [c["value"] for c in by_name["badge_size"]["choices"]]
    assert {c["value"] for c in by_name["sides"]["choices"]} == {"single", "duplex", "foldover"}
    assert "herma-4412" in [c["value"] for c in by_name["preset"]["choices"]]
    designs = {c["value"]: c for c in by_name["design"]["choices"]}
    assert designs["pass"]["has_back"] and designs["pass"]["description"]
    assert (by_name["offset_x_mm"]["min"], by_name["offset_x_mm"]["max"]) == (-50, 50)
    assert by_name["crop_marks"]["kind"] == "boolean" and by_name["crop_marks"]["default"] is False


def test_preview_steps_through_rows_and_shows_the_sheet_and_back(env):
    headers = env.headers("organizer@example.com")
    draft = _draft(env, headers, TYPED)["id"]
    opts = json.dumps({"design": "pass", "sides": "duplex", "paper": "A4", "qr_field": "name"})
    body = env.client.post("/api/preview", headers=headers, data={"draft": draft, "options": opts}).get_json()
    assert body["steps"]["longest"] == 1
    assert [(t["type"], t["index"], t["count"]) for t in body["steps"]["types"]] == [
        ("Speaker", 0, 2),
        ("Attendee", 1, 2),
    ]
    sheet = body["sheet"]
    assert sheet["page"]["w"] == 210 and sheet["duplex"] is True
    assert sheet["per_sheet"] == len(sheet["fronts"]) > 0
    assert sheet["pages"] == 2 * -(-4 // sheet["per_sheet"])
    front = body["preview"]
    third = env.client.post(
        "/api/preview", headers=headers, data={"draft": draft, "options": opts, "row": "2", "side": "back"}
    ).get_json()
    assert third["badge"] == {"index": 2, "name": "Alan Turing", "row": 4, "type": "Speaker"}
    assert third["side"] == "back" and third["preview"] != front
    sharp = env.client.post("/api/preview", headers=headers, data={"draft": draft, "options": opts, "scale": "2"})
    assert sharp.get_json()["dpi"] == 2 * body["dpi"]


def test_preview_filters_by_ticket_type_and_explains_an_empty_choice(env):
    headers = env.headers("organizer@example.com")
    draft = _draft(env, headers, TYPED)["id"]
    speakers = json.dumps({"ticket_types": ["speaker"]})
    body = env.client.post("/api/preview", headers=headers, data={"draft": draft, "options": speakers}).get_json()
    assert body["selected"] == 2 and body["count"] == 4
    none = json.dumps({"ticket_types": ["nobody"]})
    response = env.client.post("/api/preview", headers=headers, data={"draft": draft, "options": none})
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "ticket_types"


def test_warnings_download_as_formula_safe_csv(env):
    headers = env.headers("organizer@example.com")
    draft = _draft(env, headers, TYPED)["id"]
    response = env.client.post("/api/preview/warnings.csv", headers=headers, data={"draft": draft})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["row", "column", "warning"] and len(rows) > 1
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_safe_cell_defuses_formulas():
    from badgeforge.api.warnings_csv import safe_cell

    assert safe_cell("=1+1") == "'=1+1" and safe_cell("@SUM") == "'@SUM" and safe_cell("-2") == "'-2"
    assert safe_cell("Ada") == "Ada" and safe_cell(None) == "" and safe_cell(5) == "5"


def test_the_sweep_removes_expired_drafts(env):
    from badgeforge.services.sweep import run_sweep

    _draft(env, env.headers("organizer@example.com"))
    assert run_sweep(env.services).drafts_removed == []
    later = env.services.clock.now() + drafts.TTL
    env.services.clock.now = lambda: later  # type: ignore[method-assign]
    assert len(run_sweep(env.services).drafts_removed) == 1
    assert env.services.blobs.list("drafts/") == []


def test_a_finished_jobs_warnings_are_all_there_paged_and_as_csv(env):
    """The job node keeps 200 warnings; the file beside the PDF (written by the render job) keeps all of them."""
    from badgeforge.services import job_paths

    uid = env.organizer.uid
    everything = [{"row": i + 2, "column": "name", "message": f"=shortened {i}"} for i in range(450)]
    env.services.db.set(f"jobs/{uid}/j1", {"status": "done", "warnings": everything[:200], "warnings_total": 450})
    env.services.blobs.write_bytes(
        job_paths.warnings_path(uid, "j1"), json.dumps(everything).encode(), content_type="application/json"
    )
    headers = env.headers("organizer@example.com")
    page = env.client.get("/api/jobs/j1/warnings?offset=400&limit=100", headers=headers).get_json()
    assert page["total"] == 450 and [w["row"] for w in page["warnings"]] == list(range(402, 452))
    rows = list(csv.reader(io.StringIO(env.client.get("/api/jobs/j1/warnings.csv", headers=headers).get_data(True))))
    assert len(rows) == 451 and rows[-1] == ["451", "name", "'=shortened 449"]
    assert env.client.get("/api/jobs/j1/warnings", headers=env.headers("admin@example.com")).status_code == 404


def test_a_file_without_a_name_column_offers_its_columns_for_the_mapping_and_no_cli_flags(env):
    headers = env.headers("organizer@example.com")
    response = env.client.post("/api/preview", headers=headers, data=upload_form(b"City,Country\nParis,France\n"))
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["code"] == "no_name_column"
    assert error["columns"] == ["City", "Country"] and "full_name" in error["required"]
    assert "--" not in error["message"] + error["hint"]
    mapped = upload_form(b"City,Country\nParis,France\n", mapping=json.dumps({"full_name": "City"}))
    assert env.client.post("/api/preview", headers=headers, data=mapped).get_json()["first"]["name"] == "Paris"
