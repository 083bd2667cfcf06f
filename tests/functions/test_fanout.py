"""Fan-out (services/fanout.py) through the real decorated functions: render_badges plans, main.renderChunk renders
chunks on the local task queue (in this process with task_workers=0, in spawned worker processes otherwise), the last
chunk merges. Small caps (20 rows single-path, chunks of 8 badges) stand in for 50,000 / 10,000 so this stays fast.
Fault injection: FailingBadgeWrites (a Storage outage) makes chunks fail, as a real outage cannot be caused here."""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pikepdf
import pytest

from badgeforge import config
from badgeforge.runtime import LocalRuntime
from badgeforge.services import fanout, open_work
from tests.functions.conftest import EXPIRED, FailingBadgeWrites, make_user, outbox

HEADER = b"First Name,Last Name,Ticket Type,Company,Email,Pronouns,Order code\n"


def _csv(rows: int) -> bytes:
    return HEADER + b"".join(f"P{i},Q{i},Attendee,Co,p{i}@example.org,,C{i}\n".encode() for i in range(rows))


@pytest.fixture
def settings(tmp_path) -> config.Settings:
    return config.Settings(
        home=tmp_path / "home",
        default_allowed_usage=10,
        link_secret="test-secret",
        jobs_per_minute=100,
        csv_max_rows=20,
        fanout_max_rows=100,
        fanout_chunk_badges=8,
    )


@contextlib.contextmanager
def running(services, task_workers: int = 0) -> Iterator[LocalRuntime]:
    """A local runtime for one test, closed (and the process's services forgotten) whatever the test does."""
    rt = LocalRuntime(services, task_workers=task_workers)
    try:
        yield rt
    finally:
        rt.close()
        config.use_services(None)


@pytest.fixture
def inline(services):
    with running(services) as rt:
        yield rt


def _job(services, uid, job_id="j1"):
    return services.db.get(f"jobs/{uid}/{job_id}")


def _user(services, uid):
    return services.db.get(f"users/{uid}")


def _pages(services, path) -> int:
    local = services.settings.home / "merged-copy.pdf"
    services.blobs.download_to(path, local)
    with pikepdf.open(local) as pdf:
        return len(pdf.pages)


def test_a_job_under_the_threshold_takes_the_single_function_path(services, inline):
    user = make_user(services)
    inline.upload(user.uid, "j1", {"attendees.csv": _csv(20)})
    job = _job(services, user.uid)
    assert job["status"] == "done" and "chunks" not in job and "fanout" not in job
    assert len(outbox(services)) == 1


def test_the_trigger_only_plans_then_chunks_merge_into_one_pdf_one_mail_one_use(services, inline):
    user = make_user(services)
    inline.upload(user.uid, "j1", {"attendees.csv": _csv(50)})
    planned = _job(services, user.uid)
    assert planned["status"] == "rendering" and planned["fanout"] is True
    assert planned["chunks"]["total"] == 7 and planned["chunks"]["size"] % 1 == 0 and "output" not in planned
    planned_files = [b.path.rsplit("/", 1)[-1] for b in services.blobs.list(f"badges/{user.uid}/j1/")]
    assert not [f for f in planned_files if f.endswith(".pdf")]  # nothing rendered by the Storage trigger
    assert sorted(planned_files) == sorted(["plan.json", *(f"{i:05d}.rows.json" for i in range(7))])
    inline.wait()
    job = _job(services, user.uid)
    assert job["status"] == "done" and job["badges"] == 50 and job["progress"] == 100
    assert _pages(services, job["output"]) == job["pages"]
    assert [b.path for b in services.blobs.list(f"badges/{user.uid}/j1/")] == [job["output"]]  # chunks removed
    assert len(outbox(services)) == 1 and len(services.db.get(f"badgeMails/{user.uid}")) == 1
    account = _user(services, user.uid)
    assert list(account["charged"]) == ["j1"] and not account.get("holds")
    assert inline.errors == []


def test_chunks_read_the_rows_the_planner_wrote_never_the_csv(services, inline):
    user = make_user(services)
    options = b'{"event_name": "Huge Conf", "qr_field": "Order code", "locale": "de-DE"}'
    inline.upload(user.uid, "j1", {"attendees.csv": _csv(30), "job.json": options})
    # the attendee file is now unreadable: a chunk that parsed it would fail the job
    services.blobs.write_bytes(f"uploads/{user.uid}/j1/attendees.csv", b"\xff\xfe garbage", content_type="text/csv")
    inline.wait()
    job = _job(services, user.uid)
    assert job["status"] == "done" and job["badges"] == 30, job.get("error")
    assert job["event_name"] == "Huge Conf" and job["locale"] == "de"
    assert [b.path for b in services.blobs.list(f"badges/{user.uid}/j1/")] == [job["output"]]  # inputs removed


def test_a_chunk_row_file_round_trips_every_field():
    from badge_renderer.model import Attendee
    from badgeforge.services import chunk_inputs

    people = [
        Attendee(2, "Ana", "Ruiz", "", "Speaker", "ACME", "a@x.org", "she/her", "VIP", "T1", {"Shirt": "M"}),
        Attendee(3, full_name="李小龙 العربية"),
    ]
    assert chunk_inputs.decode_rows(chunk_inputs.encode_rows(people)) == people


