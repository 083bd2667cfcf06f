"""Desk search over a prepared index: every word must match, file order, exact ticket first, counts capped."""

from __future__ import annotations

from badge_renderer.model import Attendee
from badgeforge.services import desk_roster
from badgeforge.services.desk_roster import DeskAttendee, Roster, _Index


def _roster(*people: Attendee, walkins: tuple[Attendee, ...] = ()) -> Roster:
    job, extra = _Index(), _Index()
    for person in people:
        job.add(DeskAttendee(f"r{person.row}", person))
    for i, person in enumerate(walkins):
        extra.add(DeskAttendee(f"w{i}", person, walk_in=True))
    return Roster("j", None, job, extra)


ADA = Attendee(row=2, full_name="Ada Lovelace", email="ada@engines.org", ticket_id="T-100", organization="Engines")
ADAM = Attendee(row=3, full_name="Adam Smith", email="adam@x.org", ticket_id="T-1001", organization="Glasgow\nUni")
GRACE = Attendee(row=4, full_name="Grace Hopper", email="grace@navy.mil", ticket_id="T-200", organization="Navy")


def test_every_word_must_match_anywhere_in_the_attendee() -> None:
    roster = _roster(ADA, ADAM, GRACE, walkins=(Attendee(row=0, full_name="Ada Walker"),))
    assert [p.key for p in roster.search("ada")[0]] == ["r2", "r3", "w0"]
    assert [p.key for p in roster.search("ADA  engines")[0]] == ["r2"]
    assert [p.key for p in roster.search("glasgow uni")[0]] == ["r3"]  # a newline in a cell is just a space
    assert roster.search("smith navy") == ([], 0)  # words from two different people do not make a match
    assert roster.search("   ") == ([], 0)


def test_an_exact_ticket_code_comes_first_and_is_not_repeated() -> None:
    roster = _roster(ADAM, ADA)
    found, total = roster.search("t-100")
    assert [p.key for p in found] == ["r2", "r3"] and total == 2


def test_counting_stops_at_the_cap_once_the_page_is_full(monkeypatch) -> None:
    monkeypatch.setattr(desk_roster, "MATCH_COUNT_CAP", 5)
    roster = _roster(*(Attendee(row=i, full_name=f"Person {i}") for i in range(2, 40)))
    found, total = roster.search("person", limit=3)
    assert len(found) == 3 and total == 5
    assert roster.search("person 17")[1] == 1
