"""Designs gallery and the live preview: detected columns, first rows, a real PNG, errors pointing at the file."""

from __future__ import annotations

import base64
import io
import json

from PIL import Image

from .conftest import CSV, upload_form

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_designs_list_has_preview_images_that_load(env):
    headers = env.headers("organizer@example.com")
    designs = env.client.get("/api/designs", headers=headers).get_json()["designs"]
    assert designs, "at least one design"
    with_preview = [d for d in designs if d["preview_url"]]
    for design in with_preview:
        image = env.client.get(design["preview_url"])
        assert image.status_code == 200
        assert image.data.startswith(PNG_MAGIC)


def test_designs_list_carries_each_preview_size_so_the_gallery_keeps_its_layout(env):
    designs = env.client.get("/api/designs", headers=env.headers("organizer@example.com")).get_json()["designs"]
    with_preview = [d for d in designs if d["preview_url"]]
    assert {d["name"] for d in with_preview} >= {"classic", "conference", "pass"}
    shapes = set()
    for design in with_preview:
        listed = (design["preview_width"], design["preview_height"])
        variants = ["", "?qr=0"] + (["?side=back"] if design["has_back"] else [])  # what the gallery may show
        for query in variants:
            picture = Image.open(io.BytesIO(env.client.get(design["preview_url"] + query).data))
            assert picture.size == listed, f"{design['name']}{query}"
        shapes.add(listed[0] > listed[1])
    assert shapes == {True, False}, "landscape and portrait previews: a card's height depends on its size"


def test_a_preview_file_that_is_not_a_png_gets_no_size(tmp_path):
    from badgeforge.api.routes.designs import _png_size

    (tmp_path / "gif.png").write_bytes(b"GIF89a" + bytes(40))
    (tmp_path / "short.png").write_bytes(PNG_MAGIC + b"\x00\x00\x00\x0dIH")
    assert _png_size(tmp_path / "gif.png") is None
    assert _png_size(tmp_path / "short.png") is None


def test_presets_list_the_label_stock_a_job_may_name(env):
    presets = env.client.get("/api/presets", headers=env.headers("organizer@example.com")).get_json()["presets"]
    herma = next(p for p in presets if p["name"] == "herma-4412")
    assert (herma["left_mm"], herma["top_mm"], herma["pitch_x_mm"], herma["pitch_y_mm"]) == (17.5, 13.5, 95, 55)
    assert {p["name"] for p in presets if not p["confirmed"]} == {"avery-5390", "durable-8334-02"}
    assert all({"brand", "part", "paper", "badge", "columns", "rows", "aliases"} <= set(p) for p in presets)


def test_unknown_design_preview_is_404_json(env):
    response = env.client.get("/api/designs/no-such-design/preview.png")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_preview_shows_columns_rows_mapping_and_first_badge(env):
    headers = env.headers("organizer@example.com")
    response = env.client.post("/api/preview", headers=headers, data=upload_form())
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["columns"] == ["name", "role", "company"]
    assert body["rows"][0] == ["Ada Lovelace", "Speaker", "Analytical Engines"]
    assert body["mapping"]["full_name"] == "name"
    assert body["count"] == 2
    assert body["first"] == {"name": "Ada Lovelace", "row": 2}
    assert body["preview"].startswith("data:image/png;base64,")
    assert base64.b64decode(body["preview"].split(",", 1)[1]).startswith(PNG_MAGIC)


def test_preview_uses_the_mapping_the_user_chose(env):
    headers = env.headers("organizer@example.com")
    form = upload_form(mapping=json.dumps({"full_name": "company"}))
    body = env.client.post("/api/preview", headers=headers, data=form).get_json()
    assert body["first"]["name"] == "Analytical Engines"


def test_preview_consumes_nothing_and_stores_nothing(env):
    headers = env.headers("organizer@example.com")
    env.client.post("/api/preview", headers=headers, data=upload_form())
    assert env.client.get("/api/me", headers=headers).get_json()["usage_left"] == 3
    assert env.services.blobs.list("uploads/") == []
    assert env.submitter.calls == []


