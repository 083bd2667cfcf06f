"""Fuzzing design documents: an exported design with random values put into random properties (and random JSON).

Whatever arrives, validation answers with a list of problems (never a traceback), and a document it accepts
renders a badge or fails with the project's own error. The suite runs a small fixed profile;
BADGEFORGE_FUZZ_EXAMPLES=10000 runs the big one.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from badge_renderer.design_document import DesignDocumentError, document_problems, export_design, parse_document
from badge_renderer.errors import BadgeForgeError
from badge_renderer.model import Attendee
from badge_renderer.previews import sample_options
from badge_renderer.render import render_preview
from tests.hostile_inputs import SPECIALS, fuzz_settings

BASE = {name: export_design(name) for name in ("classic", "pass")}
PROPS = (
    "id", "kind", "side", "box", "rotation", "opacity", "when", "visible", "text", "column", "family", "weight",
    "style", "max_size", "min_size", "fit", "max_lines", "align", "valign", "color", "uppercase", "option",
    "grows_into", "emphasis", "asset", "focus", "data", "fill", "stroke", "stroke_width_mm", "radius_mm", "points",
)  # fmt: skip
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(SPECIALS)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
plausible = st.sampled_from(
    [0, -1, 5.9, 6, 400, 1e300, "", "#fff", "accent", "none", "wrap", "italic", "back", [], {}, [[0, 0], [1, 1]],
     {"x": 1, "y": 1, "width": 1, "height": 1}, {"x": -1e9, "y": 0, "width": 0, "height": 0},
     [{"column": "x", "not_empty": True}], [{"any": [{"any": [{"any": [{"job": "logo"}]}]}]}],
     {"column": "email"}, {"vcard": True}, "{first_name} {Table no.}", "{", "{|}"]
)  # fmt: skip


@st.composite
def mutated_documents(draw: st.DrawFn) -> dict[str, Any]:
    doc = copy.deepcopy(BASE[draw(st.sampled_from(sorted(BASE)))])
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(["element", "element", "top", "override"]))
        value = draw(plausible | json_values)
        if where == "element" and isinstance(doc.get("elements"), list) and doc["elements"]:
            element = doc["elements"][draw(st.integers(0, len(doc["elements"]) - 1))]
            if isinstance(element, dict):
                element[draw(st.sampled_from(PROPS))] = value
        elif where == "top":
            doc[draw(st.sampled_from(sorted(doc)))] = value
        elif isinstance(doc.get("overrides"), dict):
            doc["overrides"][draw(st.sampled_from(["speaker", "VIP", "new"]))] = value
    return doc


@fuzz_settings(15)
@given(mutated_documents())
def test_any_mutation_is_a_list_of_problems_or_a_drawable_design(doc: dict[str, Any]) -> None:
    text = json.dumps(doc)
    problems = document_problems(text)
    assert all(isinstance(p, str) and p for p in problems)
    if problems:
        event("refused")
        return
    event("accepted")
    options = sample_options("classic").with_changes(design_document=parse_document(text))  # type: ignore[attr-defined]
    person = Attendee(row=2, first_name="Ada", last_name="Lovelace", ticket_type="VIP", extra={"Table no.": "7"})
    try:
        render_preview(person, options, 24)
    except BadgeForgeError:
        event("render refused")


@fuzz_settings(15)
@given(json_values)
def test_any_json_is_refused_with_a_message(value: Any) -> None:
    try:
        parse_document(json.dumps(value))
    except DesignDocumentError as err:
        assert err.problems
    except BadgeForgeError as err:
        assert str(err)


@st.composite
def valid_documents(draw: st.DrawFn) -> dict[str, Any]:
    """Valid documents with hostile formats, turned and slanted elements and random column conditions."""
    doc = copy.deepcopy(BASE[draw(st.sampled_from(sorted(BASE)))])
    for element in doc["elements"]:
        element["rotation"] = draw(st.sampled_from([0, 0, 90, -45, 180, 359.5]))
        if element["kind"] == "text":
            element["text"] = draw(st.sampled_from(SPECIALS)) + " {first_name|Table no.}"
        if element["kind"] in ("name", "text", "event_name"):
            element["style"] = draw(st.sampled_from(["normal", "italic"]))
        if draw(st.booleans()):
            element["when"] = [{"column": draw(st.sampled_from(["Table no.", "email", "nope"])), "not_empty": True}]
    return doc


@fuzz_settings(5)
@given(valid_documents(), st.sampled_from(SPECIALS), st.sampled_from(SPECIALS))
def test_valid_documents_render_hostile_text(doc: dict[str, Any], first: str, table: str) -> None:
    assert document_problems(doc) == []
    options = sample_options(doc["name"]).with_changes(design_document=parse_document(doc), sides="duplex")  # type: ignore[attr-defined]
    person = Attendee(row=2, first_name=first, last_name="L", ticket_type="Speaker", extra={"Table no.": table})
    for side in ("front", "back"):
        png, _ = render_preview(person, options, 24, side)
        assert png.startswith(b"\x89PNG")
