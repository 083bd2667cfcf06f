"""QR codes that nothing covers go last on the own writer's page, stored uncompressed (their bits do not compress);
one that a later element overlaps stays where it was drawn, so what prints is the same either way."""

from __future__ import annotations

import io
import zlib
from dataclasses import replace

from badge_renderer.compose import BadgeComposer
from badge_renderer.options import RenderOptions
from badge_renderer.pdf_write.part import DirectPart
from badge_renderer.qr import fit_qr


def _code():
    return fit_qr("BEGIN:VCARD\r\nFN:Ada\r\nEND:VCARD\r\n", 150, 20.0, msb=True)[0]


def _page():
    part = DirectPart(io.BytesIO(), 300, 300)
    return part, part.page()


def test_a_code_on_top_is_stored_after_the_page_s_operators_in_its_slot() -> None:
    part, page = _page()
    page.begin_badge(10, 20, 0, 100, 80)
    page.ops.append(b"BT (text) Tj ET\n")
    page.write_qr(_code(), 5, 5, 40, on_top=True)
    page.ops.append(b"BT (after) Tj ET\n")
    page.end_badge()
    assert b"BI " not in page.content()
    codes = b"".join(page.codes)
    assert codes.startswith(b"q ") and b" 10.000 20.000 cm" in codes.split(b"\n")[0] and codes.endswith(b" Q Q\n")
    stream = part._deflate(page.content(), codes)
    assert zlib.decompress(stream) == page.content() + codes


def test_a_code_not_on_top_stays_in_place() -> None:
    _, page = _page()
    page.begin_badge(10, 20, 0, 100, 80)
    page.write_qr(_code(), 5, 5, 40)
    page.end_badge()
    assert b"BI " in page.content() and page.codes == []


def test_a_dropped_badge_takes_its_deferred_code_with_it() -> None:
    _, page = _page()
    page.begin_badge(0, 0, 0, 100, 80)
    page.write_qr(_code(), 5, 5, 40, on_top=True)
    page.end_badge()
    kept = list(page.codes)
    mark = page.begin_badge(100, 0, 0, 100, 80)
    page.write_qr(_code(), 5, 5, 40, on_top=True)
    page.drop_badge(mark)  # its drawing failed: the caller writes its blank
    page.end_badge()
    assert page.codes == kept


def test_the_composer_defers_a_code_only_when_no_later_element_overlaps_it() -> None:
    composer = BadgeComposer(RenderOptions(design="classic", qr_kind="vcard"), 288, 216)
    painters = composer._painters("front")
    qr = next(element for _, element in painters if element.kind == "qr")
    assert id(qr) in composer._codes_on_top  # classic's code is the last thing on the badge

    covering = replace(qr, kind="text", format="{role}")
    composer = BadgeComposer(RenderOptions(design="classic", qr_kind="vcard"), 288, 216)
    composer.design = replace(composer.design, elements=(*composer.design.elements, covering))
    painters = composer._painters("front")
    qr = next(element for _, element in painters if element.kind == "qr")
    assert id(qr) not in composer._codes_on_top


def test_a_sheet_s_codes_encoded_together_write_the_same_file(tmp_path, monkeypatch) -> None:
    """expect_codes (the codes of about CODE_BATCH badges, whole sheets, through qr.fit_many) changes no byte but
    the file's random /ID, and is asked with every attendee once."""
    import re

    from badge_renderer import compose
    from badge_renderer.model import Attendee
    from badge_renderer.render import render_pdf

    people = [
        Attendee(row=i + 2, first_name=f"Ada{i}", last_name="Lovelace" * (i % 3 + 1), email=f"a{i}@example.org")
        for i in range(45)
    ]
    options = RenderOptions(design="classic", qr_kind="vcard", workers=1)
    sheets = []
    real = compose.BadgeComposer.expect_codes
    monkeypatch.setattr(
        compose.BadgeComposer, "expect_codes", lambda self, a, s: (sheets.append(len(a)), real(self, a, s))
    )
    render_pdf(people, options, tmp_path / "together.pdf")
    assert sum(sheets) == len(people) and len(sheets) == 2  # 32 badges (eight sheets of four), then 13
    monkeypatch.setattr(compose.BadgeComposer, "expect_codes", lambda self, a, s: None)
    render_pdf(people, options, tmp_path / "one_by_one.pdf")

    def without_id(name: str) -> bytes:
        return re.sub(rb"/ID \[[^\]]*\]", b"", (tmp_path / name).read_bytes())

    assert without_id("together.pdf") == without_id("one_by_one.pdf")
