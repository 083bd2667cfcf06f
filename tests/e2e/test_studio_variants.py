"""The studio edits what changes per ticket type and per attendee, backgrounds per side, and blank sizes, in Debian's
Chromium against a real `badgeforge serve`; each edit is saved, rendered through the real API and local runtime,
and read back from the PDF: page sizes (pypdf MediaBox), printed words (poppler's pdftotext) and pixel colours
(poppler's pdftoppm). Nothing is mocked."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import WAIT_MS
from .test_studio import open_studio, render_job
from .test_web_flow import add_user, screenshot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed"),
]

CSV = (
    b"First Name,Last Name,Company,Ticket Type,Table\n"
    b"Ada,Lovelace,Analytical Engines,Speaker,7\n"
    b"Grace,Hopper,US Navy,Attendee,\n"
)
RED = (0xCF, 0x22, 0x2E)
MM_PT = 72 / 25.4
ARTWORK = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 90 55">'
    b'<rect x="0" y="0" width="90" height="55" fill="#1f6feb"/></svg>'
)
HOSTILE = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="9" height="9"/></svg>'


def page_pixel(pdf: Path, page: int, x: float, y: float) -> tuple[int, int, int]:
    """The colour poppler paints at (x, y), fractions of page `page` (1-based)."""
    png = subprocess.run(
        ["pdftoppm", "-r", "30", "-f", str(page), "-l", str(page), "-png", str(pdf)], capture_output=True, check=True
    ).stdout
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return image.getpixel((int(image.width * x), int(image.height * y)))


def page_text(pdf: Path, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def near(colour: tuple[int, int, int], wanted: tuple[int, int, int], tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, wanted, strict=True))


def preview_pixel(page) -> tuple[int, int, int]:
    """A pixel near the top-left corner of the server's preview image, as the browser shows it."""
    shot = page.locator("#preview-image").screenshot()
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    return image.getpixel((int(image.width * 0.06), int(image.height * 0.06)))


def saved_design(server, token: str, title: str) -> dict:
    _, listed = server.api("GET", "/api/saved-designs", token)
    design_id = next(d["id"] for d in listed["designs"] if d["title"] == title)
    _, saved = server.api("GET", f"/api/saved-designs/{design_id}", token)
    return saved


