"""Design text formats: "{role|ticket_type}" fallbacks, the ticket type printed on every design, no repeated lines."""

from __future__ import annotations

from typing import Any

import cairocffi as cairo
import pytest

from badge_renderer.compose import BadgeComposer
from badge_renderer.designs import fill_format, format_fields, list_designs
from badge_renderer.model import Attendee
from badge_renderer.options import RenderOptions
from badge_renderer.text.stamps import TextStamp

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
    """What the composer really draws as text for one badge side, one entry per text stamp drawn (the event name
    in the static layer included; the drawing itself still runs)."""
    composer = BadgeComposer(RenderOptions(design=design), 288, 216)
    seen: list[str] = []
    draw = TextStamp.draw

    def recording(stamp: TextStamp, ctx: Any) -> None:
        seen.append(stamp.text.replace("\n", " "))
        draw(stamp, ctx)

    surface = cairo.ImageSurface(cairo.FORMAT_RGB24, 288, 216)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TextStamp, "draw", recording)
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


def ink_columns(design: str, attendee: Attendee, box: tuple[float, float, float, float]) -> tuple[int, int]:
    """Leftmost and rightmost columns of text inside `box` (fractions) of a 72 dpi preview (vs its corner colour)."""
    import io

    from PIL import Image, ImageChops

    from badge_renderer.render import render_preview_png

    image = Image.open(io.BytesIO(render_preview_png(attendee, RenderOptions(design=design), dpi=72))).convert("L")
    x, y, w, h = (round(v * s) for v, s in zip(box, (*image.size, *image.size), strict=True))
    crop = image.crop((x, y, x + w, y + h))
    background = Image.new("L", crop.size, crop.getpixel((0, 0)))
    left, _, right, _ = ImageChops.difference(crop, background).point(lambda v: 255 if v > 64 else 0).getbbox()
    return x + left, x + right


@pytest.mark.parametrize("design", ["classic", "modern"])
def test_organisation_lines_start_on_the_side_their_script_starts(design: str) -> None:
    """align "start": a Latin organisation hugs the left edge of its box, an Arabic one the right edge."""
    org = next(e for e in list_designs() if e.name == design).elements
    box = next(e.box for e in org if e.format == "{organization}")
    frac = (box.x, box.y, box.w, box.h)
    latin_left, latin_right = ink_columns(design, Attendee(row=2, first_name="A", organization="Engines Ltd"), frac)
    arabic_left, arabic_right = ink_columns(design, Attendee(row=2, first_name="A", organization="شركة المحركات"), frac)
    box_left, box_right = box.x * 288, (box.x + box.w) * 288
    assert latin_left - box_left < 6 and box_right - latin_right > 40
    assert box_right - arabic_right < 6 and arabic_left - box_left > 40


def test_manifests_accept_start_and_end_alignment(tmp_path: Any) -> None:
    import json

    from badge_renderer.designs import _parse_manifest

    (tmp_path / "static.svg.j2").write_text("<svg/>")
    elements = [{"kind": "text", "box": [0, 0, 1, 0.5], "align": a} for a in ("start", "end")]
    design = _parse_manifest(json.loads(json.dumps({"colors": {}, "elements": elements})), tmp_path)
    assert [e.align for e in design.elements] == ["start", "end"]
