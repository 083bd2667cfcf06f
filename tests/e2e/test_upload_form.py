"""The upload form in a real Chromium against a real `badgeforge serve`: options of every group reach the PDF,
impossible combinations are explained inline, the preview steps through rows and shows the printed sheet, every
warning is listed and downloadable, the button says what it costs, and a reload keeps the options.

Set BADGEFORGE_SCREENSHOTS=1 to also save docs/screenshots/form-desktop.png and form-phone.png.
axe-core is injected from tools/node_modules/axe-core (or BADGEFORGE_AXE_JS) and never served by the app.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import ROOT, WAIT_MS
from .test_web_flow import EXAMPLE_CSV, SCREENSHOTS, add_user, screenshot, sign_in

pytestmark = pytest.mark.e2e
MM = 72 / 25.4
AXE = Path(os.environ.get("BADGEFORGE_AXE_JS", ROOT / "tools" / "node_modules" / "axe-core" / "axe.min.js"))


def upload(page, path: Path = EXAMPLE_CSV) -> None:
    page.get_by_label("Choose a CSV file").set_input_files(str(path))
    expect(page.locator("#preview-status")).to_contain_text("Badge 1 of", timeout=WAIT_MS)


def wait_preview(page, text: str) -> None:
    expect(page.locator("#preview-status")).to_contain_text(text, timeout=WAIT_MS)


def make_and_download(page) -> bytes:
    page.locator("#submit").click()
    page.locator("#download").wait_for(state="visible", timeout=120_000)
    with page.expect_download() as info:
        page.locator("#download").click()
    return Path(info.value.path()).read_bytes()


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    (tmp_path / "b.pdf").write_bytes(pdf)
    return subprocess.run(["pdftotext", str(tmp_path / "b.pdf"), "-"], capture_output=True, text=True).stdout


def test_options_from_each_group_reach_the_pdf_and_the_button_counts_generations(server, new_page, tmp_path):
    add_user(server, "form@example.com", usage=1)
    page, console = new_page()
    sign_in(page, server, "form@example.com")
    expect(page.locator("#usage-note")).to_contain_text("1 of your 1 generation", timeout=WAIT_MS)
    upload(page)
    # Print: a custom badge size, one per page; Content: no pronouns; Look: event name and the pass design
    page.get_by_label("Badge size", exact=True).select_option("__custom__")
    page.get_by_label("Custom badge size").fill("100x70mm")
    page.get_by_label("One badge per page (badge printer)").check()
    page.get_by_label("Show pronouns").uncheck()
    page.get_by_label("Event name", exact=True).fill("Form Conf 2026")
    wait_preview(page, "Badge 1 of 40")
    expect(page.locator("#sheet-summary")).to_contain_text("1 badge per sheet", timeout=WAIT_MS)
    expect(page.locator("#usage-note")).to_have_text(re.compile("1 left, 0 after this"))
    pdf = make_and_download(page)
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (100, 70)
    assert len(reader.pages) == 40
    text = pdf_text(pdf, tmp_path)
    assert "Form Conf 2026" in text and "Ada" in text and "she/her" not in text
    # after the job: nothing left, and the button says so before any click
    expect(page.locator("#usage-note")).to_contain_text("no badge generations left", timeout=WAIT_MS)
    assert page.locator("#submit").is_disabled()
    assert console.errors == []


def test_impossible_combinations_are_explained_inline_before_submit(server, new_page):
    add_user(server, "inline@example.com")
    page, _ = new_page()
    sign_in(page, server, "inline@example.com")
    upload(page)
    page.get_by_label("Paper", exact=True).select_option("__custom__")
    page.get_by_label("Custom paper").fill("big")
    expect(page.locator("#opt-paper-error")).to_contain_text("like 100x70mm")
    assert page.locator("#opt-paper-custom").get_attribute("aria-invalid") == "true"
    assert page.locator("#submit").is_disabled()
    page.get_by_label("Paper", exact=True).select_option("A4")
    page.get_by_label("Label sheet").select_option("herma-4412")
    page.get_by_label("Sides").select_option("foldover")
    expect(page.locator("#opt-sides-error")).not_to_have_text("", timeout=WAIT_MS)  # the renderer's own refusal
    assert page.locator("#opt-badge-size").is_disabled(), "the label sheet sets the badge size itself"
    assert page.locator("#submit").is_disabled()
    page.get_by_label("Sides").select_option("single")
    wait_preview(page, "Badge 1 of")
    expect(page.locator("#opt-sides-error")).to_have_text("")
    expect(page.locator("#sheet-summary")).to_contain_text("10 badges per sheet", timeout=WAIT_MS)


def test_preview_stepper_sheet_view_back_side_and_reload_keeps_the_form(server, new_page):
    add_user(server, "stepper@example.com")
    page, console = new_page()
    sign_in(page, server, "stepper@example.com")
    upload(page)
    page.get_by_role("button", name="Next").click()
    wait_preview(page, "Badge 2 of 40: Grace Hopper")
    page.get_by_role("button", name="Previous").click()
    wait_preview(page, "Badge 1 of 40: Ada")
    page.get_by_role("button", name="Longest name").click()
    expect(page.locator("#preview-status")).not_to_contain_text("Badge 1 of", timeout=WAIT_MS)
    attendee = page.locator("#step-type option", has_text="Attendee").first.get_attribute("value")
    page.get_by_label("First of ticket type").select_option(attendee)
    expect(page.locator("#preview-status")).not_to_contain_text("Speaker", timeout=WAIT_MS)
    page.get_by_role("radio", name="Two-sided pass").check()
    page.get_by_label("Sides").select_option("duplex")
    page.get_by_role("button", name="Back", exact=True).wait_for(state="visible", timeout=WAIT_MS)
    page.get_by_role("button", name="Back", exact=True).click()
    wait_preview(page, ", back.")
    page.get_by_role("button", name="Printed sheet").click()
    summary = page.locator("#sheet-summary")
    expect(summary).to_contain_text("per sheet")
    expect(summary).to_contain_text("fronts and backs")
    assert page.locator("#sheet svg .slot").count() >= 1
    page.get_by_label("Event name", exact=True).fill("Kept Conf")
    page.reload()
    page.locator("#app").wait_for(state="visible")
    assert page.get_by_label("Event name", exact=True).input_value() == "Kept Conf"
    assert page.get_by_label("Sides").input_value() == "duplex"
    assert page.get_by_role("radio", name="Two-sided pass").is_checked()
    stored = page.evaluate("JSON.stringify(localStorage)")
    assert "Ada" not in stored and "Lovelace" not in stored, "no attendee data in the browser's storage"
    assert console.errors == []


def test_every_warning_is_listed_and_downloads_as_formula_safe_csv(server, new_page, tmp_path):
    add_user(server, "warn@example.com")
    long_name = "Very long organisation name " * 8
    rows = "".join(f"Person {i},{'=cmd' if i == 3 else long_name}{i}\n" for i in range(130))
    path = tmp_path / "long.csv"
    path.write_text("name,company\n" + rows)
    page, _ = new_page()
    sign_in(page, server, "warn@example.com")
    upload(page, path)
    expect(page.locator("#warnings-title")).to_contain_text("Warnings:", timeout=WAIT_MS)
    assert page.locator("#warnings li").first.inner_text().startswith("Row 2")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download warnings (CSV)").click()
    table = list(csv.reader(io.StringIO(Path(info.value.path()).read_text())))
    assert table[0] == ["row", "column", "warning"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in table for cell in row)
    page.locator("#submit").click()
    expect(page.locator("#job-warnings-title")).to_contain_text("Warnings of this job: ", timeout=120_000)
    total = int(page.locator("#job-warnings-title").inner_text().rsplit(" ", 1)[1])
    assert total >= 129, "every shortened organisation, not the first 200 of a capped list"
    assert page.locator("#job-warnings li").count() == 100
    page.get_by_role("button", name="Show more warnings").click()
    expect(page.locator("#job-warnings li")).to_have_count(min(total, 200), timeout=WAIT_MS)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download all warnings (CSV)").click()
    assert len(list(csv.reader(io.StringIO(Path(info.value.path()).read_text())))) == total + 1
    # the same job again: disabled until something changes; changed back, it asks first
    expect(page.locator("#usage-note")).to_contain_text("just made", timeout=WAIT_MS)
    assert page.locator("#submit").is_disabled()


def _axe(page) -> list[str]:
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed at {AXE} (npm install inside tools/)")
    page.add_script_tag(content=AXE.read_text())  # injected by the test, never served from web/
    found = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id + ': ' + v.help))"
    )
    return found


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 800, "form-desktop.png"), (390, 844, "form-phone.png")])
def test_the_form_is_accessible_and_fits_at_desktop_and_phone_sizes(server, browser, width, height, name):
    from .conftest import ConsoleLog

    add_user(server, f"axe{width}@example.com")
    # bypass_csp only so the test can inject axe-core; the page itself runs under the app's CSP everywhere else
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    console = ConsoleLog(page)
    sign_in(page, server, f"axe{width}@example.com")
    upload(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "nothing wider than the screen"
    unlabeled = page.evaluate(
        """[...document.querySelectorAll('input, select, textarea')]
            .filter(el => el.type !== 'hidden' && !el.closest('[hidden]') && !(el.labels && el.labels.length))
            .map(el => el.id || el.name)"""
    )
    assert unlabeled == []
    page.locator("#submit").focus()
    assert page.evaluate("document.activeElement.id") == "submit", "Make badges is reachable by keyboard"
    if os.environ.get("BADGEFORGE_SCREENSHOTS") and width > 1000:
        page.locator("#step-print").scroll_into_view_if_needed()  # the preview stays beside the form (sticky)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name))
    else:
        screenshot(page, name)
    try:
        assert _axe(page) == []
        assert console.errors == []
    finally:
        context.close()