def test_blank_size_colour_override_and_condition_print_as_set(server, new_page, tmp_path):
    add_user(server, "variants@example.com", usage=10)
    page, console = new_page(1280, 800)
    open_studio(page, server, "variants@example.com")

    # a free size out of the format's range is refused with the range, then 90 x 55 mm starts a blank badge
    page.get_by_label("Badge width (mm)").fill("500")
    page.get_by_label("Badge height (mm)").fill("55")
    page.get_by_role("button", name="Start blank").click()
    expect(page.locator("#studio-message")).to_have_text("Width and height must each be between 20 and 450 mm.")
    expect(page.get_by_label("Badge width (mm)")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Badge width (mm)").fill("90")
    page.get_by_role("button", name="Start blank").click()
    expect(page.locator("#canvas")).to_have_attribute("viewBox", "0 0 90 55")

    # the preview's CSV offers its columns and ticket types
    csv_file = tmp_path / "attendees.csv"
    csv_file.write_bytes(CSV)
    page.get_by_label("Attendee list (CSV) for the preview").set_input_files(str(csv_file))
    expect(page.locator("#type-overrides [data-type='Speaker']")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#type-overrides [data-type='Attendee']")).to_be_visible()

    # a text element that prints only when the row has a table number
    page.locator("#add-kind").select_option("text")
    page.get_by_role("button", name="Add element").click()
    page.locator("#prop-text").fill("Table {Table}")
    page.locator("#prop-text").press("Tab")
    page.get_by_role("button", name="Add condition").click()
    page.get_by_label("Condition 1: column").fill("Table")
    page.get_by_label("Condition 1: column").press("Tab")
    expect(page.locator("#when-0-test")).to_have_value("not_empty")
    # or when the ticket type is Speaker: a second condition, combined by "any"; the header "Ticket Type" is a
    # column the reader recognises, so the document names its field (ticket_type)
    page.get_by_role("button", name="Add condition").click()
    page.get_by_label("Condition 2: column").fill("Ticket Type")
    page.get_by_label("Condition 2: column").press("Tab")
    page.locator("#when-1-test").select_option("equals")
    page.locator("#when-1-value").fill("speaker")
    page.locator("#when-1-value").press("Tab")
    page.locator("#when-match").select_option("any")
    # a third one is removed again with the keyboard; the focus goes to "Add condition"
    page.get_by_role("button", name="Add condition").click()
    page.get_by_role("button", name="Remove condition 3").focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-condition]")).to_have_count(2)
    expect(page.locator("#when-add")).to_be_focused()
    expect(page.locator("#when-match")).to_have_value("any")

    # Speaker badges get a red background
    speaker = page.locator("#type-overrides [data-type='Speaker']")
    speaker.locator("summary").click()  # each ticket type's group opens (a <details>, by keyboard too)
    speaker.get_by_label("Background colour").fill("#cf222e")
    speaker.get_by_label("Background colour").press("Tab")
    # the preview's one-per-ticket-type stepper shows it: red for a speaker, white for an attendee
    page.get_by_role("button", name="Preview the first badge of type Speaker").click()
    expect(page.locator("#preview-status")).to_have_text(re.compile(r"\(Speaker\)"), timeout=WAIT_MS)
    expect(page.get_by_role("button", name="Preview the first badge of type Speaker")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert near(preview_pixel(page), RED), preview_pixel(page)
    page.get_by_role("button", name="Preview the first badge of type Attendee").click()
    expect(page.locator("#preview-status")).to_have_text(re.compile(r"\(Attendee\)"), timeout=WAIT_MS)
    assert near(preview_pixel(page), (255, 255, 255)), preview_pixel(page)

    screenshot(page, "studio-variants.png")
    page.locator("#design-title").fill("Variants 2026")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#studio-message")).to_have_text(re.compile("Saved as"), timeout=WAIT_MS)

    token = server.token("variants@example.com")
    saved = saved_design(server, token, "Variants 2026")
    document = saved["document"]
    assert document["size"] == {"width_mm": 90, "height_mm": 55}
    assert document["overrides"] == {"Speaker": {"colors": {"background": "#cf222e"}}}
    text = next(e for e in document["elements"] if e["kind"] == "text")
    assert text["when"] == [
        {"any": [{"column": "Table", "not_empty": True}, {"column": "ticket_type", "equals": "speaker"}]}
    ]

    pdf = render_job(server, token, {"design_id": saved["id"], "one_per_page": True}, tmp_path, "variants", CSV)
    reader = PdfReader(pdf)
    assert len(reader.pages) == 2
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(90 * MM_PT, abs=0.5)
    assert float(box.height) == pytest.approx(55 * MM_PT, abs=0.5)
    assert near(page_pixel(pdf, 1, 0.05, 0.05), RED)  # Ada, Speaker
    assert near(page_pixel(pdf, 2, 0.05, 0.05), (255, 255, 255))  # Grace, Attendee
    assert "Table 7" in page_text(pdf, 1) and "Ada" in page_text(pdf, 1)
    assert "Table" not in page_text(pdf, 2) and "Grace" in page_text(pdf, 2)  # no table, and not a speaker
    assert console.errors == []


def test_back_svg_background_is_uploaded_printed_and_a_hostile_svg_is_refused(server, new_page, tmp_path):
    add_user(server, "backs@example.com", usage=10)
    page, console = new_page(1280, 800)
    open_studio(page, server, "backs@example.com")
    page.get_by_label("Badge width (mm)").fill("90")
    page.get_by_label("Badge height (mm)").fill("55")
    page.get_by_role("button", name="Start blank").click()
    page.locator("#design-title").fill("Two sides")

    # the back is switched on with the keyboard; its background fields appear
    page.get_by_label("Two-sided: the badge has a back").focus()
    page.keyboard.press("Space")
    expect(page.locator("#background-back")).to_be_visible()
    expect(page.locator("#side-select")).to_be_enabled()

    hostile = tmp_path / "hostile.svg"
    hostile.write_bytes(HOSTILE)
    back_svg = page.locator("#background-back").get_by_label("SVG artwork (drawn over the image)")
    back_svg.set_input_files(str(hostile))  # not saved yet: the studio saves first, then uploads
    expect(page.locator("#background-status")).to_have_text(re.compile(r"contains <script>"), timeout=WAIT_MS)
    expect(page.locator("#background-back .small button")).to_have_count(0)

    artwork = tmp_path / "artwork.svg"
    artwork.write_bytes(ARTWORK)
    back_svg.set_input_files(str(artwork))
    expect(page.locator("#background-status")).to_have_text("“artwork.svg” uploaded.", timeout=WAIT_MS)
    expect(page.get_by_role("button", name="Remove the SVG artwork")).to_be_visible()

    # an image element shows an uploaded picture instead of the job's logo
    page.locator("#add-kind").select_option("image")
    page.get_by_role("button", name="Add element").click()
    expect(page.locator("#prop-asset")).to_have_value("")  # the job's logo
    red = tmp_path / "red.png"
    Image.new("RGB", (40, 40), RED).save(red)
    page.get_by_label("Upload an image for this element").set_input_files(str(red))
    expect(page.locator("#prop-asset")).to_have_value("image-image-1", timeout=WAIT_MS)
    page.locator("#prop-box-y").fill("40")  # below the name: its box is 40-51 mm down, 27-63 mm across
    page.locator("#prop-box-y").press("Tab")
    # a photo element: its column from the CSV's (a suggestion list) and a focal point, moved off the image
    page.locator("#add-kind").select_option("photo")
    page.get_by_role("button", name="Add element").click()
    expect(page.locator("#prop-column")).to_have_attribute("list", "studio-columns")
    expect(page.locator("#studio-columns option[value='Ticket Type']")).to_have_count(1)  # the sample CSV's
    page.locator("#prop-column").fill("Picture")
    page.locator("#prop-column").press("Tab")
    expect(page.locator("#prop-focus-x")).to_be_focused()  # Tab moves on: the panel is not redrawn under it
    page.locator("#prop-focus-x").fill("0.2")
    page.locator("#prop-focus-x").press("Tab")
    page.locator("#prop-box-x").fill("62")
    page.locator("#prop-box-x").press("Tab")
    # attendees get the uploaded picture as their front's background (a per-ticket-type background)
    attendee = page.locator("#type-overrides [data-type='Attendee']")
    attendee.locator("summary").focus()
    page.keyboard.press("Enter")
    attendee.get_by_label("Front background artwork").select_option("image-image-1")

    page.get_by_role("button", name="Save").click()
    expect(page.locator("#studio-message")).to_have_text(re.compile("Saved as"), timeout=WAIT_MS)

    token = server.token("backs@example.com")
    saved = saved_design(server, token, "Two sides")
    document = saved["document"]
    assert document["sides"] == ["front", "back"]
    assert document["backgrounds"] == {"back": {"svg": "background-back-svg"}}
    assert document["assets"] == {
        "background-back-svg": {"media_type": "image/svg+xml"},
        "image-image-1": {"media_type": "image/png"},
    }
    assert document["overrides"] == {
        "Attendee": {"backgrounds": {"front": {"color": "background", "image": "image-image-1"}}}
    }
    by_kind = {e["kind"]: e for e in document["elements"]}
    assert by_kind["image"]["asset"] == "image-image-1"
    assert by_kind["photo"]["column"] == "Picture" and by_kind["photo"]["focus"] == {"x": 0.2, "y": 0.5}

    options = {"design_id": saved["id"], "one_per_page": True, "sides": "duplex"}
    pdf = render_job(server, token, options, tmp_path, "two-sides", CSV)
    assert len(PdfReader(pdf).pages) == 4  # front and back of each of the two attendees
    assert near(page_pixel(pdf, 1, 0.5, 0.1), (255, 255, 255))  # the front keeps its white background
    assert near(page_pixel(pdf, 1, 0.5, 45.5 / 55), RED)  # the uploaded image, centred in its box
    assert near(page_pixel(pdf, 2, 0.5, 0.1), (0x1F, 0x6F, 0xEB))  # the back prints the artwork
    assert near(page_pixel(pdf, 3, 0.5, 0.1), RED)  # Grace is an attendee: her front has the picture behind it
    assert near(page_pixel(pdf, 4, 0.5, 0.1), (0x1F, 0x6F, 0xEB))
    assert console.errors == [] or all("400" in error for error in console.errors), console.errors
