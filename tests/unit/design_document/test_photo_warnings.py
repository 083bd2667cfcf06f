"""The missing-photo warnings a job will give, found before it renders (design_document.photo_checks): the same
rows and words as the render's, under ticket-type overrides and conditions, without decoding a photo."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image

from badge_renderer.design_document import export_design, parse_document
from badge_renderer.design_document.photo_checks import photo_warnings
from badge_renderer.model import Attendee
from badge_renderer.photos import PhotoArchive
from badge_renderer.previews import sample_options
from badge_renderer.render import render_pdf


def _zip(files: dict[str, bytes]) -> PhotoArchive:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return PhotoArchive(out.getvalue())


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 200), (0, 80, 160)).save(out, "JPEG")
    return out.getvalue()


def _options(photos, **changes):
    doc = export_design("classic")
    doc["elements"] = [e for e in doc["elements"] if e["id"] != "qr"]
    doc["elements"].append(
        {
            "id": "photo",
            "kind": "photo",
            "column": "Photo",
            "box": {"x": 70, "y": 30, "width": 25, "height": 30},
            "when": [{"column": "Consent", "equals": "yes"}],
        }
    )
    doc["overrides"] = {"staff": {"hide": ["photo"]}}
    return sample_options("classic").with_changes(  # type: ignore[attr-defined]
        design_document=parse_document(doc), photos=photos, workers=1, **changes
    )


def _person(row: int, photo: str, ticket: str = "", consent: str = "yes") -> Attendee:
    extra = {"Photo": photo, "Consent": consent}
    return Attendee(row=row, first_name="Ada", last_name=f"L{row}", ticket_type=ticket, extra=extra)


PEOPLE = [
    _person(2, "here.jpg"),
    _person(3, "absent.jpg"),
    _person(4, ""),
    _person(5, "absent.jpg", ticket="Staff"),  # the staff variant hides the photo
    _person(6, "absent.jpg", consent="no"),  # the condition leaves it out
    _person(7, "HERE.JPG"),  # found by file name, any case
]


def test_the_dry_run_warns_exactly_where_the_render_prints_a_placeholder(tmp_path: Path) -> None:
    options = _options(_zip({"photos/here.jpg": _jpeg()}))
    rendered = [w for w in render_pdf(PEOPLE, options, tmp_path / "out.pdf").warnings if w.column == "Photo"]
    found = photo_warnings(PEOPLE, options)
    assert [(w.row, w.message) for w in found] == [(w.row, w.message) for w in rendered]
    assert [w.row for w in found] == [3, 4]


def test_without_a_zip_every_shown_photo_is_missing_and_bundled_designs_have_none() -> None:
    found = photo_warnings(PEOPLE, _options(None))
    assert [w.row for w in found] == [2, 3, 4, 7]
    assert "no photo ZIP was uploaded" in found[0].message
    assert photo_warnings(PEOPLE, sample_options("classic")) == []
