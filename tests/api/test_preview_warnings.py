"""Before submit, the preview lists every warning the job will give: each row's shortened text (not only the badge
on screen), the reader's row issues and the design's notes, in the finished job's order, paged and as CSV."""

from __future__ import annotations

import csv
import io
import json

from badge_renderer.attendees import read_attendees
from badge_renderer.render import RenderOptions, render_pdf, select_for_options

from .conftest import upload_form

LONG = "Internationale Gesellschaft fuer angewandte Datenverarbeitung und Informationstechnik " * 3


def attendee_csv(rows: int = 330) -> bytes:
    lines = ["name,company,ticket type"]
    for i in range(rows):
        company = LONG if i % 2 else "ACME"
        lines.append(f"Person {i},{'=cmd ' + company if i == 5 else company},{'Speaker' if i % 3 else 'Staff'}")
    lines.append("Broken row,,,,,,")  # a reader warning: more fields than the header
    return ("\n".join(lines) + "\n").encode()


def expected(data: bytes, options: RenderOptions, tmp_path) -> list[dict]:
    """What the render job records: the reader's warnings, then render_pdf's (sheet, design, every row)."""
    table = read_attendees(data)
    selected = list(select_for_options(table.attendees, options))
    result = render_pdf(selected, options, tmp_path / "b.pdf")
    return [w.to_dict() for w in (*table.warnings, *result.warnings)]


def test_the_preview_lists_every_rows_warnings_as_the_job_will(env, tmp_path):
    headers = env.headers("organizer@example.com")
    data = attendee_csv()
    draft = env.client.post("/api/drafts", headers=headers, data=upload_form(data)).get_json()["id"]
    opts = {"design": "classic", "badge_size": "ID-1", "ticket_types": ["speaker"]}
    want = expected(data, RenderOptions(**{**opts, "ticket_types": ("speaker",)}, workers=1), tmp_path)
    assert len(want) > 100, "more than one page of warnings"
    got: list[dict] = []
    offset = 0
    while True:  # page through as the form does
        body = env.client.post(
            "/api/preview",
            headers=headers,
            data={"draft": draft, "options": json.dumps(opts), "warnings_offset": str(offset)},
        ).get_json()
        assert body["warning_count"] == len(want)
        got += body["warnings"]
        offset += len(body["warnings"])
        if offset >= body["warning_count"]:
            break
    assert [{key: w[key] for key in ("row", "column", "message")} for w in got] == want
    assert all(w["key"] for w in got), "each with its catalogue entry, for the page's language"
    rows = {w["row"] for w in got if w["row"]}
    assert body["badge"]["row"] == 3 and max(rows) > 300, "rows far from the previewed badge are listed too"

    response = env.client.post(
        "/api/preview/warnings.csv", headers=headers, data={"draft": draft, "options": json.dumps(opts)}
    )
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(table) == len(want) + 1
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in table for cell in row)
    assert any(cell.startswith("'=cmd") for row in table for cell in row), "the formula-like value is kept, quoted"


def test_a_badge_that_does_not_fit_is_the_layout_fields_error_not_the_files(env):
    headers = env.headers("organizer@example.com")
    draft = env.client.post("/api/drafts", headers=headers, data=upload_form(attendee_csv(3))).get_json()["id"]
    for options, field in (
        ({"margin_mm": 100}, "margin_mm"),
        ({"badge_size": "300x300mm"}, "badge_size"),
    ):
        response = env.client.post(
            "/api/preview", headers=headers, data={"draft": draft, "options": json.dumps(options)}
        )
        assert response.status_code == 400
        error = response.get_json()["error"]
        assert error["field"] == field and "does not fit" in error["message"], error


def test_options_that_share_the_row_check_give_the_same_row_warnings():
    """text_options is the cache key of the 50,000-row check: options it maps together must fit text the same."""
    from dataclasses import replace

    from badge_renderer.dry_run import text_warnings
    from badgeforge.api.preview_warnings import text_options
    from tests.unit.render.test_dry_run import people

    base = RenderOptions(design="classic", badge_size="ID-1", event_name="Conf")
    variants = [
        replace(base, event_name="A much longer event name that wraps onto two lines"),
        replace(base, accent="#00aa00", accents_by_type={"Speaker": "#123456"}, background_color="#fafafa"),
        replace(base, offset_x_mm=3, offset_y_mm=-2, crop_marks=True, pdfx=True),
        replace(base, qr_field="ticket_id", qr_kind="vcard"),
    ]
    selected = people()
    expected = text_warnings(selected, base)
    assert expected, "the fixture has row warnings to compare"
    for options in variants:
        assert text_options(options) == text_options(base)
        assert text_warnings(selected, options) == expected, options
    assert text_options(replace(base, event_name="")) != text_options(base), "an absent event name frees room"


def test_a_drafts_file_is_read_once_for_all_its_previews(env, monkeypatch):
    from badgeforge.api import uploads

    reads = []
    real = uploads.read_table
    monkeypatch.setattr(uploads, "read_table", lambda upload: reads.append(upload.mapping) or real(upload))
    headers = env.headers("organizer@example.com")
    draft = env.client.post("/api/drafts", headers=headers, data=upload_form(attendee_csv(30))).get_json()["id"]
    for row, event in ((0, ""), (3, ""), (5, "Conf")):
        data = {"draft": draft, "row": str(row), "options": json.dumps({"event_name": event})}
        assert env.client.post("/api/preview", headers=headers, data=data).status_code == 200
    assert len(reads) == 1
    mapped = {"draft": draft, "mapping": json.dumps({"full_name": "company"})}
    assert env.client.post("/api/preview", headers=headers, data=mapped).status_code == 200
    assert len(reads) == 2, "another mapping reads the file again"


def test_another_studio_document_is_checked_again_not_answered_from_memory():
    """The document is not in the options' repr: the cache key must still tell two documents apart."""
    from types import SimpleNamespace

    from badge_renderer.design_document import export_design, parse_document
    from badgeforge.api.preview_warnings import _key

    raw = export_design("classic")
    smaller = json.loads(json.dumps(raw))
    smaller["elements"][0]["box"]["width"] = smaller["elements"][0]["box"]["width"] / 2
    upload = SimpleNamespace(csv=attendee_csv(3), filename="a.csv", mapping={})
    first, second = (RenderOptions(design_document=parse_document(doc)) for doc in (raw, smaller))
    assert repr(first) == repr(second), "the documents differ only where the repr cannot see"
    assert _key(upload, first) != _key(upload, second)
    assert _key(upload, first) == _key(upload, RenderOptions(design_document=parse_document(raw)))
