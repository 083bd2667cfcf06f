"""The live preview accepts every file the job accepts: its table rows come from the reader's own table."""

from __future__ import annotations

from .conftest import upload_form


def _preview(env, csv: bytes):
    headers = env.headers("organizer@example.com")
    return env.client.post("/api/preview", headers=headers, data=upload_form(csv))


def test_a_bare_cr_inside_a_field_previews_as_the_reader_reads_it(env):
    response = _preview(env, b'Name,Company\n"Ada\rLovelace",Engines\nGrace,Navy\n')
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["rows"] == [["Ada\nLovelace", "Engines"], ["Grace", "Navy"]]
    assert body["count"] == 2


def test_a_field_over_the_csv_modules_limit_previews(env):
    response = _preview(env, b'Name,Bio\nAda,"' + b"x" * 140_000 + b'"\nGrace,y\n')
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [row[0] for row in body["rows"]] == ["Ada", "Grace"]
    assert len(body["rows"][0][1]) == 200  # cells are cut for display
    assert any(w["column"] == "Bio" for w in body["warnings"])  # the reader cut it to its own limit


def test_rows_match_the_attendees_for_a_headerless_file(env):
    body = _preview(env, b"Ada Lovelace\nGrace Hopper\n").get_json()
    assert body["rows"] == [["Ada Lovelace"], ["Grace Hopper"]]


def test_unprintable_characters_are_reported_not_a_500(env):
    response = _preview(env, "Name,Company\nA\ufffeda,Eng\ufdd0\n".encode())
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["first"]["name"] == "Ada"
    assert {w["column"] for w in body["warnings"]} == {"Name", "Company"}
