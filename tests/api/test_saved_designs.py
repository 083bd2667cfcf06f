"""Saved designs per organizer through the real local adapters: ownership, version conflicts, caps, assets."""

from __future__ import annotations

import base64
import io

import pytest

from badge_renderer.design_document import export_design
from badgeforge.services import saved_designs

from .conftest import PASSWORD

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#f00"/></svg>'
HOSTILE_SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def document():
    return export_design("classic")


def _create(env, who, document, title="Conference 2026"):
    return env.client.post("/api/saved-designs", json={"title": title, "document": document}, headers=who)


def test_create_list_get_update_and_delete(env, document):
    me = env.headers("organizer@example.com")
    created = _create(env, me, document)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["version"] == 1 and created.headers["ETag"] == '"1"'
    listed = env.client.get("/api/saved-designs", headers=me).get_json()["designs"]
    assert [d["title"] for d in listed] == ["Conference 2026"]

    document["elements"][0]["box"]["x"] += 5
    updated = env.client.put(
        f"/api/saved-designs/{body['id']}", json={"document": document}, headers={**me, "If-Match": '"1"'}
    )
    assert updated.status_code == 200, updated.get_json()
    assert updated.get_json()["version"] == 2
    got = env.client.get(f"/api/saved-designs/{body['id']}", headers=me).get_json()
    assert got["document"]["elements"][0]["box"]["x"] == document["elements"][0]["box"]["x"]
    assert env.services.db.get(f"design_list/{env.organizer.uid}/{body['id']}")["version"] == 2

    assert env.client.delete(f"/api/saved-designs/{body['id']}", headers=me).status_code == 200
    assert env.client.get(f"/api/saved-designs/{body['id']}", headers=me).status_code == 404
    assert env.client.get("/api/saved-designs", headers=me).get_json()["designs"] == []


def test_a_stale_version_is_refused_with_the_current_one(env, document):
    me = env.headers("organizer@example.com")
    design_id = _create(env, me, document).get_json()["id"]
    first = env.client.put(f"/api/saved-designs/{design_id}", json={"title": "A"}, headers={**me, "If-Match": "1"})
    assert first.status_code == 200
    stale = env.client.put(f"/api/saved-designs/{design_id}", json={"title": "B"}, headers={**me, "If-Match": "1"})
    assert stale.status_code == 412
    assert stale.get_json()["error"]["version"] == 2
    assert env.client.get(f"/api/saved-designs/{design_id}", headers=me).get_json()["title"] == "A"
    missing = env.client.put(f"/api/saved-designs/{design_id}", json={"title": "C"}, headers=me)
    assert missing.status_code == 428


def test_another_organizer_cannot_see_change_or_delete_it(env, document):
    me = env.headers("organizer@example.com")
    design_id = _create(env, me, document).get_json()["id"]
    env.services.users.create("other@example.com", password=PASSWORD)
    other = env.headers("other@example.com")
    assert env.client.get(f"/api/saved-designs/{design_id}", headers=other).status_code == 404
    changed = env.client.put(f"/api/saved-designs/{design_id}", json={"title": "x"}, headers={**other, "If-Match": "1"})
    assert changed.status_code == 404
    assert env.client.post(f"/api/saved-designs/{design_id}/duplicate", headers=other).status_code == 404
    env.client.delete(f"/api/saved-designs/{design_id}", headers=other)
    assert env.client.get(f"/api/saved-designs/{design_id}", headers=me).status_code == 200
    assert env.client.get("/api/saved-designs", headers=other).get_json()["designs"] == []
    assert env.client.get("/api/saved-designs").status_code == 401


def test_an_invalid_document_names_the_element_and_property(env, document):
    me = env.headers("organizer@example.com")
    document["elements"][0]["rotation"] = "sideways"
    refused = _create(env, me, document)
    assert refused.status_code == 400
    error = refused.get_json()["error"]
    assert error["code"] == "bad_design"
    assert any("rotation" in p for p in error["problems"])
    assert _create(env, me, export_design("classic"), title="   ").status_code == 400


def test_the_per_organizer_cap_is_checked(env, document, monkeypatch):
    monkeypatch.setattr(saved_designs, "MAX_PER_USER", 2)
    me = env.headers("organizer@example.com")
    assert _create(env, me, document).status_code == 201
    assert _create(env, me, document).status_code == 201
    third = _create(env, me, document)
    assert third.status_code == 409
    assert len(env.client.get("/api/saved-designs", headers=me).get_json()["designs"]) == 2


def test_duplicate_and_rename(env, document):
    me = env.headers("organizer@example.com")
    design_id = _create(env, me, document).get_json()["id"]
    copy = env.client.post(f"/api/saved-designs/{design_id}/duplicate", json={}, headers=me)
    assert copy.status_code == 201
    assert copy.get_json()["title"] == "Conference 2026 (copy)" and copy.get_json()["id"] != design_id
    renamed = env.client.post(
        f"/api/saved-designs/{design_id}/rename", json={"title": "Summit"}, headers={**me, "If-Match": '"1"'}
    )
    assert renamed.status_code == 200 and renamed.get_json()["title"] == "Summit"


