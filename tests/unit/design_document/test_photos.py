"""Attendee photos from a ZIP: placed by a photo element's column, validated, EXIF-oriented, cropped to the box
(focal point), at most 300 dpi, embedded once; a missing or broken photo prints a placeholder and a row warning;
hostile ZIPs (bombs, traversal names, non-images, too many entries) are refused with a message naming the entry."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from PIL import Image

from badge_renderer import limits
from badge_renderer.design_document import export_design, parse_document
from badge_renderer.errors import ImageError
from badge_renderer.model import Attendee
from badge_renderer.photos import PhotoArchive
from badge_renderer.previews import sample_options
from badge_renderer.render import render_pdf, render_preview

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "images"
PHOTO_BOX = {"x": 70, "y": 30, "width": 25, "height": 30}  # mm: 295 x 354 px at 300 dpi


def _jpeg(size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=90)
    return out.getvalue()


def _zip(files: dict[str, bytes], *, method: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _design(**photo: Any) -> Any:
    doc = export_design("classic")
    doc["elements"] = [e for e in doc["elements"] if e["id"] != "qr"]
    doc["elements"].append({"id": "photo", "kind": "photo", "column": "Photo", "box": PHOTO_BOX, **photo})
    return parse_document(doc)


def _person(row: int, photo: str, ticket: str = "") -> Attendee:
    return Attendee(row=row, first_name="Ada", last_name=f"Lovelace{row}", ticket_type=ticket, extra={"Photo": photo})


def _images(pdf: Path) -> list[tuple[int, int]]:
    with pikepdf.open(pdf) as doc:
        seen: dict[tuple[int, int], tuple[int, int]] = {}
        for page in doc.pages:
            for _, image in page.get_images().items():
                seen[image.objgen] = (int(image.Width), int(image.Height))
        return list(seen.values())


def test_photos_are_placed_cropped_downscaled_and_embedded_once(tmp_path: Path) -> None:
    big = _jpeg((3000, 2000), (10, 120, 200))  # far more than 300 dpi of a 25 x 30 mm box
    options = sample_options("classic").with_changes(  # type: ignore[attr-defined]
        design_document=_design(), photos=PhotoArchive(_zip({"team/ada.jpg": big})), sides="duplex", workers=1
    )
    people = [_person(2, "ada.jpg"), _person(3, "ADA.JPG")]  # the same photo twice, found case-insensitively
    result = render_pdf(people, options, tmp_path / "out.pdf")
    assert [w for w in result.warnings if w.column == "Photo"] == []
    (size,) = _images(tmp_path / "out.pdf")  # one XObject for two badges, fronts and backs
    # cover: at least 300 dpi of the box on both sides, no more than needed on the tighter one
    assert size[1] == round(30 / 25.4 * 300) and size[0] >= round(25 / 25.4 * 300)
    assert size[0] < 3000


def test_missing_and_broken_photos_print_a_placeholder_with_a_row_warning(tmp_path: Path) -> None:
    archive = PhotoArchive(_zip({"broken.jpg": b"\xff\xd8not really a jpeg", "ok.jpg": _jpeg((400, 400), (0, 0, 0))}))
    options = sample_options("classic").with_changes(design_document=_design(), photos=archive, workers=1)  # type: ignore[attr-defined]
    people = [_person(2, "absent.jpg"), _person(3, "broken.jpg"), _person(4, ""), _person(5, "ok.jpg")]
    result = render_pdf(people, options, tmp_path / "out.pdf")
    warned = {(w.row, w.column): w.message for w in result.warnings if w.column == "Photo"}
    assert set(warned) == {(2, "Photo"), (3, "Photo"), (4, "Photo")}
    assert "'absent.jpg' is not in the photo ZIP; a placeholder was printed" in warned[(2, "Photo")]
    assert "'broken.jpg' cannot be used" in warned[(3, "Photo")]
    assert "no photo file name" in warned[(4, "Photo")]
    png, issues = render_preview(people[0], options, 100)
    assert [i.column for i in issues] == ["Photo"]  # the preview says so too
    box = [round(v / 25.4 * 100) for v in (PHOTO_BOX["x"] + 12, PHOTO_BOX["y"] + 8)]
    assert Image.open(io.BytesIO(png)).convert("RGB").getpixel(tuple(box))[0] in range(170, 230)  # grey placeholder


def test_exif_orientation_and_focal_point(tmp_path: Path) -> None:
    """exif-rotate-90.jpg is stored 60x30 (left half red, right half blue) and says 'rotate 90': upright, red is on
    top. A wide box shows the top of it centred; with the focus at the bottom, the blue half."""
    archive = PhotoArchive(_zip({"p.jpg": (FIXTURES / "exif-rotate-90.jpg").read_bytes()}))
    wide = {"x": 10, "y": 30, "width": 60, "height": 10}

    def centre_colour(focus: dict[str, float]) -> tuple[int, ...]:
        doc = export_design("classic")
        doc["elements"].append({"id": "photo", "kind": "photo", "column": "Photo", "box": wide, "focus": focus})
        options = sample_options("classic").with_changes(design_document=parse_document(doc), photos=archive)  # type: ignore[attr-defined]
        png, _ = render_preview(_person(2, "p.jpg"), options, 100)
        point = (round(40 / 25.4 * 100), round(35 / 25.4 * 100))
        return Image.open(io.BytesIO(png)).convert("RGB").getpixel(point)

    top = centre_colour({"x": 0.5, "y": 0.0})
    bottom = centre_colour({"x": 0.5, "y": 1.0})
    assert top[0] > 150 > top[2], top  # red: the image was turned upright before cropping
    assert bottom[2] > 150 > bottom[0], bottom


# ---- hostile ZIPs ----------------------------------------------------------------------------------------------
def _bomb() -> bytes:
    return _zip({"huge.png": b"\0" * 9_000_000}, method=zipfile.ZIP_DEFLATED)  # 9 MB of zeros in ~9 kB


def _lying_header() -> bytes:
    """An entry whose header declares 1 kB but holds 200 kB: the ratio check passes, the read must not."""
    data = bytearray(_zip({"a.jpg": b"x" * 200_000}))
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (1000).to_bytes(4, "little")  # uncompressed size in the central directory
    return bytes(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip", "not a ZIP archive"),
        (_zip({"../../etc/passwd.jpg": b"x"}), "points outside the archive"),
        (_zip({"/abs/a.jpg": b"x"}), "points outside the archive"),
        (_zip({"C:/Windows/a.jpg": b"x"}), "points outside the archive"),
        (_zip({"run.sh": b"#!/bin/sh"}), "'run.sh', which is not a photo"),
        (_bomb(), "looks like a zip bomb"),
        (_zip({f"p{i}.jpg": b"x" for i in range(limits.PHOTOS_MAX_ENTRIES + 1)}), "at most 5,000 are allowed"),
        (_zip({"a/x.jpg": b"1", "b/X.JPG": b"2"}), "two files named"),
    ],
    ids=["not-zip", "traversal", "absolute", "drive", "non-image", "bomb", "too-many", "duplicate"],
)
def test_hostile_zip_is_refused_naming_the_entry(data: bytes, message: str) -> None:
    with pytest.raises(ImageError, match=message) as caught:
        PhotoArchive(data)
    assert caught.value.column == "photos"


def test_entry_that_holds_more_than_it_declares_is_a_broken_photo_not_a_bomb() -> None:
    archive = PhotoArchive(_lying_header())
    with pytest.raises(ImageError):
        archive.read("a.jpg")


def test_operating_system_litter_is_ignored() -> None:
    archive = PhotoArchive(_zip({"__MACOSX/._a.jpg": b"x", ".DS_Store": b"x", "a.jpg": _jpeg((10, 10), (1, 2, 3))}))
    assert len(archive) == 1 and archive.read("a.jpg") and archive.read("b.jpg") is None
