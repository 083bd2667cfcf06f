"""A document names columns as the spreadsheet spells them ("Ticket Type", "First Name"); the reader has taken
those into attendee fields. `column_names.for_table` resolves them, so a condition or a format on such a column
prints as written in every path (job, CLI, preview, desk) — before, such a condition was always false."""

from __future__ import annotations

import io

from pypdf import PdfReader

from badge_renderer.attendees import read_attendees
from badge_renderer.column_names import for_table, resolve_design
from badge_renderer.design_document import export_design, parse_document
from badge_renderer.render import RenderOptions, render_pdf

CSV = b"First Name,Last Name,Ticket Type,Table\nAda,Lovelace,Speaker,4\nGrace,Hopper,Attendee,9\n"


def _document() -> dict:
    doc = export_design("minimal")
    doc["elements"].append(
        {
            "id": "table",
            "kind": "text",
            "text": "{First Name} sits at table {Table}",
            "box": {"x": 5, "y": 2, "width": 70, "height": 8},
            "max_size": 10,
            "min_size": 6,
            "when": [{"column": "Ticket Type", "equals": "speaker"}],
        }
    )
    return doc


def _pages_text(options: RenderOptions, table, tmp_path) -> list[str]:
    out = tmp_path / "out.pdf"
    render_pdf(table.attendees, options, out)
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(out.read_bytes())).pages]


def test_a_condition_and_a_format_on_recognised_columns_print_as_written(tmp_path):
    table = read_attendees(CSV)
    assert "Ticket Type" not in table.attendees[0].extra, "the reader took the column into a field"
    options = RenderOptions(design_document=parse_document(_document()), one_per_page=True, workers=1)
    before = _pages_text(options, table, tmp_path)
    assert not any("sits at table" in text for text in before), "the old lookup: the condition never held"
    after = _pages_text(for_table(options, table), table, tmp_path)
    assert "Ada sits at table 4" in after[0]
    assert "sits at table" not in after[1], "Grace is an attendee: the condition still decides"


def test_nothing_to_resolve_keeps_the_same_design_and_a_resolved_one_gets_its_own_cache_digest():
    design = parse_document(_document())
    assert resolve_design(design, lambda name: name) is design
    resolved = resolve_design(design, read_attendees(CSV).field_for)
    assert resolved is not design and resolved.document.digest != design.document.digest
    element = next(e for e in resolved.elements if e.id == "table")
    assert element.format == "{first_name} sits at table {Table}"
    assert element.when[0].column == "ticket_type"
