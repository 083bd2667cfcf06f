"""The upload form as an organizer uses it, in Chromium against a real `badgeforge serve`: the ticket-type colours
(prefilled with what prints, editable, reaching preview and PDF), colour pickers that never show a colour that
will not print, the gallery's back and QR-less thumbnails, the printable calibration page, every row's warnings
before submit matching the finished job's, a fixable file error that keeps the mapping and marks the field in
the form's words, and a job identical to one made minutes ago asking first."""

from __future__ import annotations

import base64
import io
import json
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import WAIT_MS, until
from .test_upload_form import upload, wait_preview
from .test_web_flow import add_user, sign_in

pytestmark = pytest.mark.e2e
MM = 72 / 25.4


def _share_of(png: bytes, rgb: tuple[int, int, int], tolerance: int = 40) -> float:
    """How much of the image is (about) this colour."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.thumbnail((200, 200))
    data = image.tobytes()
    pixels = [tuple(data[i : i + 3]) for i in range(0, len(data), 3)]
    near = sum(1 for p in pixels if all(abs(a - b) <= tolerance for a, b in zip(p, rgb, strict=True)))
    return near / len(pixels)


def _preview_png(page) -> bytes:
    src = page.locator("#preview-image").get_attribute("src")
    return base64.b64decode(src.split(",", 1)[1])


def test_a_ticket_types_colour_is_prefilled_editable_and_reaches_the_preview_and_pdf(server, new_page, tmp_path):
    add_user(server, "colours@example.com")
    page, console = new_page()
    sign_in(page, server, "colours@example.com")
    # before any file: the pickers show the design's own colours, not a made-up blue
    assert page.get_by_label("Accent colour").input_value() == "#1f6feb"
    assert page.get_by_label("Background colour").input_value() == "#ffffff"
    upload(page)
    speaker = page.get_by_label("Speaker", exact=True).and_(page.locator("input[type=color]"))
    expect(speaker).to_have_value("#cf222e", timeout=WAIT_MS)  # classic's built-in Speaker colour
    green = (0, 192, 0)
    assert _share_of(_preview_png(page), green) < 0.001
    before = page.locator("#preview-image").get_attribute("src")
    speaker.fill("#00c000")
    expect(page.locator("#preview-image")).not_to_have_attribute("src", before, timeout=WAIT_MS)
    wait_preview(page, "Badge 1 of 40: Ada")
    assert _share_of(_preview_png(page), green) > 0.02, "Ada is a Speaker: her band is the chosen green"
    page.locator("#submit").click()
    page.locator("#download").wait_for(state="visible", timeout=120_000)
    with page.expect_download() as info:
        page.locator("#download").click()
    pdf = Path(info.value.path())
    subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "p")], check=True)
    first_page = next(tmp_path.glob("p*.png")).read_bytes()
    assert _share_of(first_page, green) > 0.005, "the PDF prints the Speaker colour the organizer chose"
    assert console.errors == []


def test_the_gallery_shows_the_pass_back_and_leaves_out_the_qr_when_the_form_has_none(server, new_page):
    add_user(server, "gallery@example.com")
    page, console = new_page()
    sign_in(page, server, "gallery@example.com")
    card = page.locator("#design-pass-card")
    thumb = card.locator("img")
    expect(thumb).to_have_attribute("src", "/api/designs/pass/preview.png?qr=0")
    assert "--" not in card.inner_text(), "the description says what the form calls it, not a CLI flag"
    card.get_by_role("button", name="Show its back").click()
    expect(thumb).to_have_attribute("src", "/api/designs/pass/preview.png?qr=0&side=back")
    expect(card.get_by_role("button", name="Show its front")).to_have_attribute("aria-pressed", "true")
    upload(page)
    page.get_by_label("QR code", exact=True).select_option("ticket_id")
    expect(thumb).to_have_attribute("src", "/api/designs/pass/preview.png?side=back", timeout=WAIT_MS)
    thumb.scroll_into_view_if_needed()
    loaded = until(page, lambda: thumb.evaluate("img => img.complete && img.naturalWidth > 0"), timeout=10)
    assert loaded, "the back with its QR code loads"
    card.get_by_role("button", name="Show its front").click()
    expect(thumb).to_have_attribute("src", "/api/designs/pass/preview.png")
    assert page.locator("#design-classic-card img").get_attribute("src") == "/api/designs/classic/preview.png"
    assert console.errors == []


def test_the_print_group_downloads_a_calibration_page_for_its_paper_and_offsets(server, new_page, tmp_path):
    add_user(server, "calibrate@example.com")
    page, console = new_page()
    sign_in(page, server, "calibrate@example.com")
    page.get_by_label("Paper", exact=True).select_option("Letter")
    page.get_by_label("Printer offset right (mm)").fill("1.5")
    with page.expect_download() as info:
        page.get_by_role("button", name="Print a calibration page (PDF)").click()
    pdf = Path(info.value.path())
    assert info.value.suggested_filename == "printer-calibration.pdf"
    box = PdfReader(pdf).pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (216, 279)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "offset right +1.5 mm" in text and "Printer offset down" in text
    page.get_by_label("Paper", exact=True).select_option("__custom__")
    page.get_by_label("Custom paper").fill("100x150mm")
    page.get_by_role("button", name="Print a calibration page (PDF)").click()
    expect(page.locator("#calibration-error")).to_contain_text("at least 140 x 200 mm", timeout=WAIT_MS)
    assert all("status of 400" in line for line in console.errors)


def test_every_rows_warnings_before_submit_are_the_finished_jobs(server, new_page, tmp_path):
    add_user(server, "allrows@example.com")
    long = "Internationale Gesellschaft fuer Datenverarbeitung und Kommunikation " * 3
    lines = ["name,company"] + [f"Person {i},{long if i % 40 == 39 else 'ACME'}" for i in range(400)]
    path = tmp_path / "far.csv"
    path.write_text("\n".join(lines) + "\n")
    page, console = new_page()
    sign_in(page, server, "allrows@example.com")
    upload(page, path)
    expect(page.locator("#warnings-title")).to_contain_text("Warnings: ", timeout=WAIT_MS)
    listed = page.locator("#warnings li").all_inner_texts()
    assert any(item.startswith("Row 401") for item in listed), "row 401 is far from the badge on screen"
    before = page.locator("#warnings-title").inner_text().split(" ")[1]
    page.locator("#submit").click()
    expect(page.locator("#job-warnings-title")).to_contain_text("Warnings of this job: ", timeout=120_000)
    after = page.locator("#job-warnings-title").inner_text().rsplit(" ", 1)[1]
    assert before == after
    assert page.locator("#job-warnings li").all_inner_texts() == listed
    assert console.errors == []


def test_a_fixable_file_error_keeps_the_mapping_marks_the_field_and_names_no_flag(server, new_page, tmp_path):
    add_user(server, "mapping@example.com")
    bad = tmp_path / "handles.csv"
    bad.write_text("Handle,Company\nada,Analytical Engines\ngrace,Navy\n")
    page, console = new_page()
    sign_in(page, server, "mapping@example.com")
    page.get_by_label("Choose a CSV file").set_input_files(str(bad))
    expect(page.locator("#csv-error")).not_to_have_text("", timeout=WAIT_MS)
    assert "--" not in page.locator("#csv-error").inner_text()
    full_name = page.get_by_label("Full name (needed)")
    expect(full_name).to_be_visible()
    assert full_name.get_attribute("aria-invalid") == "true"
    assert page.locator("#submit").is_disabled()
    full_name.select_option("Handle")
    wait_preview(page, "Badge 1 of 2: ada")
    expect(page.locator("#csv-error")).to_have_text("")
    assert all("status of 400" in line for line in console.errors)


def test_the_same_job_again_after_a_reload_asks_first_and_cancel_spends_nothing(server, new_page):
    add_user(server, "twice@example.com", usage=3)
    page, console = new_page()
    sign_in(page, server, "twice@example.com")
    upload(page)
    expect(page.locator("#submit")).to_have_text("Make badges (uses 1 generation)")
    page.locator("#submit").click()
    page.locator("#download").wait_for(state="visible", timeout=120_000)
    expect(page.locator("#usage-note")).to_contain_text("just made", timeout=WAIT_MS)
    assert page.locator("#submit").is_disabled(), "disabled until something changes"
    page.get_by_label("Event name", exact=True).fill("Changed")
    expect(page.locator("#submit")).to_be_enabled(timeout=WAIT_MS)
    page.get_by_label("Event name", exact=True).fill("")
    expect(page.locator("#usage-note")).to_contain_text("just made", timeout=WAIT_MS)
    page.reload()
    page.locator("#app").wait_for(state="visible")
    upload(page)
    expect(page.locator("#usage-note")).to_contain_text("2 left, 1 after this", timeout=WAIT_MS)
    page.locator("#submit").click()
    expect(page.locator("#repeat-text")).to_contain_text("same options", timeout=WAIT_MS)
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator("#repeat-box")).to_be_hidden()
    token = server.token("twice@example.com")
    assert server.api("GET", "/api/me", token)[1]["usage_left"] == 2, "asking spent nothing"
    assert len(server.api("GET", "/api/jobs", token)[1]["jobs"]) == 1
    assert console.errors == []


def test_a_badge_too_big_for_the_paper_is_explained_beside_the_margin_not_as_a_file_error(server, new_page):
    add_user(server, "toobig@example.com")
    page, console = new_page()
    sign_in(page, server, "toobig@example.com")
    upload(page)
    page.get_by_label("Margin (mm)").fill("100")
    expect(page.locator("#opt-margin-mm-error")).to_contain_text("does not fit", timeout=WAIT_MS)
    expect(page.locator("#csv-error")).to_have_text("")
    expect(page.locator("#preview-status")).to_contain_text("fix the options")
    assert page.locator("#submit").is_disabled()
    page.get_by_label("Margin (mm)").fill("")
    wait_preview(page, "Badge 1 of 40")
    expect(page.locator("#opt-margin-mm-error")).to_have_text("")
    assert all("status of 400" in line for line in console.errors)


def test_a_vcard_qr_code_is_one_choice_not_a_column_plus_a_kind(server, new_page):
    add_user(server, "vcard@example.com")
    page, console = new_page()
    sign_in(page, server, "vcard@example.com")
    upload(page)
    assert page.locator("#opt-qr-kind").count() == 0, "no second select that a vCard would ignore"
    before = page.locator("#preview-image").get_attribute("src")
    page.get_by_label("QR code", exact=True).select_option(label="Contact card (vCard: name, organization, email)")
    expect(page.locator("#preview-image")).not_to_have_attribute("src", before, timeout=WAIT_MS)
    wait_preview(page, "Badge 1 of 40")
    expect(page.locator("#design-classic-card img")).to_have_attribute("src", "/api/designs/classic/preview.png")
    page.locator("#submit").click()
    page.locator("#download").wait_for(state="visible", timeout=120_000)
    job = max(server.home.rglob("uploads/*/*/job.json"), key=lambda path: path.stat().st_mtime)  # this one
    options = json.loads(job.read_text())
    assert options.get("qr_kind") == "vcard" and "qr_field" not in options
    assert console.errors == []
