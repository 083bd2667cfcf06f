"""The desk's stored attendee index: written when the job finishes, read by a new process instead of the CSV.

A "new process" here is the same test process with the desk's process caches emptied (what a cold instance starts
with); the Storage reads are recorded by wrapping the real local blob store's read_bytes (it still reads).
"""

from __future__ import annotations

import gzip
import json

import pytest
from pypdf import PdfReader

from badgeforge.services import desk, desk_roster, desk_roster_store
from tests.desk.conftest import finished_job

DESK = {"device": "desk-2"}


@pytest.fixture
def reads(desk_env, monkeypatch) -> list[str]:
    """Every path read from Storage from now on, in a fresh process's state (no cached roster or warm badge)."""
    monkeypatch.setattr(desk_roster, "_cache", type(desk_roster._cache)())
    monkeypatch.setattr(desk, "_warm", type(desk._warm)())
    seen: list[str] = []
    real = desk_env.services.blobs.read_bytes

    def recording(path: str, **kwargs):
        seen.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(desk_env.services.blobs, "read_bytes", recording)
    return seen


def _search(env, job: str, q: str) -> dict:
    response = env.client.get(
        f"/api/desk/{job}/search", query_string={"q": q}, headers=env.headers("organizer@example.com")
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _index_path(env, job: str) -> str:
    return desk_roster_store.roster_path(env.organizer.uid, job)


def test_the_finished_job_stored_its_index_and_a_new_process_searches_without_reading_the_csv(desk_env, reads):
    job = finished_job(desk_env)
    stored = json.loads(gzip.decompress(desk_env.services.blobs.read_bytes(_index_path(desk_env, job))))
    assert stored["version"] == desk_roster_store.VERSION and len(stored["rows"]) == 4
    reads.clear()
    found = _search(desk_env, job, "grace")
    assert [r["name"] for r in found["results"]] == ["Grace Hopper"] and found["attendees"] == 4
    assert reads == [_index_path(desk_env, job)]  # the index, not uploads/.../attendees.csv
    roster = desk_env.client.get(f"/api/desk/{job}/roster", headers=desk_env.headers("organizer@example.com"))
    assert len(roster.get_json()["rows"]) == 4
    assert not [path for path in reads if path.endswith(".csv")]


def test_a_print_from_the_stored_index_reads_the_design_but_not_the_csv(desk_env, reads):
    job = finished_job(desk_env)
    headers = desk_env.headers("organizer@example.com")
    response = desk_env.client.post(f"/api/desk/{job}/print", json={"key": "r2", **DESK}, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert "Lovelace" in PdfReader(__import__("io").BytesIO(response.data)).pages[0].extract_text()
    assert not [path for path in reads if path.endswith(".csv")]


@pytest.mark.parametrize(
    "spoil",
    [
        lambda data: b"not gzip at all",
        lambda data: gzip.compress(b'{"format": "badgeforge-desk-roster", "version": 1, "rows": [[1]]}'),
        lambda data: gzip.compress(gzip.decompress(data).replace(b'"version":1', b'"version":99')),
        lambda data: gzip.compress(gzip.decompress(data).replace(b'"source":"', b'"source":"old-')),
    ],
    ids=["corrupt", "malformed", "other-version", "stale-source"],
)
def test_a_bad_or_stale_index_is_rebuilt_from_the_csv_and_stored_again(desk_env, reads, spoil):
    job = finished_job(desk_env)
    path = _index_path(desk_env, job)
    desk_env.services.blobs.write_bytes(
        path, spoil(desk_env.services.blobs.read_bytes(path)), content_type="application/gzip"
    )
    reads.clear()
    assert [r["name"] for r in _search(desk_env, job, "turing")["results"]] == ["Alan Turing"]
    assert any(p.endswith("attendees.csv") for p in reads)  # rebuilt from the CSV...
    stored = json.loads(gzip.decompress(desk_env.services.blobs.read_bytes(path)))
    assert stored["version"] == desk_roster_store.VERSION and len(stored["rows"]) == 4  # ...and stored again


def test_a_job_without_an_index_builds_it_on_the_first_search(desk_env, reads):
    job = finished_job(desk_env)
    desk_env.services.blobs.delete(_index_path(desk_env, job))
    _search(desk_env, job, "ada")
    assert desk_env.services.blobs.info(_index_path(desk_env, job)) is not None
    desk_roster._cache.clear()  # the next process
    reads.clear()
    _search(desk_env, job, "ada")
    assert reads == [_index_path(desk_env, job)]


def test_an_oversized_index_is_refused_before_decompressing(desk_env, monkeypatch):
    job = finished_job(desk_env)
    monkeypatch.setattr(desk_roster_store, "DECODED_MAX_BYTES", 100)
    info = desk_env.services.blobs.info(f"uploads/{desk_env.organizer.uid}/{job}/attendees.csv")
    tag = desk_roster_store.source_tag(info.generation, info.size)
    assert desk_roster_store.load(desk_env.services, desk_env.organizer.uid, job, tag) is None


def test_the_stored_index_carries_the_prepared_search_text_so_a_new_process_skips_preparing_it(desk_env, reads):
    job = finished_job(desk_env)
    stored = json.loads(gzip.decompress(desk_env.services.blobs.read_bytes(_index_path(desk_env, job))))
    assert len(stored["text"]) == 4 and "ada lovelace" in stored["text"][0]
    assert set(stored["tickets"].values()) == {"r2", "r3", "r4", "r5"}
    roster = desk_roster.load_roster(desk_env.services, desk_env.organizer.uid, job)
    assert roster.owner_of_ticket("pce-002") == "r3"
    assert [p.key for p in roster.search("bletchley")[0]] == ["r4"]


def test_a_failure_to_store_the_index_never_fails_the_job(desk_env, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("storage is having a bad day")

    monkeypatch.setattr(desk_roster, "store_index", broken)
    job = finished_job(desk_env, job_id="job2")  # asserts the job is done
    assert desk_env.services.blobs.info(_index_path(desk_env, job)) is None
    monkeypatch.undo()
    assert [r["name"] for r in _search(desk_env, job, "ada")["results"]] == ["Ada Lovelace"]
    assert desk_env.services.blobs.info(_index_path(desk_env, job)) is not None  # built by the first search
