"""Validation of design documents: each bad value is named by element (index and id) and property, says what to
do, and never surfaces as a traceback; the published JSON Schema agrees on the same cases."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from badge_renderer.design_document import DesignDocumentError, document_problems, export_design, parse_document
from badge_renderer.errors import DesignError

SCHEMA = json.loads((Path(__file__).resolve().parents[3] / "templates" / "design.schema.json").read_text())


def _classic() -> dict[str, Any]:
    return copy.deepcopy(export_design("classic"))


def _element(doc: dict[str, Any], element_id: str) -> dict[str, Any]:
    return next(e for e in doc["elements"] if e["id"] == element_id)


def _index(doc: dict[str, Any], element_id: str) -> int:
    return next(i for i, e in enumerate(doc["elements"]) if e["id"] == element_id)


def _bad_min_size(doc: dict[str, Any]) -> None:
    _element(doc, "name")["min_size"] = 4


def _bad_colour(doc: dict[str, Any]) -> None:
    _element(doc, "organization")["color"] = "reddish"


def _typo(doc: dict[str, Any]) -> None:
    _element(doc, "organization")["colour"] = "#ff0000"


def _box_outside(doc: dict[str, Any]) -> None:
    _element(doc, "qr")["box"]["x"] = 95.0


def _unknown_kind(doc: dict[str, Any]) -> None:
    _element(doc, "qr")["kind"] = "barcode"


def _bad_fit(doc: dict[str, Any]) -> None:
    _element(doc, "organization")["fit"] = "squash"


def _duplicate_id(doc: dict[str, Any]) -> None:
    _element(doc, "organization")["id"] = "role"


def _bad_condition(doc: dict[str, Any]) -> None:
    _element(doc, "organization")["when"] = [{"column": "table", "contains": "x"}]


def _missing_asset(doc: dict[str, Any]) -> None:
    _element(doc, "logo")["asset"] = "sponsor-logo"


def _unknown_override_element(doc: dict[str, Any]) -> None:
    doc["overrides"]["speaker"]["hide"] = ["not-there"]


CASES = {
    "min_size below 6 pt": (_bad_min_size, "name", "min_size", "from 6"),
    "colour that is no colour": (_bad_colour, "organization", "color", "#rrggbb"),
    "misspelt property": (_typo, "organization", "colour", "did you mean 'color'"),
    "box off the badge": (_box_outside, "qr", "box", "inside the 101.6 x 76.2 mm badge"),
    "unknown kind": (_unknown_kind, "qr", "kind", "choose one of"),
    "unknown fit": (_bad_fit, "organization", "fit", "shrink, wrap, ellipsis"),
    "duplicate id": (_duplicate_id, "organization", "id", "its own"),
    "bad condition": (_bad_condition, "organization", "when", "not_empty"),
    "missing asset": (_missing_asset, "logo", "asset", "not in assets"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_problem_names_element_property_and_what_to_do(case: str) -> None:
    change, element_id, prop, advice = CASES[case]
    doc = _classic()
    index = _index(doc, element_id)
    change(doc)
    problems = document_problems(json.dumps(doc))
    assert len(problems) == 1, problems
    shown_id = doc["elements"][index]["id"]  # the duplicate case renames it
    assert problems[0].startswith(f'elements[{index}] (id "{shown_id}"): {prop}'), problems[0]
    assert advice in problems[0]


def test_every_problem_is_reported_at_once_and_render_refuses_with_a_design_error() -> None:
    doc = _classic()
    for change, *_ in CASES.values():
        change(doc) if change is not _duplicate_id else None
    with pytest.raises(DesignDocumentError) as caught:
        parse_document(doc, filename="mine.json")
    assert len(caught.value.problems) >= 7  # the unknown kind hides that element's other properties
    assert str(caught.value).startswith("mine.json, column 'design_file': The design document is not valid")


def test_override_naming_an_unknown_element() -> None:
    doc = _classic()
    _unknown_override_element(doc)
    (problem,) = document_problems(doc)
    assert problem.startswith('overrides["speaker"]: hide') and "not-there" in problem


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not valid JSON (line 1, column 2)"),
        (b"[]", "must be a JSON object"),
        (b'{"format": "something-else", "version": 1}', '"badgeforge-design"'),
        (json.dumps({**export_design("minimal"), "version": 2}).encode(), "not a version this BadgeForge reads"),
        (b"\xff\xfe\x00", "not valid JSON"),
    ],
)
def test_not_a_document(data: bytes, message: str) -> None:
    problems = document_problems(data)
    assert problems and message in problems[0], problems


def test_document_size_is_capped_before_parsing() -> None:
    from badge_renderer import limits

    with pytest.raises(DesignError, match="more than 20 MB"):
        parse_document(b" " * (limits.DESIGN_MAX_BYTES + 1))


def test_too_many_elements() -> None:
    doc = _classic()
    doc["elements"] = [dict(_element(doc, "top-band"), id=f"r{i}") for i in range(201)]
    (problem,) = document_problems(doc)
    assert problem == "elements: has 201 entries; at most 200 are allowed"


def test_deeply_nested_json_is_a_clear_error() -> None:
    problems = document_problems(b"[" * 100_000 + b"]" * 100_000)
    assert problems and "not valid JSON" in problems[0]


# ---- the published schema agrees ------------------------------------------------------------------------------
def _schema_errors(doc: Any) -> list[str]:
    import jsonschema

    return [e.message for e in jsonschema.Draft202012Validator(SCHEMA).iter_errors(doc)]


@pytest.mark.parametrize("name", ["classic", "conference", "minimal", "modern", "pass"])
def test_schema_accepts_every_exported_design(name: str) -> None:
    assert _schema_errors(export_design(name)) == []


@pytest.mark.parametrize(
    "case", [c for c in sorted(CASES) if c not in ("duplicate id", "box off the badge", "missing asset")]
)
def test_schema_rejects_what_the_validator_rejects(case: str) -> None:
    doc = _classic()
    CASES[case][0](doc)
    assert _schema_errors(doc), case


def test_a_column_name_that_would_read_as_a_format_is_refused() -> None:
    doc = _classic()
    doc["elements"].append(
        {"id": "t", "kind": "text", "column": "a|b", "box": {"x": 1, "y": 1, "width": 5, "height": 5}}
    )
    (problem,) = document_problems(doc)
    assert problem.startswith(f'elements[{len(doc["elements"]) - 1}] (id "t"): column') and "rename it" in problem
