"""Design manifests (validation, safe area) and QR payloads (vCard escaping, CRLF lines)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badge_renderer.compose import BadgeComposer
from badge_renderer.designs import _parse_manifest, list_designs, load_design
from badge_renderer.errors import DesignError
from badge_renderer.model import Attendee
from badge_renderer.options import RenderOptions
from badge_renderer.qr import _vcard_escape, qr_payload

MM = 72 / 25.4


def test_unknown_and_path_like_design_names_are_refused() -> None:
    for name in ("nope", "../templates/classic", "fonts", "email", ""):
        with pytest.raises(DesignError):
            load_design(name)


def write_design(tmp_path: Path, manifest: dict[str, object]) -> Path:
    (tmp_path / "static.svg.j2").write_text("<svg/>")
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    return tmp_path


@pytest.mark.parametrize(
    "broken",
    [
        {"colors": {"accent": "red"}, "elements": []},
        {"colors": {}, "elements": [{"kind": "balloon", "box": [0, 0, 1, 1]}]},
        {"colors": {}, "elements": [{"kind": "text", "box": [0.5, 0.5, 0.9, 0.2]}]},
        {"colors": {}, "elements": [{"kind": "text", "box": [0, 0, 1, 1], "align": "justify"}]},
        {"colors": {}, "elements": [{"kind": "text", "box": [0, 0, 1, 1], "color": "url(#x)"}]},
        {"colors": {}, "elements": [], "back": {"elements": [{"kind": "qr", "box": [0, 0, 1, 1]}]}},
    ],
)
def test_malformed_manifests_are_refused(tmp_path: Path, broken: dict[str, object]) -> None:
    with pytest.raises((ValueError, KeyError, TypeError)):
        _parse_manifest(broken, write_design(tmp_path, {}))


@pytest.mark.parametrize("design", [d.name for d in list_designs()])
def test_every_text_box_stays_inside_the_safe_area(design: str) -> None:
    composer = BadgeComposer(RenderOptions(design=design), 288, 216)
    left, top, right, bottom = composer._safe  # the design's safe area, less on a badge smaller than its own size
    inset = composer.design.safe_area_mm * MM
    assert inset * 0.74 <= min(left, top) and max(left, top) <= inset + 1e-6  # 216 pt is 3/4 of a 3 x 4 in badge
    for element in (*composer.design.elements, *composer.design.back_elements):
        if element.kind in ("name", "text", "event_name", "qr"):
            x, y, w, h = composer._box(element)
            assert x >= left - 1e-6 and y >= top - 1e-6
            assert x + w <= right + 1e-6 and y + h <= bottom + 1e-6


@pytest.mark.parametrize("design", [d.name for d in list_designs()])
def test_the_whole_safe_area_applies_at_the_design_size_and_shrinks_only_on_smaller_badges(design: str) -> None:
    from badge_renderer.layout import parse_badge_size

    own = parse_badge_size(load_design(design).default_badge_size)
    inset = load_design(design).safe_area_mm * MM
    for width, height in ((own.width, own.height), (own.width * 2, own.height * 2)):
        left, top, right, bottom = BadgeComposer(RenderOptions(design=design), width, height)._safe
        assert (left, top) == pytest.approx((inset, inset))
        assert (width - right, height - bottom) == pytest.approx((inset, inset))
    half = BadgeComposer(RenderOptions(design=design), own.width / 2, own.height)._safe
    assert half[0] == pytest.approx(inset / 2) and half[1] == pytest.approx(inset)


def test_vcard_payload_escapes_separators() -> None:
    ada = Attendee(row=2, first_name="Ada", last_name="Love;lace", organization="Engines, Ltd", email="a@x.org")
    card = qr_payload(ada, "", "vcard")
    assert "N:Love\\;lace;Ada\r\n" in card and "ORG:Engines\\, Ltd" in card and "EMAIL:a@x.org" in card
    assert qr_payload(ada, "email") == "a@x.org"
    lines = card.split("\r\n")
    assert lines[0] == "BEGIN:VCARD" and lines[-2:] == ["END:VCARD", ""]  # every line ends in CRLF
    assert "\n" not in card.replace("\r\n", "")


def _vcard_by_lines(attendee: Attendee) -> str:
    """The vCard as RFC 2426 describes it, one escaped line per property: what qr_payload's one-pass build must
    give."""
    parts = [_vcard_escape(attendee.last_name), _vcard_escape(attendee.first_name)]
    lines = ["BEGIN:VCARD", "VERSION:3.0", "N:" + ";".join(parts if parts[1] else parts[:1])]
    lines.append("FN:" + _vcard_escape(attendee.display_name))
    for key, value in (("ORG", attendee.organization), ("TITLE", attendee.role), ("EMAIL", attendee.email)):
        if value.strip():
            lines.append(f"{key}:{_vcard_escape(value.strip())}")
    return "\r\n".join([*lines, "END:VCARD"]) + "\r\n"


_FIELD = st.text(alphabet=st.sampled_from("Aé ;,\\\r\n\t李"), max_size=6)


@settings(max_examples=150, deadline=None)
@given(_FIELD, _FIELD, _FIELD, _FIELD, _FIELD, _FIELD)
def test_the_vcard_payload_is_the_escaped_line_by_line_card(
    first: str, last: str, full: str, organization: str, role: str, email: str
) -> None:
    person = Attendee(
        row=2, first_name=first, last_name=last, full_name=full, organization=organization, role=role, email=email
    )
    assert qr_payload(person, "", "vcard") == _vcard_by_lines(person)
