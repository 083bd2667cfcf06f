"""What the desk page needs to print while offline: the label plan, its fonts, the roster's label fields, and the
recording of a print the browser made itself (synced later, once, never refused as a reprint, never rendered)."""

from __future__ import annotations

from tests.desk.conftest import finished_job, usage_state

ORGANIZER = "organizer@example.com"


def _get(env, path, **query):
    return env.client.get(path, query_string=query, headers=env.headers(ORGANIZER))


def test_the_label_plan_is_the_design_at_the_label_size_with_its_boxes_palettes_and_fonts(desk_env) -> None:
    job = finished_job(desk_env)
    response = _get(desk_env, f"/api/desk/{job}/label")
    assert response.status_code == 200, response.get_json()
    plan = response.get_json()
    assert (plan["width_mm"], plan["height_mm"], plan["preset"]) == (62.0, 100.0, "brother-dk-11202")
    kinds = [e["kind"] for e in plan["elements"]]
    assert {"rect", "name", "text", "qr"} <= set(kinds)
    assert kinds.index("rect") < kinds.index("name")  # artwork first: it prints under the text
    name = next(e for e in plan["elements"] if e["kind"] == "name")
    x, y, w, h = name["box"]
    assert x > 0 and x + w < 62 and y > 0 and y + h < 100  # inside the label's safe area
    assert plan["palettes"]["speaker"]["accent"] != plan["palettes"][""]["accent"]  # classic's speaker colour
    assert {"first_name", "last_name", "ticket_type"} <= set(plan["fields"])
    font = plan["fonts"]["sans/bold"]
    assert font == "/api/desk/fonts/NotoSans-Bold.ttf"
    fetched = desk_env.client.get(font)  # no sign-in: a FontFace request carries no token
    assert fetched.status_code == 200 and fetched.data[:4] == b"\x00\x01\x00\x00"
    assert "immutable" in fetched.headers["Cache-Control"]
    cjk = next(f for f in plan["fallback_fonts"]["sans/bold"] if f["url"].endswith("/DroidSansFallback.ttf"))
    assert "U+" in cjk["range"] and desk_env.client.get(cjk["url"]).status_code == 200  # script fallbacks served too


def test_only_bundled_label_fonts_are_served(desk_env) -> None:
    for name in ("OFL.txt", "fonts.json", "..%2Ffonts.json", "NotoSans-Bold.otf"):
        assert desk_env.client.get(f"/api/desk/fonts/{name}").status_code == 404, name


def test_the_label_plan_refuses_sheet_stock_and_other_peoples_jobs(desk_env) -> None:
    job = finished_job(desk_env)
    assert _get(desk_env, f"/api/desk/{job}/label", preset="a4-8xa7-portrait").get_json()["error"]["code"] in (
        "not_a_label",
        "bad_preset",
    )
    other = desk_env.client.get(f"/api/desk/{job}/label", headers=desk_env.headers("admin@example.com"))
    assert other.status_code == 404


def test_the_roster_carries_the_fields_the_label_asks_for(desk_env) -> None:
    job = finished_job(desk_env)
    body = _get(desk_env, f"/api/desk/{job}/roster", fields="first_name,last_name,ticket_type").get_json()
    assert body["columns"][-3:] == ["field:first_name", "field:last_name", "field:ticket_type"]
    assert body["rows"][0][-3:] == ["Ada", "Lovelace", "Speaker"]
    too_many = ",".join(f"f{i}" for i in range(30))
    assert _get(desk_env, f"/api/desk/{job}/roster", fields=too_many).status_code == 400


def test_an_offline_print_syncs_once_as_a_record_without_rendering_or_a_reprint_question(desk_env) -> None:
    job = finished_job(desk_env)
    before = usage_state(desk_env)
    headers = desk_env.headers(ORGANIZER)
    url = f"/api/desk/{job}/print"
    assert desk_env.client.post(url, json={"key": "r3", "device": "desk-1"}, headers=headers).status_code == 200
    offline = {"key": "r3", "device": "desk-2", "offline": True, "printed_at": "2000-01-01T09:12:00Z"}
    first = desk_env.client.post(url, json={**offline, "request_id": "off1"}, headers=headers)
    assert first.status_code == 200 and first.mimetype == "application/json", first.data[:200]
    again = desk_env.client.post(url, json={**offline, "request_id": "off1"}, headers=headers)  # a lost answer
    assert again.status_code == 200
    record = desk_env.services.db.get(f"checkins/{desk_env.organizer.uid}/{job}/r3")
    assert record["printed"] == 2
    entry = record["prints"]["off1"]
    assert entry["offline"] is True and entry["reprint"] is True and entry["device"] == "desk-2"
    assert entry["at"] != "2000-01-01T09:12:00Z"  # a time outside the last week is not believed
    assert not desk_env.services.blobs.list(f"desk/{desk_env.organizer.uid}/")  # nothing rendered or stored
    assert usage_state(desk_env) == before


def test_an_offline_print_keeps_the_time_the_desk_printed_it(desk_env) -> None:
    job = finished_job(desk_env)
    now = desk_env.services.clock.now()
    at = (now.replace(microsecond=0) - __import__("datetime").timedelta(minutes=5)).isoformat()
    body = {"key": "r4", "device": "desk-2", "offline": True, "printed_at": at, "request_id": "off2"}
    assert (
        desk_env.client.post(f"/api/desk/{job}/print", json=body, headers=desk_env.headers(ORGANIZER)).status_code
        == 200
    )
    record = desk_env.services.db.get(f"checkins/{desk_env.organizer.uid}/{job}/r4")
    assert record["prints"]["off2"]["at"].startswith(at[:16]) and record["checked_in_device"] == "desk-2"
