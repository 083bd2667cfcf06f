"""The station agent against a real CUPS (private cupsd + cups-pdf virtual printer) and a raw TCP 9100 capture,
all on 127.0.0.1; the queue items come from the real /api/desk/.../print route."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from badgeforge.adapters.printers import CupsPrinter, RawTcpPrinter
from badgeforge.services import print_queue
from badgeforge.services.station import Station
from tests.servers import cups_server as cups
from tests.servers.tcp_capture import tcp_capture
from tests.zpl_decode import labels

BADGEFORGE = Path(sys.executable).parent / "badgeforge"


def _queue(env, key: str, fmt: str = "pdf", station: str = "desk-2", **extra) -> dict:
    body = {"key": key, "device": "desk-2", "station": station, "format": fmt, "confirm_reprint": True, **extra}
    response = env.client.post("/api/desk/job1/print", json=body, headers=env.headers("organizer@example.com"))
    assert response.status_code == 202, response.get_json()
    return response.get_json()["queued"]


def _item(env, item_id: str, station: str = "desk-2") -> dict:
    return env.services.db.get(f"print_queue/{env.organizer.uid}/{station}/{item_id}")


@pytest.fixture
def cupsd():
    reason = cups.missing()
    if reason:
        pytest.skip(reason)
    with cups.cups_server() as server:
        yield server


def test_the_station_prints_queued_pdfs_through_cups_at_label_size(desk_env, cupsd) -> None:
    first, second = _queue(desk_env, "r2"), _queue(desk_env, "r3", preset="dymo-30856")  # queued before the start
    station = Station(
        desk_env.services, desk_env.organizer.uid, "desk-2", "agent-1", CupsPrinter(cupsd.printer, server=cupsd.address)
    )
    assert station.start() == []
    assert station.run_once() == 2
    for item in (first, second):
        done = _item(desk_env, item["id"])
        assert done["status"] == "printed" and done["detail"].startswith(cupsd.printer + "-"), done  # a CUPS job id
    pdfs = cupsd.wait_for_pdfs(2)
    sizes = set()
    for pdf in pdfs:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        sizes.add(
            next(line for line in info.splitlines() if line.startswith("Page size"))
            .split(":")[1]
            .split("pts")[0]
            .strip()
        )
        ink = subprocess.run(["pdftoppm", "-r", "30", "-gray", str(pdf)], capture_output=True, check=True).stdout
        assert sum(1 for value in ink[16:] if value < 128) > 100  # dark pixels: the badge, not a blank page
    assert sizes == {"175.75 x 283.46", "175.75 x 300.47"}  # 62 x 100 mm and 62 x 106 mm, not the queue's A4
    assert station.run_once() == 0  # nothing is printed twice


def test_zpl_goes_to_tcp_9100_once_even_across_a_restart(desk_env) -> None:
    with tcp_capture() as zebra:
        item = _queue(desk_env, "r2", fmt="zpl", preset="zebra-4x3in")
        printer = RawTcpPrinter.parse(zebra.address)
        first = Station(desk_env.services, desk_env.organizer.uid, "desk-2", "agent-1", zpl_printer=printer)
        first.start()
        assert first.run_once() == 1
        restarted = Station(desk_env.services, desk_env.organizer.uid, "desk-2", "agent-2", zpl_printer=printer)
        assert restarted.start() == [] and restarted.run_once() == 0
        [job] = zebra.wait_for(1)
        assert job == desk_env.services.blobs.read_bytes(item["file"])
        [(width, length, _)] = labels(job.decode("ascii"))
        assert (width, length) == (812, 609)
        assert len(zebra.jobs) == 1 and _item(desk_env, item["id"])["status"] == "printed"


def test_an_item_left_mid_send_by_a_dead_agent_is_failed_at_start_not_sent_again(desk_env) -> None:
    uid = desk_env.organizer.uid
    with tcp_capture() as zebra:
        stuck = _queue(desk_env, "r2", fmt="zpl", preset="zebra-4x3in")
        waiting = _queue(desk_env, "r3", fmt="zpl", preset="zebra-4x3in")
        assert print_queue.claim(desk_env.services, uid, "desk-2", stuck["id"], "agent-that-died") is not None
        station = Station(desk_env.services, uid, "desk-2", "agent-2", zpl_printer=RawTcpPrinter.parse(zebra.address))
        assert station.start() == [stuck["id"]]
        assert station.run_once() == 1
        assert len(zebra.wait_for(1)) == 1
    failed = _item(desk_env, stuck["id"])
    assert failed["status"] == "failed" and "may or may not have printed" in failed["detail"]
    assert _item(desk_env, waiting["id"])["status"] == "printed"


def test_a_printer_that_does_not_answer_fails_the_item_with_the_reason(desk_env) -> None:
    item = _queue(desk_env, "r2", fmt="zpl", preset="zebra-4x3in")
    pdf = _queue(desk_env, "r3")
    closed = RawTcpPrinter("127.0.0.1", 9)  # discard port, nothing listens
    station = Station(desk_env.services, desk_env.organizer.uid, "desk-2", "agent-1", zpl_printer=closed)
    assert station.run_once() == 2
    assert "did not take the label" in _item(desk_env, item["id"])["detail"]
    assert "no printer for PDF" in _item(desk_env, pdf["id"])["detail"]
    assert station.run_once() == 0  # a failed item stays failed: the desk decides to reprint


def test_badgeforge_station_once_prints_through_cups(desk_env, cupsd) -> None:
    item = _queue(desk_env, "r4")
    env = {**os.environ, "BADGEFORGE_HOME": str(desk_env.services.settings.home), "BADGEFORGE_MODE": "local"}
    args = ["station", "--name", "desk-2", "--user", "organizer@example.com", "--printer", cupsd.printer]
    done = subprocess.run(
        [str(BADGEFORGE), *args, "--cups-server", cupsd.address, "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"printed": 1, "failed": 0, "recovered": []}
    assert _item(desk_env, item["id"])["status"] == "printed"
    assert len(cupsd.wait_for_pdfs(1)) == 1


def test_the_desk_sees_a_stations_queued_and_failed_items(desk_env) -> None:
    waiting = _queue(desk_env, "r2")
    failing = _queue(desk_env, "r3", fmt="zpl", preset="zebra-4x3in")
    print_queue.claim(desk_env.services, desk_env.organizer.uid, "desk-2", failing["id"], "agent-1")
    print_queue.finish(
        desk_env.services, desk_env.organizer.uid, "desk-2", failing["id"], ok=False, detail="jam", agent="agent-1"
    )
    headers = desk_env.headers("organizer@example.com")
    answer = desk_env.client.get("/api/desk/stations/desk-2", headers=headers).get_json()
    assert [i["id"] for i in answer["queued"]] == [waiting["id"]]
    assert [(i["id"], i["detail"]) for i in answer["failed"]] == [(failing["id"], "jam")]
    assert answer["sending"] == []
    other = desk_env.client.get("/api/desk/stations/desk-2", headers=desk_env.headers("admin@example.com")).get_json()
    assert other["queued"] == [] and other["failed"] == []  # another account's queue of the same name is its own


class CountingDb:
    """The real SQLite tree, counting the station's reads of the status index (a spy, not a stand-in: every call
    goes to the real database)."""

    def __init__(self, db) -> None:
        self._db = db
        self.index_reads = 0

    def query(self, path, **kwargs):
        if kwargs.get("equal_to") == "queued":
            self.index_reads += 1
        return self._db.query(path, **kwargs)

    def __getattr__(self, name):
        return getattr(self._db, name)


@pytest.fixture
def listening_station(desk_env):
    """A Station running in a thread on its own database connection, printing ZPL to a TCP capture."""
    import dataclasses
    import threading

    from badgeforge.adapters.local.tree_db import SqliteTreeDatabase

    counting = CountingDb(SqliteTreeDatabase(desk_env.services.db.path))
    services = dataclasses.replace(desk_env.services, db=counting)
    stop = threading.Event()
    with tcp_capture() as zebra:
        station = Station(
            services, desk_env.organizer.uid, "desk-2", "agent-1", zpl_printer=RawTcpPrinter.parse(zebra.address)
        )
        thread = threading.Thread(target=station.run, args=(stop,), kwargs={"fallback_seconds": 60}, daemon=True)
        thread.start()
        try:
            yield station, counting, zebra
        finally:
            stop.set()
            thread.join(timeout=10)
            assert not thread.is_alive()


def test_the_station_listens_and_prints_a_queued_item_within_a_second_without_polling(
    desk_env, listening_station
) -> None:
    import time

    _, counting, zebra = listening_station
    time.sleep(1.5)  # idle: a polling station would have read the index once a second
    assert counting.index_reads == 1  # once, at the start
    item = _queue(desk_env, "r2", fmt="zpl", preset="zebra-4x3in")
    queued_at = time.monotonic()
    [job] = zebra.wait_for(1, timeout=5)
    elapsed = time.monotonic() - queued_at
    print(f"printed {elapsed * 1000:.0f} ms after it was queued")
    assert elapsed < 1.0
    assert job == desk_env.services.blobs.read_bytes(item["file"])
    deadline = time.monotonic() + 5
    while _item(desk_env, item["id"])["status"] != "printed" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _item(desk_env, item["id"])["status"] == "printed"
    reads = counting.index_reads
    time.sleep(1.0)
    assert counting.index_reads == reads <= 4  # woken by its queue's changes only, then quiet again


def test_a_write_elsewhere_in_the_tree_does_not_wake_the_station(desk_env, listening_station) -> None:
    import time

    _, counting, _ = listening_station
    time.sleep(0.3)
    for n in range(5):
        desk_env.services.db.set(f"print_queue/{desk_env.organizer.uid}/desk-9/x{n}", {"status": "queued"})
        desk_env.services.db.set(f"users/{desk_env.organizer.uid}/note", n)
    time.sleep(0.8)
    assert counting.index_reads == 1


def test_badgeforge_station_in_its_own_process_hears_a_print_queued_by_another(desk_env) -> None:
    import signal
    import time

    env = {**os.environ, "BADGEFORGE_HOME": str(desk_env.services.settings.home), "BADGEFORGE_MODE": "local"}
    with tcp_capture() as zebra:
        args = ["station", "--name", "desk-2", "--user", "organizer@example.com", "--zpl-host", zebra.address]
        agent = subprocess.Popen([str(BADGEFORGE), *args], env=env, stderr=subprocess.PIPE, text=True)
        try:
            assert "printing for organizer@example.com" in agent.stderr.readline()  # it is listening
            time.sleep(0.5)
            item = _queue(desk_env, "r3", fmt="zpl", preset="zebra-4x3in")
            queued_at = time.monotonic()
            assert len(zebra.wait_for(1, timeout=5)) == 1
            assert time.monotonic() - queued_at < 1.5
        finally:
            agent.send_signal(signal.SIGTERM)
            agent.wait(timeout=20)
    assert _item(desk_env, item["id"])["status"] == "printed"