def test_assets_live_in_storage_under_the_owner_and_come_back_in_the_document(env, document):
    me = env.headers("organizer@example.com")
    document["assets"] = {"art": {"media_type": "image/svg+xml", "data": base64.b64encode(SVG).decode()}}
    document["backgrounds"] = {"front": {"svg": "art"}}
    created = _create(env, me, document)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["document"]["assets"] == {"art": {"media_type": "image/svg+xml"}}
    uid = env.organizer.uid
    assert env.services.blobs.info(f"designs/{uid}/{body['id']}/assets/art") is not None
    assert "data" not in env.services.db.get(f"designs/{uid}/{body['id']}")["document"]
    full = saved_designs.load_document(env.services, uid, body["id"])
    assert base64.b64decode(full["assets"]["art"]["data"]).startswith(b"<svg")
    # saving the document as the page has it (assets without bytes) keeps them
    saved = env.client.put(
        f"/api/saved-designs/{body['id']}", json={"document": body["document"]}, headers={**me, "If-Match": "1"}
    )
    assert saved.status_code == 200, saved.get_json()


def test_uploaded_assets_are_checked_like_the_format(env, document):
    me = env.headers("organizer@example.com")
    design_id = _create(env, me, document).get_json()["id"]
    url = f"/api/saved-designs/{design_id}/assets"

    def upload(data, name, asset_id="logo1"):
        form = {"file": (io.BytesIO(data), name), "asset_id": asset_id}
        return env.client.post(url, data=form, headers=me, content_type="multipart/form-data")

    good = upload(SVG, "art.svg")
    assert good.status_code == 201 and good.get_json()["media_type"] == "image/svg+xml"
    assert upload(HOSTILE_SVG, "bad.svg").status_code == 400
    assert upload(b"not an image at all", "x.png").status_code in (400, 415)
    assert upload(SVG, "art.svg", asset_id="../x").status_code == 400
    env.services.users.create("other@example.com", password=PASSWORD)
    form = {"file": (io.BytesIO(SVG), "a.svg"), "asset_id": "a"}
    other = env.client.post(
        url, data=form, headers=env.headers("other@example.com"), content_type="multipart/form-data"
    )
    assert other.status_code == 404


def test_a_bundled_design_as_a_document(env):
    me = env.headers("organizer@example.com")
    got = env.client.get("/api/designs/classic/document", headers=me)
    assert got.status_code == 200 and got.get_json()["format"] == "badgeforge-design"
    assert env.client.get("/api/designs/nope/document", headers=me).status_code == 404


def _png(body) -> bytes:
    return base64.b64decode(body["preview"].split(",", 1)[1])


def test_preview_renders_the_posted_document_and_a_saved_one(env, document):
    import json

    from .conftest import upload_form

    me = env.headers("organizer@example.com")
    plain = env.client.post("/api/preview", headers=me, data=upload_form(options=json.dumps({"design": "classic"})))
    moved = json.loads(json.dumps(document))
    for element in moved["elements"]:
        if element["kind"] == "name":
            element["box"]["y"] += 20
    posted = env.client.post("/api/preview", headers=me, data=upload_form(design_document=json.dumps(moved)))
    assert posted.status_code == 200, posted.get_json()
    assert _png(posted.get_json()) != _png(plain.get_json())
    design_id = _create(env, me, moved).get_json()["id"]
    options = json.dumps({"design_id": design_id})
    saved = env.client.post("/api/preview", headers=me, data=upload_form(options=options))
    assert saved.status_code == 200, saved.get_json()
    assert _png(saved.get_json()) == _png(posted.get_json())
    bad = json.loads(json.dumps(moved))
    bad["elements"][0]["box"] = "here"
    refused = env.client.post("/api/preview", headers=me, data=upload_form(design_document=json.dumps(bad)))
    assert refused.status_code == 400 and "box" in json.dumps(refused.get_json())
    unknown = env.client.post("/api/preview", headers=me, data=upload_form(options=json.dumps({"design_id": "x" * 20})))
    assert unknown.status_code == 400 and unknown.get_json()["error"]["field"] == "design_id"


def test_a_job_names_the_saved_design_and_never_carries_the_document(env, document):
    import json

    from .conftest import upload_form

    me = env.headers("organizer@example.com")
    design_id = _create(env, me, document).get_json()["id"]
    response = env.client.post("/api/jobs", headers=me, data=upload_form(options=json.dumps({"design_id": design_id})))
    assert response.status_code in (200, 201, 202), response.get_json()
    files = env.submitter.calls[-1][2]
    assert json.loads(files["job.json"]) == {"design_id": design_id}
