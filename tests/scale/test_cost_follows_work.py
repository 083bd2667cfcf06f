"""With 10,000 users × 10 past jobs, a sweep and the admin console's first page read what a database of 100 users
reads (at most 2×, counted in reads and bytes, not time), and the console pages and searches all 10,000+ users."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from badgeforge.api import create_app
from badgeforge.api.limits import JobRate
from badgeforge.config import Settings, build_services
from badgeforge.services import open_work
from badgeforge.services.sweep import run_sweep
from tests.api.conftest import PASSWORD, RecordingSubmitter
from tests.scale.history import CountingDatabase, seed_history

LIVE = "2999-01-01T00:00:00.000000Z"


def _world(tmp_path: Path, users: int):
    services = build_services(Settings(mode="local", home=tmp_path / f"home{users}", default_allowed_usage=3))
    seed_history(services.db, users)
    services.users.create("admin@example.com", password=PASSWORD, admin=True)
    # The same small amount of open work in both: one job rendering under a live lease, one due (failed, hold left).
    services.db.update(
        "",
        {
            "jobs/u000001/live": {"status": "rendering", "attempts": 1, "lease_until": LIVE, "created_at": LIVE},
            "jobs/u000002/dead": {"status": "failed", "attempts": 1, "created_at": "2026-11-30T00:00:00.000000Z"},
            "users/u000002/holds/dead": "2026-11-30T00:00:00.000000Z",
        },
    )
    open_work.mark(services, "u000001", "live", open_work.parse_iso(LIVE))
    open_work.mark(services, "u000002", "dead", services.clock.now())
    counting = CountingDatabase(services.db)
    return services, dataclasses.replace(services, db=counting), counting


@dataclasses.dataclass
class World:
    services: object
    client: object
    headers: dict
    sweep: tuple[int, int, list[str]]
    first_page: tuple[int, int, dict]


def _measure(tmp_path: Path, users: int) -> World:
    services, counted, counting = _world(tmp_path, users)
    report = run_sweep(counted)
    sweep = (counting.reads.calls, counting.reads.bytes, report.holds_released)
    app = create_app(counted, submitter=RecordingSubmitter(), job_rate=JobRate(max_jobs=3))
    client = app.test_client()
    token = client.post("/api/auth/signin", json={"email": "admin@example.com", "password": PASSWORD}).get_json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    client.get("/api/me", headers=headers)  # the admin's first sign-in records its email
    before = dataclasses.replace(counting.reads)
    body = client.get("/api/admin/users", headers=headers).get_json()
    first_page = (counting.reads.calls - before.calls, counting.reads.bytes - before.bytes, body)
    return World(services, client, headers, sweep, first_page)


@pytest.fixture(scope="module")
def worlds(tmp_path_factory):
    base = tmp_path_factory.mktemp("scale")
    return {n: _measure(base, n) for n in (100, 10_000)}


def test_sweep_costs_what_is_due_not_the_history(worlds):
    small_calls, small_bytes, small_released = worlds[100].sweep
    big_calls, big_bytes, big_released = worlds[10_000].sweep
    assert small_released == big_released == ["u000002/dead"]  # the due work was done in both
    assert big_calls <= 2 * small_calls and big_bytes <= 2 * small_bytes, (
        small_calls,
        big_calls,
        small_bytes,
        big_bytes,
    )
    assert big_bytes < 20_000  # the old sweep downloaded every job and mail: megabytes here


def test_admin_first_page_costs_what_it_shows(worlds):
    small_calls, small_bytes, small_body = worlds[100].first_page
    big_calls, big_bytes, big_body = worlds[10_000].first_page
    assert len(small_body["users"]) == len(big_body["users"]) == 50
    assert big_calls <= 2 * small_calls and big_bytes <= 2 * small_bytes, (
        small_calls,
        big_calls,
        small_bytes,
        big_bytes,
    )


def test_console_pages_and_searches_over_ten_thousand_users(worlds):
    client, headers = worlds[10_000].client, worlds[10_000].headers
    first = client.get("/api/admin/users", headers=headers).get_json()
    emails = [u["email"] for u in first["users"]]
    assert emails == sorted(emails) and emails[0] == "admin@example.com" and first["prev"] is None
    assert all("@" in e for e in emails) and first["users"][1]["last_job"]["id"] == "j09"
    second = client.get(f"/api/admin/users?after={first['next']}", headers=headers).get_json()
    assert second["users"][0]["email"] == "user000049@example.com" and second["prev"] == "user000049@example.com"
    back = client.get(f"/api/admin/users?before={second['prev']}", headers=headers).get_json()
    assert [u["email"] for u in back["users"]] == emails and back["prev"] is None
    last = client.get("/api/admin/users?after=user009990@example.com", headers=headers).get_json()
    assert [u["email"] for u in last["users"]][-1] == "user009999@example.com" and last["next"] is None
    found = client.get("/api/admin/users?q=USER00123", headers=headers).get_json()
    assert [u["email"] for u in found["users"]] == [f"user00123{i}@example.com" for i in range(10)]
    by_uid = client.get("/api/admin/users?q=u004242", headers=headers).get_json()
    assert [u["email"] for u in by_uid["users"]] == ["user004242@example.com"]
    bad = client.get("/api/admin/users?limit=lots", headers=headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "limit"


def _counted_reads(services, step) -> tuple[int, int]:
    counting = CountingDatabase(services.db)
    step(dataclasses.replace(services, db=counting))
    return counting.reads.calls, counting.reads.bytes


def test_the_jobs_page_and_the_cli_lists_cost_what_they_show(worlds):
    from badgeforge.cli.jobs_cmd import job_rows
    from badgeforge.services import job_pages, user_pages

    steps = {
        "/api/jobs first page": lambda svc: job_pages.page_of_jobs(svc, "u000050"),
        "jobs EMAIL": lambda svc: job_rows(svc, "u000050"),
        "jobs --limit 20": lambda svc: job_rows(svc, limit=20),
        "users list first page": lambda svc: user_pages.page_of_users(svc, limit=200),
    }
    for name, step in steps.items():
        small, big = (_counted_reads(worlds[n].services, step) for n in (100, 10_000))
        assert big[0] <= 2 * small[0] and big[1] <= 2 * small[1], (name, small, big)
    page = job_pages.page_of_jobs(worlds[10_000].services, "u000050", limit=4)
    assert [job_id for job_id, _ in page.jobs] == ["j09", "j08", "j07", "j06"] and page.before
    assert len(job_rows(worlds[10_000].services, limit=20)) == 20
