"""Design text formats: "{role|ticket_type}" fallbacks, the ticket type printed on every design, no repeated lines."""

from __future__ import annotations

from typing import Any

import cairocffi as cairo
import pytest

from badge_renderer.compose import BadgeComposer
from badge_renderer.designs import fill_format, format_fields, list_designs
from badge_renderer.model import Attendee
from badge_renderer.options import RenderOptions

DESIGNS = [d.name for d in list_designs()]


def test_fallback_takes_the_first_non_empty_field() -> None:
    speaker = Attendee(row=2, first_name="Ada", ticket_type="Speaker")
    assert fill_format("{role|ticket_type}", speaker.get) == ("Speaker", "ticket_type")
    keynote = Attendee(row=3, role="Keynote", ticket_type="Speaker", organization="Engines")
    assert fill_format("{role|ticket_type}", keynote.get) == ("Keynote", "role")
    assert fill_format("{role | ticket_type} · {organization}", keynote.get)[0] == "Keynote · Engines"
    only_org = Attendee(row=4, organization="X")
    assert fill_format("{role|pronouns} · {organization}", only_org.get) == ("X", "organization")
    assert fill_format("{role|ticket_type}", Attendee(row=5).get) == ("", "")
    assert format_fields("{role|ticket_type} · {organization}") == ("role", "ticket_type", "organization")


def printed_text(design: str, attendee: Attendee, side: str = "front") -> list[str]:
    """What the composer really draws as text lines for one badge side (the drawing itself still runs)."""
    composer = BadgeComposer(RenderOptions(design=design), 288, 216)
    seen: list[str] = []
    draw_line = composer._draw_line

    def recording(ctx: Any, value: str, *args: Any, **kwargs: Any) -> bool:
        seen.append(value)
        return draw_line(ctx, value, *args, **kwargs)

    composer._draw_line = recording  # type: ignore[method-assign]
    surface = cairo.ImageSurface(cairo.FORMAT_RGB24, 288, 216)
    composer.draw(cairo.Context(surface), attendee, 0, 0, side=side)
    return seen


@pytest.mark.parametrize("design", DESIGNS)
def test_every_design_prints_the_ticket_type_once_when_there_is_no_role(design: str) -> None:
    """The example CSV's "Ticket Type" (Eventyay "Ticket Name", pretix "Product") maps to ticket_type, not role."""
    ada = Attendee(row=2, first_name="Ada", last_name="Lovelace", organization="Engines", ticket_type="Speaker")
    lines = [line.casefold() for line in printed_text(design, ada)]
    assert lines.count("speaker") == 1, lines


@pytest.mark.parametrize("design", DESIGNS)
def test_a_role_without_a_ticket_type_is_printed_once(design: str) -> None:
    ada = Attendee(row=2, first_name="Ada", last_name="Lovelace", role="Speaker")
    lines = [line.casefold() for line in printed_text(design, ada)]
    assert sum("speaker" in line for line in lines) == 1, lines


@pytest.mark.parametrize("design", DESIGNS)
def test_role_and_ticket_type_both_show_when_they_differ(design: str) -> None:
    ada = Attendee(row=2, first_name="Ada", last_name="Lovelace", role="Keynote", ticket_type="Speaker")
    text = " | ".join(printed_text(design, ada)).casefold()
    assert "keynote" in text and "speaker" in text, text


def test_the_pass_back_shows_the_ticket_type_too() -> None:
    ada = Attendee(row=2, first_name="Ada", ticket_type="Staff")
    assert "STAFF" in [line.upper() for line in printed_text("pass", ada, side="back")]
