"""The desk's two speed targets, each printed as a ratio against a peer measured in the same run.

1. Search as you type over 50,000 attendees (target <= 100 ms per keystroke, server side): the desk's prepared
   index (one lower-case string per attendee, built once per job) against the same search written without it
   (every field lower-cased again on every keystroke).
2. One badge now at label size (target: milliseconds): WarmBadge (design and fonts kept warm) against a cold
   `render_pdf` of that one attendee (what a desk would cost if each print were a little job).

    PYTHONPATH=.:functions .venv/bin/python bench/desk_speed.py [--attendees 50000] [--prints 30] [--api]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sample_data import attendees

from badge_renderer.options import RenderOptions
from badge_renderer.render import render_pdf
from badge_renderer.single import WarmBadge
from badgeforge.services.desk_roster import DeskAttendee, Roster, _Index

KEYSTROKES = "katherine j"


def _roster(count: int) -> Roster:
    index = _Index()
    for person in attendees(count, distinct=True):
        email = f"{person.first_name}.{person.last_name}@example.org".lower()
        index.add(DeskAttendee(f"r{person.row}", type(person)(**{**person.__dict__, "email": email})))
    return Roster("bench", None, index, _Index())


def _naive(roster: Roster, query: str, limit: int = 20) -> int:
    words = query.casefold().split()
    found = 0
    for person in roster.job.people:
        a = person.attendee
        fields = (a.display_name, a.email, a.ticket_id, a.organization)
        text = " ".join(value.casefold() for value in fields)
        found += all(w in text for w in words)
    return found


def _per_keystroke(search, roster: Roster) -> list[float]:
    times = []
    for end in range(1, len(KEYSTROKES) + 1):
        start = time.perf_counter()
        search(roster, KEYSTROKES[:end])
        times.append((time.perf_counter() - start) * 1000)
    return times


def _through_the_api(count: int) -> None:
    """The search route itself, on the local adapters: a 50,000-row job's CSV is stored and its job node marked done
    (its badges are not rendered: the desk reads the CSV, not the PDF); the first request reads and indexes it."""
    import csv
    import io

    from badgeforge.api import create_app
    from badgeforge.config import Settings, build_services

    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(Settings(mode="local", home=Path(tmp) / "home"))
        services.users.create("desk@example.com", password="bench password 1")
        uid = services.users.find_by_email("desk@example.com").uid
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["First Name", "Last Name", "Company", "Email", "Ticket Code"])
        for p in attendees(count, distinct=True):
            writer.writerow([p.first_name, p.last_name, p.organization, f"{p.last_name}@example.org", p.ticket_id])
        source = f"uploads/{uid}/big/attendees.csv"
        services.blobs.write_bytes(source, out.getvalue().encode(), content_type="text/csv")
        services.db.set(f"jobs/{uid}/big", {"status": "done", "source": source})
        client = create_app(services).test_client()
        token = client.post("/api/auth/signin", json={"email": "desk@example.com", "password": "bench password 1"})
        headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
        start = time.perf_counter()
        client.get("/api/desk/big/search?q=x", headers=headers)
        print(f"API: first search (reads and indexes the {count:,}-row CSV): {(time.perf_counter() - start):.1f} s")
        route, inner = [], []
        for end in range(1, len(KEYSTROKES) + 1):
            start = time.perf_counter()
            answer = client.get("/api/desk/big/search", query_string={"q": KEYSTROKES[:end]}, headers=headers)
            route.append((time.perf_counter() - start) * 1000)
            inner.append(answer.get_json()["search_ms"])
        print(
            f"API: per keystroke, whole request median {statistics.median(route):.1f} ms (max {max(route):.1f}), "
            f"of which search median {statistics.median(inner):.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attendees", type=int, default=50_000)
    parser.add_argument("--prints", type=int, default=30)
    parser.add_argument("--api", action="store_true", help="Also time GET /api/desk/{job}/search end to end.")
    args = parser.parse_args()
    if args.api:
        _through_the_api(args.attendees)

    start = time.perf_counter()
    roster = _roster(args.attendees)
    built = (time.perf_counter() - start) * 1000
    print(f"index of {args.attendees:,} attendees built in {built:.0f} ms (once per job)")
    ours = _per_keystroke(lambda r, q: r.search(q), roster)
    peer = _per_keystroke(_naive, roster)
    ours_ms, peer_ms = statistics.median(ours), statistics.median(peer)
    print(
        f"search per keystroke: desk index median {ours_ms:.1f} ms, max {max(ours):.1f} ms; "
        f"naive median {peer_ms:.1f} ms; ratio naive/desk {peer_ms / ours_ms:.2f}x"
    )

    options = RenderOptions(design="classic", preset="brother-dk-11202", event_name="PyCon 2026")
    people = attendees(args.prints, distinct=True)
    start = time.perf_counter()
    warm = WarmBadge(options)
    print(f"WarmBadge start (design, fonts, first badge): {(time.perf_counter() - start) * 1000:.0f} ms, once per desk")
    pdf_ms, zpl_ms = [], []
    for person in people:
        start = time.perf_counter()
        warm.pdf(person)
        pdf_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        warm.zpl(person, dpi=300)
        zpl_ms.append((time.perf_counter() - start) * 1000)
    cold_ms = []
    with tempfile.TemporaryDirectory() as tmp:
        for person in people[:5]:
            start = time.perf_counter()
            render_pdf([person], options.with_changes(accent=f"#12345{len(cold_ms)}"), Path(tmp) / "one.pdf")
            cold_ms.append((time.perf_counter() - start) * 1000)
    print(
        f"one badge at 62x100 mm: warm PDF median {statistics.median(pdf_ms):.1f} ms, warm ZPL 300 dpi median "
        f"{statistics.median(zpl_ms):.1f} ms; render_pdf of one attendee median {statistics.median(cold_ms):.1f} ms; "
        f"ratio render_pdf/warm PDF {statistics.median(cold_ms) / statistics.median(pdf_ms):.1f}x"
    )


if __name__ == "__main__":
    main()
