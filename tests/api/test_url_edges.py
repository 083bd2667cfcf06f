"""Hostile URLs and bodies at the server's edge: signed /files/ links and keys taken from the URL or the body.

Each answer is a clear 4xx in the API's JSON error shape, never a 500, and nothing outside the bucket is read.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from badgeforge.adapters.local.links import LocalLinkSigner

from .shared_env import module_env_fixture

env = module_env_fixture()  # every case here is refused before anything is written
PDF = "badges/u1/j1/badges.pdf"


@pytest.fixture
def signed(env):
    """A valid local /files/ link to a stored PDF: (path part, exp, sig)."""
    env.services.blobs.write_bytes(PDF, b"%PDF-1.7 x", content_type="application/pdf")
    url = env.services.links.signed_url(PDF, expires=timedelta(hours=1))
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    return parts.path, query["exp"][0], query["sig"][0]


def _get(env, path: str, exp: str, sig: str):
    return env.client.get(path, query_string={"exp": exp, "sig": sig})


def test_the_genuine_link_still_downloads(env, signed):
    path, exp, sig = signed
    response = _get(env, path, exp, sig)
    assert response.status_code == 200
    assert response.data == b"%PDF-1.7 x"


@pytest.mark.parametrize("sig", ["é" * 64, "\u0661" * 64, "ü", "x\x00"])
def test_a_non_ascii_signature_is_refused_not_a_crash(env, signed, sig):
    path, exp, _ = signed
    response = _get(env, path, exp, sig)
    assert response.status_code == 410
    assert response.get_json()["error"]["code"] == "expired"


@pytest.mark.parametrize(
    "spell",
    [
        lambda e: "0" + e,
        lambda e: "+" + e,
        lambda e: " " + e,
        lambda e: e + " ",
        lambda e: e[:3] + "_" + e[3:],
        lambda e: "".join(chr(0x0660 + int(d)) for d in e),  # Arabic-Indic digits: int() reads them too
    ],
)
def test_only_the_canonical_spelling_of_the_expiry_is_accepted(env, signed, spell):
    path, exp, sig = signed
    other = spell(exp)
    assert int(other) == int(exp), "the same number, spelled differently"
    response = _get(env, path, other, sig)
    assert response.status_code == 410


def test_signer_refuses_a_non_canonical_expiry_directly():
    signer = LocalLinkSigner("k" * 32, "http://127.0.0.1:1")
    url = signer.signed_url(PDF, expires=timedelta(hours=1))
    query = parse_qs(urlsplit(url).query)
    exp, sig = query["exp"][0], query["sig"][0]
    assert signer.verify(PDF, exp, sig)
    assert not signer.verify(PDF, "0" + exp, sig)
    assert not signer.verify(PDF, exp, sig.upper()), "hex case is part of the canonical signature"


@pytest.mark.parametrize(
    "bad_path", ["../outside.txt", "badges/../../outside.txt", "badges//x.pdf", "badges/u1/j1/\x00.pdf"]
)
def test_a_signed_path_that_leaves_the_bucket_is_404(env, bad_path):
    (env.services.settings.home / "storage" / "outside.txt").parent.mkdir(parents=True, exist_ok=True)
    (env.services.settings.home / "storage" / "outside.txt").write_text("secret")
    url = env.services.links.signed_url(bad_path, expires=timedelta(hours=1))  # signed by us, still not a file
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    response = env.client.get("/files/" + quote(bad_path, safe="/"), query_string={k: v[0] for k, v in query.items()})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert b"secret" not in response.data


def test_an_unsigned_bad_path_is_404_before_any_signature_work(env):
    response = env.client.get("/files/a/../b", query_string={"exp": "1", "sig": "x"})
    assert response.status_code == 404


BAD_KEYS = ["../x", "/", "a/b", "a\x00b", ".", "a.b", "x" * 800, "a$b", "a\nb"]


@pytest.mark.parametrize("field", ["uid", "jobId", "mailKey"])
@pytest.mark.parametrize("key", BAD_KEYS)
def test_redrive_refuses_keys_that_are_not_database_keys(env, field, key):
    body = {"uid": env.organizer.uid, "jobId": "j1", field: key}
    response = env.client.post("/api/admin/redrive", headers=env.headers("admin@example.com"), json=body)
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == ("invalid_key", field)
    assert env.submitter.redelivered == []


@pytest.mark.parametrize("value", [["a"], {"a": 1}, 5, True])
def test_redrive_refuses_keys_that_are_not_strings(env, value):
    body = {"uid": env.organizer.uid, "jobId": value}
    response = env.client.post("/api/admin/redrive", headers=env.headers("admin@example.com"), json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "jobId"


@pytest.mark.parametrize("key", ["../x", "a/b", "a\x00b", "a.b"])
def test_usage_log_refuses_a_uid_that_is_not_a_key(env, key):
    response = env.client.get(
        "/api/admin/usage-log", headers=env.headers("admin@example.com"), query_string={"uid": key}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "uid"


@pytest.mark.parametrize("job_id", ["a\x00b", "a\x7fb", "a.b", "x" * 800])
def test_job_routes_answer_404_for_ids_that_are_not_keys(env, job_id):
    headers = env.headers("organizer@example.com")
    response = env.client.get(f"/api/jobs/{quote(job_id)}", headers=headers)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("token", ["é.é", "\u0661.\u0661", "a.b.c", "%00.x"])
def test_page_link_tokens_that_are_not_ours_are_invalid_not_a_crash(env, token):
    response = env.client.get(f"/api/links/{quote(token)}")
    assert response.status_code == 200
    assert response.get_json()["state"] == "invalid"


@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("/api/auth/signin", None),
        ("/api/jobs/j1/link", "organizer@example.com"),
        ("/api/admin/redrive", "admin@example.com"),
    ],
)
@pytest.mark.parametrize("body", [[1], "text", 5, True])
def test_json_bodies_that_are_not_objects_are_400(env, path, who, body):
    headers = env.headers(who) if who else {}
    response = env.client.post(path, headers=headers, json=body)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["code"] == "bad_json"


def test_the_callable_keeps_its_own_error_shape_for_such_bodies(env):
    headers = env.headers("admin@example.com")
    response = env.client.post("/adjust_usage", headers=headers, json=[1])
    assert response.status_code == 400
    assert response.get_json()["error"]["status"] == "INVALID_ARGUMENT"