def test_csv_without_a_name_column_points_at_the_problem(env):
    headers = env.headers("organizer@example.com")
    response = env.client.post("/api/preview", headers=headers, data=upload_form(b"city,country\nParis,FR\n"))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["field"] == "csv"
    assert error["row"] == 1
    assert "header" in error["message"] or "name" in error["message"]


def test_a_spreadsheet_renamed_to_csv_is_refused_by_its_content(env):
    headers = env.headers("organizer@example.com")
    response = env.client.post("/api/preview", headers=headers, data=upload_form(b"PK\x03\x04" + b"\x00" * 100))
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "not_csv"
    assert "Excel" in response.get_json()["error"]["message"]


def test_missing_csv_and_empty_csv(env):
    headers = env.headers("organizer@example.com")
    missing = env.client.post("/api/preview", headers=headers, data={})
    assert missing.status_code == 400
    assert missing.get_json()["error"] == {
        "code": "missing_file",
        "message": "Choose an attendee CSV file to upload.",
        "field": "csv",
        "key": "upload.choose_csv",
        "params": {},
    }
    empty = env.client.post("/api/preview", headers=headers, data=upload_form(b""))
    assert empty.get_json()["error"]["code"] == "empty_file"


def test_bad_options_name_the_option(env):
    headers = env.headers("organizer@example.com")
    bad_paper = env.client.post("/api/preview", headers=headers, data=upload_form(options=json.dumps({"paper": "B99"})))
    assert bad_paper.status_code == 400
    assert bad_paper.get_json()["error"]["field"] == "paper"
    not_json = env.client.post("/api/preview", headers=headers, data=upload_form(options="{nope"))
    assert not_json.get_json()["error"] == {
        "code": "bad_json",
        "message": "The options field is not valid JSON.",
        "field": "options",
        "key": "upload.field_not_json",
        "params": {"name": "options"},
    }


def test_a_logo_that_is_not_an_image_is_refused_by_content(env):
    import io

    headers = env.headers("organizer@example.com")
    form = upload_form(logo=(io.BytesIO(b"<svg onload=alert(1)>"), "logo.png"))
    response = env.client.post("/api/preview", headers=headers, data=form)
    assert response.status_code == 415
    assert response.get_json()["error"]["field"] == "logo"


def test_body_over_the_limit_is_413(env):
    env.app.config["MAX_CONTENT_LENGTH"] = 1000
    headers = env.headers("organizer@example.com")
    response = env.client.post("/api/preview", headers=headers, data=upload_form(CSV * 50))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_preview_draws_an_uploaded_logo_and_background(env):
    import io

    from PIL import Image

    def png(colour: str) -> io.BytesIO:
        buffer = io.BytesIO()
        Image.new("RGB", (200, 100), colour).save(buffer, format="PNG")
        buffer.seek(0)
        return buffer

    headers = env.headers("organizer@example.com")
    plain = env.client.post("/api/preview", headers=headers, data=upload_form()).get_json()["preview"]
    form = upload_form(logo=(png("green"), "logo.png"), background=(png("yellow"), "bg.png"))
    response = env.client.post("/api/preview", headers=headers, data=form)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["preview"] != plain, "the images change what the first badge looks like"


def test_gallery_previews_follow_the_form_without_qr_and_with_the_back(env):
    stored = env.client.get("/api/designs/classic/preview.png").data
    without_qr = env.client.get("/api/designs/classic/preview.png?qr=0")
    assert without_qr.status_code == 200 and without_qr.data.startswith(PNG_MAGIC) and without_qr.data != stored
    front = env.client.get("/api/designs/pass/preview.png").data
    back = env.client.get("/api/designs/pass/preview.png?side=back")
    assert back.status_code == 200 and back.data.startswith(PNG_MAGIC) and back.data != front