def test_the_local_queue_gives_each_chunk_its_share_of_the_cpus(settings):
    from badge_renderer.parallel import usable_cpus
    from badgeforge.runtime.task_queue import LocalTaskQueue

    queue = LocalTaskQueue(settings, lambda payload, reason: None, workers=2)
    try:
        assert queue.settings.fanout_chunk_workers == max(1, usable_cpus() // 2)
    finally:
        queue.close()
    assert LocalTaskQueue(settings, lambda payload, reason: None, workers=0).settings.fanout_chunk_workers == 0


def test_a_file_over_the_fanout_cap_is_refused_with_the_row(services, inline):
    user = make_user(services)
    inline.upload(user.uid, "j1", {"attendees.csv": _csv(101)})
    inline.wait()
    job = _job(services, user.uid)
    assert job["status"] == "failed" and job["error"]["code"] == "too_many_rows"
    assert "100" in job["error"]["message"] and outbox(services) == []
    assert not _user(services, user.uid).get("holds")


def test_a_repeated_chunk_counts_once_and_the_merge_happens_once(services, inline):
    user = make_user(services)
    inline.upload(user.uid, "j1", {"attendees.csv": _csv(30)})
    payload = {"uid": user.uid, "jobId": "j1", "csv": "attendees.csv", "index": 0}
    first = fanout.handle_chunk(inline.services, payload)
    again = fanout.handle_chunk(inline.services, payload)
    assert (first.status, again.status) == ("chunk_done", "chunk_done")
    assert len(_job(services, user.uid)["chunks"]["done"]) == 1
    inline.wait()
    late = fanout.handle_chunk(inline.services, payload)  # a retry delivered after the job finished
    assert late.status == "skipped" and _job(services, user.uid)["status"] == "done"
    assert len(outbox(services)) == 1 and list(_user(services, user.uid)["charged"]) == ["j1"]


def test_a_chunk_out_of_retries_fails_the_job_and_releases_its_use(services):
    broken = dataclasses.replace(services, blobs=FailingBadgeWrites(services.blobs, suffix=".pdf"))
    with running(broken) as rt:
        user = make_user(services)
        rt.upload(user.uid, "j1", {"attendees.csv": _csv(30)})
        assert _user(services, user.uid)["holds"]  # taken once, at planning
        rt.wait()
    job = _job(services, user.uid)
    assert job["status"] == "failed" and job["error"]["code"] == "chunk_failed"
    assert "could not be rendered" in job["error"]["message"]
    account = _user(services, user.uid)
    assert not account.get("holds") and not account.get("charged") and outbox(services) == []


def test_the_sweep_enqueues_a_stuck_fanout_job_instead_of_rendering_it(services, inline):
    user = make_user(services)
    inline.upload(user.uid, "j1", {"attendees.csv": _csv(30)})
    inline.tasks._inline.clear()  # the queued tasks are lost (as if the queue dropped them)
    services.db.update(f"jobs/{user.uid}/j1", {"lease_until": EXPIRED})
    # the lease has run out: so has the job's open-work entry, which is due at the lease's end
    open_work.mark(services, user.uid, "j1", datetime(2000, 1, 1, tzinfo=UTC))
    fresh = LocalRuntime(services, task_workers=0)
    try:
        fresh.sweep()
        job = _job(services, user.uid)
        assert job["status"] == "rendering" and "output" not in job  # re-planned, not rendered inline
        assert len(fresh.tasks._inline) == job["chunks"]["total"]
        fresh.wait()
    finally:
        fresh.close()
    assert _job(services, user.uid)["status"] == "done" and len(outbox(services)) == 1


@pytest.mark.slow
def test_chunks_render_in_parallel_worker_processes(services):
    with running(services, task_workers=2) as rt:
        user = make_user(services)
        rt.upload(user.uid, "j1", {"attendees.csv": _csv(40)})
        rt.wait()
    job = _job(services, user.uid)
    assert job["status"] == "done" and job["badges"] == 40 and len(outbox(services)) == 1
    assert _pages(services, job["output"]) == job["pages"]


def test_the_web_upload_limits_are_the_fanout_caps_only_where_a_task_queue_exists(services, inline):
    from badgeforge.api.uploads import InputLimits

    assert InputLimits.of(services).csv_max_rows == 20  # no queue: today's limit
    with_queue = InputLimits.of(inline.services)
    assert (with_queue.csv_max_rows, with_queue.csv_max_bytes) == (100, services.settings.fanout_max_bytes)


def test_fanout_settings_come_from_the_environment():
    env = {"BADGEFORGE_FANOUT_MAX_ROWS": "250000", "BADGEFORGE_FANOUT_CHUNK_BADGES": "5000"}
    settings = config.Settings.from_env(env)
    assert (settings.fanout_max_rows, settings.fanout_chunk_badges) == (250_000, 5_000)
    assert settings.fanout_min_rows == settings.csv_max_rows + 1  # by default only refused files fan out
    with pytest.raises(config.ConfigError, match="BADGEFORGE_FANOUT_MAX_ROWS"):
        config.Settings.from_env({"BADGEFORGE_FANOUT_MAX_ROWS": "0"})


def test_a_file_over_todays_row_cap_is_parsed_once(services, inline):
    from badgeforge.services import render_job
    from badgeforge.services.renderer import LibraryRenderer

    reads: list[int] = []

    class CountingReader(LibraryRenderer):
        def read_attendees(self, data, **kwargs):
            reads.append(kwargs["max_rows"])
            return super().read_attendees(data, **kwargs)

    user = make_user(services)
    inline.services.blobs.inner.write_bytes(f"uploads/{user.uid}/j1/attendees.csv", _csv(50), content_type="text/csv")
    outcome = render_job.handle_upload(inline.services, f"uploads/{user.uid}/j1/attendees.csv", {}, CountingReader())
    assert outcome.status == "planned" and reads == [100]  # once, with the fan-out cap


def test_a_fanout_job_gets_one_png_zip_numbered_through_the_whole_job(services, inline):
    import zipfile

    user = make_user(services)
    options = b'{"png_zip": true, "badge_size": "ID-1"}'
    inline.upload(user.uid, "j1", {"attendees.csv": _csv(21), "job.json": options})
    inline.wait()
    job = _job(services, user.uid)
    assert job["status"] == "done" and job["chunks"]["total"] >= 2, job.get("error")
    local = services.settings.home / "png-copy.zip"
    services.blobs.download_to(job["png_zip"], local)
    with zipfile.ZipFile(local) as archive:
        names = archive.namelist()
        assert all(info.compress_type == zipfile.ZIP_STORED for info in archive.infolist())
        assert archive.read(names[-1]).startswith(b"\x89PNG")
    assert [n[:5] for n in names] == [f"{i:05d}" for i in range(1, 22)] and names[20].startswith("00021-p20")
    assert sorted(b.path for b in services.blobs.list(f"badges/{user.uid}/j1/")) == sorted(
        [job["output"], job["png_zip"]]
    )
    assert len(outbox(services)) == 1


def _scratch_bytes(root) -> int:
    """The bytes of every file under `root` now. os.walk, not rglob: a render removes its folders meanwhile, and
    rglob raised FileNotFoundError from inside its walk (the sampler thread died and stopped measuring)."""
    total = 0
    for folder, _, files in os.walk(root):  # a folder gone while walked is skipped (os.walk ignores the error)
        for name in files:
            with contextlib.suppress(FileNotFoundError):  # a file removed meanwhile
                total += os.stat(os.path.join(folder, name)).st_size
    return total


class ScratchSampler:
    """Measures the renders' scratch folders (what sits on Cloud Functions' in-memory /tmp) every millisecond."""

    def __init__(self, root) -> None:
        import threading

        self.root, self.peak, self._stop = root, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.root.exists():
                self.peak = max(self.peak, _scratch_bytes(self.root))
            self._stop.wait(0.001)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def test_a_fanout_job_keeps_its_scratch_under_a_small_spool_cap(tmp_path):
    capped = config.Settings(
        home=tmp_path / "home",
        link_secret="s",
        jobs_per_minute=100,
        csv_max_rows=20,
        fanout_max_rows=100,
        fanout_chunk_badges=8,
        spool_max_bytes=SMALL_SPOOL,
    )
    services = config.build_services(capped)
    with running(services) as rt:
        user = make_user(services)
        with ScratchSampler(capped.render_scratch_root()) as sampler:
            rt.upload(user.uid, "j1", {"attendees.csv": _csv(40)})
            rt.wait()
    job = _job(services, user.uid)
    assert job["status"] == "done" and job["badges"] == 40, job.get("error")
    total = services.blobs.info(job["output"]).size
    print(f"peak scratch {sampler.peak:,} bytes for a {total:,}-byte PDF (cap {SMALL_SPOOL:,})")
    assert 0 < sampler.peak <= SMALL_SPOOL < total  # the merged PDF never sat in scratch: it is bigger than the cap


SMALL_SPOOL = 40_000  # a chunk of 8 badges spools ~15 KB; the merged 40-badge PDF is ~65 KB


def test_a_render_over_the_spool_cap_fails_with_the_setting_named_and_charges_nothing(services, tmp_path):
    tiny = dataclasses.replace(services, settings=dataclasses.replace(services.settings, spool_max_bytes=5_000))
    with running(tiny) as rt:
        user = make_user(services)
        rt.upload(user.uid, "j1", {"attendees.csv": _csv(30)})
        rt.wait()
    job = _job(services, user.uid)
    assert job["status"] == "failed" and job["error"]["code"] == "spool_full"
    assert "BADGEFORGE_SPOOL_MAX_BYTES" in job["error"]["message"] and "CHUNK_BADGES" in job["error"]["hint"]
    account = _user(services, user.uid)
    assert not account.get("holds") and not account.get("charged") and outbox(services) == []
