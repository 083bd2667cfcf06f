"""The desk's attendee list for one finished job: the job's own rows plus the walk-ins added at the door.

Why a process cache: the CSV of a finished job never changes, so it is read and indexed once (search over 50,000
attendees is then a scan of prepared lower-case strings, a few ms) and only the walk-ins (few) are read per request.
Keys: `r{row}` for a CSV row (the row number in the file, stable for the job), `w{push key}` for a walk-in.
"""

from __future__ import annotations

import hashlib
import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from badge_renderer.model import Attendee
from badgeforge.services import desk_roster_store, job_paths, trash
from badgeforge.services.desk_errors import DeskNotFound, DeskNotReady
from badgeforge.services.job_paths import UploadRef, parse_upload
from badgeforge.services.keys import as_map

if TYPE_CHECKING:
    from badgeforge.config import Services

WALKIN_FIELDS = ("first_name", "last_name", "full_name", "organization", "role", "email", "ticket_type", "ticket_id")
MATCH_COUNT_CAP = 1000
CACHED_ROSTERS = 4  # jobs a server keeps indexed (one event's desks share one)


def ticket_code_key(code: str) -> str:
    """badge_renderer's compared spelling of a ticket code, imported on first use: the API module loads this one at
    start-up, and the CSV reader package behind it is only needed once a desk opens."""
    from badge_renderer.attendees.tickets import ticket_code_key as key

    return key(code)


def walkins_node(uid: str, job_id: str) -> str:
    return f"walkins/{uid}/{job_id}"


def tickets_node(uid: str, job_id: str) -> str:
    return f"desk_tickets/{uid}/{job_id}"


