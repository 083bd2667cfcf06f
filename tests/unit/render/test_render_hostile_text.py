"""Hostile and odd text never fails a job: unprintable characters are dropped (bytes -> reader -> PDF), a badge
whose drawing fails is left blank with a row issue, and only a job where every badge fails is an error."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from badge_renderer.attendees import read_attendees
from badge_renderer.errors import RenderError
from badge_renderer.model import Attendee
from badge_renderer.render import RenderOptions, render_pdf, render_preview_png

UNPRINTABLE = ["\ufffe", "\uffff", "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff", "\ue000", "\u0378", "\u202e"]


@pytest.mark.parametrize("bad", UNPRINTABLE)
def test_an_unprintable_character_in_any_field_still_makes_the_badge(tmp_path: Path, bad: str) -> None:
    data = f"Name,Company,Role,Ticket ID\nA{bad}da,Eng{bad},{bad}Speaker,T{bad}1\nGrace,Navy,Chair,T2\n".encode()
    table = read_attendees(data)
    options = RenderOptions(qr_field="ticket_id", event_name=f"Conf{bad}")
    result = render_pdf(table.attendees, options, tmp_path / "badges.pdf")
    assert result.badges == 2
    text = PdfReader(tmp_path / "badges.pdf").pages[0].extract_text()
    assert "Ada" in text and "Grace" in text
    assert {w.column for w in table.warnings} == {"Name", "Company", "Role", "Ticket ID"}


def test_attendees_built_by_a_library_caller_are_cleaned_when_fitted(tmp_path: Path) -> None:
    """The reader is not the only door: text that reaches fitting directly is cleaned there by the same rule."""
    people = [Attendee(row=2, full_name="A\ufdd0da\ud800", organization="\U0001fffe"), Attendee(row=3, full_name="B")]
    result = render_pdf(people, RenderOptions(), tmp_path / "badges.pdf")
    assert result.badges == 2 and not any("could not be drawn" in w.message for w in result.warnings)
    assert render_preview_png(people[0], RenderOptions()).startswith(b"\x89PNG")


def test_the_event_name_from_job_json_is_cleaned_to_one_printable_line() -> None:
    options = RenderOptions.from_dict({"event_name": "Py\ufffeCon\ud800\n2026\u202e"})
    assert options.event_name == "PyCon 2026"


@pytest.fixture
def failing_qr(monkeypatch: pytest.MonkeyPatch) -> str:
    """Fault injection: no known input makes a badge's drawing fail any more (text is cleaned, an over-long QR value
    becomes a row warning), so the QR drawing is made to raise for one value, as an unknown bug would."""
    import badge_renderer.compose as compose

    boom = "BOOM"
    payloads: list[str] = []
    real_draw, real_payload = compose.draw_qr, compose.qr_payload

    def qr_payload(*args, **kwargs):
        payloads.append(real_payload(*args, **kwargs))
        return payloads[-1]

    def draw_qr(*args, **kwargs):
        if payloads and payloads[-1] == boom:
            raise RuntimeError("cairo said no (injected)")
        return real_draw(*args, **kwargs)

    real_sheet_draw = compose.QrSheet.draw

    def sheet_draw(sheet, ctx, key, *args, **kwargs):  # a PDF job draws its codes from the sheet's image
        if key[0] == boom:
            raise RuntimeError("cairo said no (injected)")
        return real_sheet_draw(sheet, ctx, key, *args, **kwargs)

    from badge_renderer.pdf_write.page import DirectPage

    real_write_qr = DirectPage.write_qr
    encoded: dict[int, tuple[object, str]] = {}  # id(code) -> (the code, pinned; its text)
    real_fit, real_many = compose.fit_qr, compose.fit_many

    def fit_qr(text, *args, **kwargs):
        found = real_fit(text, *args, **kwargs)
        if found:
            encoded[id(found[0])] = (found[0], text)
        return found

    def fit_many(texts, *args, **kwargs):  # the own writer encodes a sheet's codes before drawing it
        found = real_many(texts, *args, **kwargs)
        for text, fitted in zip(texts, found, strict=True):
            if fitted:
                encoded[id(fitted[0])] = (fitted[0], text)
        return found

    def write_qr(page, code, *args, **kwargs):  # BadgeForge's own PDF writer
        if encoded.get(id(code), (None, ""))[1] == boom:
            raise RuntimeError("cairo said no (injected)")
        return real_write_qr(page, code, *args, **kwargs)

    monkeypatch.setattr(compose, "qr_payload", qr_payload)
    monkeypatch.setattr(compose, "draw_qr", draw_qr)
    monkeypatch.setattr(compose.QrSheet, "draw", sheet_draw)
    monkeypatch.setattr(DirectPage, "write_qr", write_qr)
    monkeypatch.setattr(compose, "fit_qr", fit_qr)
    monkeypatch.setattr(compose, "fit_many", fit_many)
    return boom


def test_a_qr_value_too_long_for_any_code_is_a_row_warning_not_a_failure(tmp_path: Path) -> None:
    """It used to fail the whole job (segno's DataOverflowError)."""
    people = [
        Attendee(row=2, full_name="Ada", ticket_id="😀" * 1000),
        Attendee(row=3, full_name="Grace", ticket_id="T"),
    ]
    result = render_pdf(people, RenderOptions(qr_field="ticket_id"), tmp_path / "badges.pdf")
    assert result.badges == 2
    assert [w.row for w in result.warnings if "too much text" in w.message] == [2]


def test_a_badge_whose_drawing_fails_becomes_a_row_issue(tmp_path: Path, failing_qr: str) -> None:
    people = [Attendee(row=2, full_name="Ada", ticket_id=failing_qr), Attendee(row=3, full_name="Grace", ticket_id="T")]
    result = render_pdf(people, RenderOptions(qr_field="ticket_id"), tmp_path / "badges.pdf")
    assert result.badges == 2
    failed = [w for w in result.warnings if "could not be drawn" in w.message]
    assert [w.row for w in failed] == [2]
    assert "Grace" in PdfReader(tmp_path / "badges.pdf").pages[0].extract_text()


def _name_positions(pdf: Path) -> dict[str, tuple[int, float, float]]:
    """Where each name starting with 'P' is drawn: (page, x, y) of its text matrix."""
    found: dict[str, tuple[int, float, float]] = {}
    for number, page in enumerate(PdfReader(pdf).pages):

        def visit(text, cm, tm, font, size, number=number):
            if text.strip().startswith("P"):
                found[text.strip()] = (number, round(cm[4] + tm[4], 1), round(cm[5] + tm[5], 1))

        page.extract_text(visitor_text=visit)
    return found


def test_a_badge_that_fails_does_not_shift_the_ones_after_it(tmp_path: Path, failing_qr: str) -> None:
    """The failed badge's context is replaced, so no half-done translate moves the badges that follow."""
    people = [Attendee(row=r, full_name=f"P{r}", ticket_id=failing_qr if r == 5 else "T") for r in range(2, 30)]
    plain = [Attendee(row=r, full_name=f"P{r}", ticket_id="T") for r in range(2, 30)]
    result = render_pdf(people, RenderOptions(qr_field="ticket_id"), tmp_path / "failed.pdf")
    assert [w.row for w in result.warnings if "could not be drawn" in w.message] == [5]
    render_pdf(plain, RenderOptions(qr_field="ticket_id"), tmp_path / "plain.pdf")
    failed, reference = _name_positions(tmp_path / "failed.pdf"), _name_positions(tmp_path / "plain.pdf")
    failed.pop("P5", None)  # painted over with the blank badge (its text may stay in the content stream)
    assert {name: where for name, where in reference.items() if name != "P5"} == failed


def test_a_job_where_every_badge_fails_is_an_error(tmp_path: Path, failing_qr: str) -> None:
    people = [Attendee(row=2, full_name="Ada", ticket_id=failing_qr)]
    with pytest.raises(RenderError) as caught:
        render_pdf(people, RenderOptions(qr_field="ticket_id"), tmp_path / "badges.pdf")
    assert caught.value.code == "render_failed" and "injected" in str(caught.value)


def test_a_cairo_error_while_a_code_is_painted_fails_only_that_badge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cairo_writer: None
) -> None:
    """The sheet paints through direct libcairo calls without a status check of its own: BadgeComposer.draw checks
    cairo's status once per badge, which must still catch an error the painting left (fault injection: one restore
    too many, CAIRO_STATUS_INVALID_RESTORE, for one value)."""
    import cairocffi

    import badge_renderer.compose as compose

    real_sheet_draw = compose.QrSheet.draw

    def sheet_draw(sheet, ctx, key, *args, **kwargs):
        real_sheet_draw(sheet, ctx, key, *args, **kwargs)
        if key[0] == "BROKEN":
            cairocffi.cairo.cairo_restore(ctx._pointer)
            cairocffi.cairo.cairo_restore(ctx._pointer)
            cairocffi.cairo.cairo_restore(ctx._pointer)

    monkeypatch.setattr(compose.QrSheet, "draw", sheet_draw)
    people = [Attendee(row=2, full_name="Ada", ticket_id="BROKEN"), Attendee(row=3, full_name="Grace", ticket_id="T")]
    result = render_pdf(people, RenderOptions(qr_field="ticket_id", workers=1), tmp_path / "badges.pdf")
    assert [w.row for w in result.warnings if "could not be drawn" in w.message] == [2]
    assert "Grace" in PdfReader(tmp_path / "badges.pdf").pages[0].extract_text()
