"""The logo, the background and the photo ZIP go up once as drafts (like the CSV): checked with the job's caps when
chosen, named by id in every preview and in the job, replaced when the file changes, per user, expiring, capped."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from PIL import Image

from badge_renderer.design_document import export_design
from badgeforge.services import drafts, saved_designs

from .conftest import make_env, upload_form

PHOTO_CSV = b"First Name,Last Name,Photo\nAda,Lovelace,ada.jpg\nAlan,Turing,alan.jpg\n"


def _png(size=(60, 40), colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _jpeg(colour=(20, 90, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 400), colour).save(out, "JPEG")
    return out.getvalue()


def _zip(files: dict[str, bytes], compression=zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _asset(env, headers, kind: str, data: bytes, name: str = "file", **form):
    return env.client.post("/api/drafts", headers=headers, data={kind: (io.BytesIO(data), name), **form})


def _ok(env, headers, kind: str, data: bytes, **form) -> dict:
    response = _asset(env, headers, kind, data, **form)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _csv_draft(env, headers, data: bytes = PHOTO_CSV) -> str:
    response = env.client.post("/api/drafts", headers=headers, data=upload_form(data))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _photo_design(env) -> str:
    doc = export_design("classic")
    doc["elements"] = [e for e in doc["elements"] if e["id"] != "qr"]
    doc["elements"].append(
        {"id": "photo", "kind": "photo", "column": "Photo", "box": {"x": 72, "y": 40, "width": 24, "height": 26}}
    )
    return saved_designs.create(env.services, env.organizer.uid, "Photos", doc, env.services.clock.now()).id


@pytest.fixture
def me(env):
    return env.headers("organizer@example.com")


def test_images_and_photos_go_up_once_and_the_preview_and_job_get_exactly_those_bytes(env, me):
    background, logo, photos = _png((300, 200)), _png(colour=(0, 120, 0)), _zip({"ada.jpg": _jpeg()})
    ids = {
        "draft": _csv_draft(env, me),
        "background_draft": _ok(env, me, "background", background)["id"],
        "logo_draft": _ok(env, me, "logo", logo)["id"],
        "photos_draft": _ok(env, me, "photos", photos)["id"],
    }
    options = json.dumps({"design_id": _photo_design(env), "event_name": "Gala"})
    plain = env.client.post("/api/preview", headers=me, data={"draft": ids["draft"], "options": options})
    with_assets = env.client.post("/api/preview", headers=me, data={**ids, "options": options})
    assert with_assets.status_code == 200, with_assets.get_json()
    assert with_assets.get_json()["preview"] != plain.get_json()["preview"], "the images and the photo were drawn"
    job = env.client.post("/api/jobs", headers=me, data={**ids, "options": options})
    assert job.status_code == 202, job.get_json()
    files = env.submitter.calls[-1][2]
    assert (files["background.png"], files["logo.png"], files["photos.zip"]) == (background, logo, photos)
    named = json.loads(files["job.json"])
    assert (named["background_image"], named["logo_image"], named["photos"]) == (
        "background.png",
        "logo.png",
        "photos.zip",
    )


def test_the_missing_photo_is_a_row_warning_before_submit(env, me):
    ids = {"draft": _csv_draft(env, me), "photos_draft": _ok(env, me, "photos", _zip({"ada.jpg": _jpeg()}))["id"]}
    options = json.dumps({"design_id": _photo_design(env)})
    body = env.client.post("/api/preview", headers=me, data={**ids, "options": options}).get_json()
    photo = [w for w in body["warnings"] if w.get("column") == "Photo"]
    assert [(w["row"], "'alan.jpg' is not in the photo ZIP" in w["message"]) for w in photo] == [(3, True)]
    without = env.client.post("/api/preview", headers=me, data={"draft": ids["draft"], "options": options}).get_json()
    assert [w["row"] for w in without["warnings"] if w.get("column") == "Photo"] == [2, 3], "no ZIP: both rows"


def test_a_changed_file_replaces_its_draft(env, me):
    first = _ok(env, me, "background", _png(colour=(1, 2, 3)))
    second = _ok(env, me, "background", _png(colour=(3, 2, 1)), replaces=first["id"])
    kept = [info.path for info in env.services.blobs.list(f"drafts/{env.organizer.uid}/")]
    assert kept == [f"drafts/{env.organizer.uid}/{second['id']}.background"]
    gone = env.client.post(
        "/api/preview", headers=me, data={"draft": _csv_draft(env, me), "background_draft": first["id"]}
    )
    assert gone.status_code == 404 and gone.get_json()["error"]["field"] == "background"


def test_an_asset_draft_expires_like_a_csv_draft(env, me):
    logo = _ok(env, me, "logo", _png())
    later = env.services.clock.now() + drafts.TTL + timedelta(seconds=1)
    env.services.clock.now = lambda: later  # type: ignore[method-assign]
    expired = env.client.post("/api/preview", headers=me, data=upload_form(PHOTO_CSV, logo_draft=logo["id"]))
    assert expired.status_code == 410, expired.get_json()
    error = expired.get_json()["error"]
    assert (error["code"], error["field"], error["hint"]) == ("draft_expired", "logo", "Choose the file again.")
    assert "logo" in error["message"]
    assert env.services.blobs.list("drafts/") == [], "deleted when asked for"
    again = env.client.post("/api/preview", headers=me, data=upload_form(PHOTO_CSV, logo_draft=logo["id"]))
    assert again.status_code == 404, "once deleted (here, or by the sweep) it is simply not there"
    _ok(env, me, "photos", _zip({"ada.jpg": _jpeg()}))
    swept = drafts.remove_expired(env.services, later + drafts.TTL)
    assert [p.rsplit(".", 1)[-1] for p in swept] == ["photos"], "the sweep removes every kind"


def test_another_users_asset_id_is_refused_404_and_kinds_do_not_mix(env, me):
    background = _ok(env, me, "background", _png())["id"]
    admin = env.headers("admin@example.com")
    other = env.client.post(
        "/api/preview", headers=admin, data={"draft": _csv_draft(env, admin), "background_draft": background}
    )
    assert other.status_code == 404 and other.get_json()["error"]["code"] == "draft_not_found"
    as_logo = env.client.post("/api/preview", headers=me, data={"draft": _csv_draft(env, me), "logo_draft": background})
    assert as_logo.status_code == 404 and as_logo.get_json()["error"]["field"] == "logo"
    job = env.client.post(
        "/api/jobs", headers=admin, data={"draft": _csv_draft(env, admin), "background_draft": background}
    )
    assert job.status_code == 404 and env.submitter.calls == []


def test_bad_images_are_refused_when_chosen_beside_their_field(env, me):
    not_image = _asset(env, me, "logo", b"GIF87a? no, plain text" * 3)
    assert not_image.status_code in (400, 415)
    text = _asset(env, me, "logo", b"just some text, not an image")
    assert text.status_code == 415 and text.get_json()["error"]["field"] == "logo"
    from tests.hostile_inputs import png_header

    huge = _asset(env, me, "background", png_header(20_000, 20_000))  # 400 MP claimed by a few bytes
    error = huge.get_json()["error"]
    assert huge.status_code == 400 and error["field"] == "background" and "megapixels" in error["message"]
    assert _asset(env, me, "logo", b"").status_code == 400
    assert env.services.blobs.list("drafts/") == [], "nothing refused was kept"


def test_bad_photo_zips_are_refused_when_chosen(env, me):
    bomb = _zip({"big.jpg": b"\xff\xd8" + b"\x00" * 5_000_000}, compression=zipfile.ZIP_DEFLATED)
    refused = _asset(env, me, "photos", bomb).get_json()["error"]
    assert refused["field"] == "photos" and "zip bomb" in refused["message"]
    climbing = _asset(env, me, "photos", _zip({"../../etc/x.jpg": _jpeg()})).get_json()["error"]
    assert "points outside the archive" in climbing["message"]
    assert "not a ZIP" in _asset(env, me, "photos", b"PK not really").get_json()["error"]["message"]
    assert env.services.blobs.list("drafts/") == []


def test_a_file_over_its_own_cap_is_refused_before_it_is_kept(tmp_path):
    env = make_env(tmp_path, image_max_bytes=5_000)
    me = env.headers("organizer@example.com")
    over = _asset(env, me, "background", _png((200, 200)) + b"\x00" * 5_000)
    error = over.get_json()["error"]
    assert over.status_code == 413 and error["field"] == "background" and "5 kB" in error["message"]
    assert env.services.blobs.list("drafts/") == []


def test_the_drafts_of_one_user_are_capped_together(tmp_path):
    env = make_env(tmp_path, draft_max_bytes=60_000)
    me = env.headers("organizer@example.com")
    big = _png((400, 400))  # noisy enough to be tens of kB
    big = big + b"\x00" * max(0, 40_000 - len(big))  # trailing bytes after IEND: still the same PNG
    first = _ok(env, me, "background", big)
    assert first["storage"] == {"used": len(big), "limit": 60_000}
    refused = _asset(env, me, "logo", big)
    assert refused.status_code == 413, refused.get_json()
    error = refused.get_json()["error"]
    assert error["code"] == "drafts_full" and error["field"] == "logo" and "60 kB" in error["message"]
    replaced = _ok(env, me, "background", big, replaces=first["id"])  # a replacement frees what it replaces
    assert replaced["storage"]["used"] == len(big)


def test_each_kind_keeps_at_most_two_and_one_request_is_one_file(env, me):
    ids = [_ok(env, me, "logo", _png(colour=(i, i, i)))["id"] for i in range(3)]
    kept = [info.path for info in env.services.blobs.list(f"drafts/{env.organizer.uid}/")]
    assert len(kept) == drafts.MAX_PER_KIND["logo"] and not any(ids[0] in p for p in kept)
    _csv_draft(env, me)  # other kinds do not push logos out
    assert len(env.services.blobs.list(f"drafts/{env.organizer.uid}/")) == 3
    both = env.client.post(
        "/api/drafts", headers=me, data={"logo": (io.BytesIO(_png()), "l.png"), "csv": (io.BytesIO(b"a\nb\n"), "x.csv")}
    )
    assert both.status_code == 400 and both.get_json()["error"]["code"] == "one_file"