def ticket_node_key(code: str) -> str:
    """A ticket code as a database key (codes may hold . / # and the like): a hash of its compared spelling."""
    return hashlib.sha256(ticket_code_key(code).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class DeskAttendee:
    key: str
    attendee: Attendee
    walk_in: bool = False

    def summary(self) -> dict[str, Any]:
        """What the desk shows in a search result (no other columns of the organizer's file)."""
        a = self.attendee
        return {
            "key": self.key,
            "name": a.display_name,
            "organization": a.organization,
            "email": a.email,
            "ticket_type": a.ticket_type or a.role,
            "ticket_id": a.ticket_id,
            "walk_in": self.walk_in,
        }


@dataclass
class _Index:
    """Attendees in order, their search text, and ticket code -> key (the first row with a code owns it).

    Why one joined string: `str.find` scans it at C speed, so a search over 50,000 attendees costs a millisecond or
    two however rare the word; only the hits go through Python (and counting stops at MATCH_COUNT_CAP)."""

    people: list[DeskAttendee] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    by_key: dict[str, DeskAttendee] = field(default_factory=dict)
    tickets: dict[str, str] = field(default_factory=dict)
    _joined: str | None = None
    _starts: list[int] = field(default_factory=list)

    def add(self, person: DeskAttendee) -> None:
        a = person.attendee
        self.people.append(person)
        # no newline inside one attendee's text: a newline separates attendees in the joined string
        # the name's parts rather than display_name: the words are what is searched, and building the printed form
        # (script checks for family-name-first) for 50,000 people is most of an index's cost
        fields = (a.full_name, a.first_name, a.last_name, a.email, a.ticket_id, a.organization)
        self.text.append(" ".join(" ".join(fields).split()).casefold())
        self.by_key[person.key] = person
        code = ticket_code_key(a.ticket_id)
        if code:
            self.tickets.setdefault(code, person.key)
        self._joined = None

    def _prepared(self) -> tuple[str, list[int]]:
        if self._joined is None:
            self._starts, offset = [], 0
            for text in self.text:
                self._starts.append(offset)
                offset += len(text) + 1
            self._joined = "\n".join(self.text)
        return self._joined, self._starts

    def matches(self, words: list[str]) -> Iterator[int]:
        """Indexes of the attendees whose text holds every word, in order."""
        joined, starts = self._prepared()
        anchor = max(words, key=len)
        others = [w for w in words if w is not anchor]
        position = joined.find(anchor)
        while position != -1:
            i = bisect_right(starts, position) - 1
            if all(w in self.text[i] for w in others):
                yield i
            position = joined.find(anchor, starts[i] + len(self.text[i]) + 1)


@dataclass(frozen=True)
class Roster:
    job_id: str
    options_source: Any  # the job's RenderOptions, or a JobOptions that reads them on first use
    job: _Index
    walkins: _Index

    @property
    def options(self) -> Any:
        source = self.options_source
        return source.get() if isinstance(source, JobOptions) else source

    def _both(self) -> Iterator[_Index]:
        yield self.job
        yield self.walkins

    def get(self, key: str) -> DeskAttendee:
        for index in self._both():
            if key in index.by_key:
                return index.by_key[key]
        raise DeskNotFound("no_attendee", "No attendee with that key in this job.")

    def owner_of_ticket(self, code: str) -> str | None:
        key = ticket_code_key(code)
        return next((index.tickets[key] for index in self._both() if key in index.tickets), None)

    def search(self, query: str, limit: int = 20) -> tuple[list[DeskAttendee], int]:
        """Attendees whose name, email, ticket code or organization contains every word of `query`; an exact
        ticket code comes first (a scanned ticket). Returns the first `limit` and how many matched (counted up to
        MATCH_COUNT_CAP: past that the desk shows "1000+", and the person types another letter)."""
        words = " ".join(query.split()).casefold().split()
        if not words:
            return [], 0
        exact = self.owner_of_ticket(query)
        found: list[DeskAttendee] = [self.get(exact)] if exact is not None else []
        total = 0
        for index in self._both():
            for i in index.matches(words):
                total += 1
                person = index.people[i]
                if len(found) < limit and person.key != exact:
                    found.append(person)
                if total >= MATCH_COUNT_CAP and len(found) >= limit:
                    return found, total
        return found, total

    def __len__(self) -> int:
        return len(self.job.people) + len(self.walkins.people)


def attendee_from_walkin(data: Mapping[str, Any]) -> Attendee:
    values = {name: str(data.get(name) or "") for name in WALKIN_FIELDS}
    return Attendee(
        row=0,
        first_name=values["first_name"],
        last_name=values["last_name"],
        full_name=values["full_name"],
        organization=values["organization"],
        role=values["role"],
        email=values["email"],
        ticket_type=values["ticket_type"],
        ticket_id=values["ticket_id"],
    )


class JobOptions:
    """A job's render options, read on first use and then kept: a search never needs them (only a print does), so
    a roster read from the stored index answers searches without reading job.json, images or the CSV."""

    def __init__(self, load: Callable[[], Any]) -> None:
        self._load: Callable[[], Any] | None = load
        self._value: Any = None
        self._lock = threading.Lock()

    def get(self) -> Any:
        with self._lock:
            if self._load is not None:
                self._value, self._load = self._load(), None
            return self._value


_cache: OrderedDict[tuple[str, str, str], tuple[Any, _Index]] = OrderedDict()
_cache_lock = threading.Lock()


def finished_job(services: Services, uid: str, job_id: str) -> dict[str, Any]:
    """The job node of a finished, not deleted job, or a DeskRefused saying why it cannot be used at the desk."""
    job = services.db.get(job_paths.job_node(uid, job_id))
    if not isinstance(job, dict) or trash.is_deleted(job):
        raise DeskNotFound("not_found", "No such job.")
    if job.get("status") != "done":
        raise DeskNotReady(
            "job_not_done",
            "This job has not finished rendering, so its attendee list is not ready for the desk.",
            hint="Wait until the job is done, then open the desk again.",
        )
    return job


def load_roster(services: Services, uid: str, job_id: str) -> Roster:
    """The job's attendees (indexed once per process) and its walk-ins (read now)."""
    job = finished_job(services, uid, job_id)
    ref = parse_upload(str(job.get("source") or ""))
    if ref is None or ref.uid != uid or ref.job_id != job_id:
        raise DeskNotReady("no_source", "This job's attendee file is not known, so the desk cannot list it.")
    info = services.blobs.info(ref.csv_path)
    if info is None:
        raise DeskNotReady("source_gone", "This job's attendee file was deleted, so the desk cannot list it.")
    cache_key = (uid, job_id, desk_roster_store.source_tag(info.generation, info.size))
    with _cache_lock:
        cached = _cache.get(cache_key)
        if cached is not None:
            _cache.move_to_end(cache_key)
    if cached is None:
        cached = _stored(services, ref, cache_key[2]) or _built(services, ref, cache_key[2])
        with _cache_lock:
            _cache[cache_key] = cached
            while len(_cache) > CACHED_ROSTERS:
                _cache.popitem(last=False)
    walkins = _Index()
    for key, data in sorted(as_map(services.db.get(walkins_node(uid, job_id))).items()):
        if isinstance(data, dict):
            walkins.add(DeskAttendee(key, attendee_from_walkin(data), walk_in=True))
    return Roster(job_id, cached[0], cached[1], walkins)


def _index_of(attendees: Iterable[Attendee]) -> _Index:
    index = _Index()
    for attendee in attendees:
        index.add(DeskAttendee(f"r{attendee.row}", attendee))
    return index


def _stored(services: Services, ref: UploadRef, source: str) -> tuple[JobOptions, _Index] | None:
    """The index stored when the job finished (or by an earlier process's first build), without the CSV."""
    stored = desk_roster_store.load(services, ref.uid, ref.job_id, source)
    if stored is None:
        return None

    def options() -> Any:
        from badge_renderer.errors import BadgeForgeError
        from badgeforge.services.render_job import JobFailed, read_job_options

        try:
            return read_job_options(services, ref, stored.qr_field)
        except (BadgeForgeError, JobFailed) as err:
            raise DeskNotReady("source_unreadable", f"This job's settings cannot be read now: {err}") from err

    if stored.text is None or stored.tickets is None:
        return JobOptions(options), _index_of(stored.attendees)
    index = _Index(text=stored.text, tickets=stored.tickets)
    index.people = [DeskAttendee(f"r{a.row}", a) for a in stored.attendees]
    index.by_key = {person.key: person for person in index.people}
    return JobOptions(options), index


def _built(services: Services, ref: UploadRef, source: str) -> tuple[Any, _Index]:
    """Read the CSV (seconds at 50,000 rows) and store the index, so the next process skips this."""
    from badge_renderer.errors import BadgeForgeError
    from badgeforge.services.render_job import JobFailed, read_job_inputs

    try:
        table, options = read_job_inputs(services, ref)
    except (BadgeForgeError, JobFailed) as err:
        raise DeskNotReady("source_unreadable", f"This job's attendee file cannot be read now: {err}") from err
    return options, store_index(services, ref, source, table.attendees, getattr(options, "qr_field", None))


def store_index(
    services: Services, ref: UploadRef, source: str, attendees: Iterable[Attendee], qr_field: str | None
) -> _Index:
    """Index the job's rows and store that beside its badges (render_job calls this when the job finishes)."""
    people = list(attendees)
    index = _index_of(people)
    prepared = (index.text, index.tickets)
    desk_roster_store.save(services, ref.uid, ref.job_id, source, people, qr_field, prepared)
    return index
