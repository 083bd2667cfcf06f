"""The design studio (/studio) in Debian's Chromium against a real `badgeforge serve`: drag the name, change its
font size, undo/redo, nudge with the keyboard, save, render a job with the saved design, and read the PDF's word
boxes (poppler's pdftotext -bbox) to see the name printed lower and smaller than the bundled design prints it.
On a phone the studio opens read-only; axe-core finds nothing serious at 1280x800 or 390x844."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import WAIT_MS
from .test_dead_links_and_email import serious_axe_findings
from .test_web_flow import add_user, screenshot, sign_in

pytestmark = pytest.mark.e2e

CSV = b"First Name,Last Name,Role,Company,Ticket Type\nAda,Lovelace,Speaker,Analytical Engines,Speaker\n"
PX_PER_MM = 96 / 25.4


def open_studio(page, server, address: str) -> None:
    sign_in(page, server, address, "/studio")
    page.locator("#canvas [data-id='name']").wait_for(state="visible")
    expect(page.locator("#preview-image")).to_be_visible(timeout=WAIT_MS)


def number(page, selector: str) -> float:
    return float(page.locator(selector).input_value())


def drag(page, selector: str, dx_mm: float, dy_mm: float, zoom: float = 1.5) -> None:
    page.locator(selector).scroll_into_view_if_needed()  # the shared header may push the canvas below the fold
    box = page.locator(selector).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):  # pointer events all the way, as a hand would move it
        page.mouse.move(x + dx_mm * PX_PER_MM * zoom * step / 10, y + dy_mm * PX_PER_MM * zoom * step / 10)
    page.mouse.up()


def render_job(server, token: str, options: dict, tmp_path: Path, name: str, csv: bytes = CSV) -> Path:
    """A job with `csv` through the real API and local runtime; the PDF as the download link serves it."""
    boundary = "studio-e2e-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="csv"; filename="a.csv"\r\n'.encode()
        + b"Content-Type: text/csv\r\n\r\n"
        + csv
        + b"\r\n",
        f'--{boundary}\r\nContent-Disposition: form-data; name="options"\r\n\r\n{json.dumps(options)}\r\n'.encode(),
        f"--{boundary}--\r\n".encode(),
    ]
    request = urllib.request.Request(server.url + "/api/jobs", data=b"".join(parts), method="POST")
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    with urllib.request.urlopen(request, timeout=60) as response:
        job_id = json.loads(response.read())["id"]
    for _ in range(600):
        _, job = server.api("GET", f"/api/jobs/{job_id}", token)
        if job.get("status") in ("done", "failed"):
            break
        time.sleep(0.2)
    assert job["status"] == "done", job
    _, linked = server.api("POST", f"/api/jobs/{job_id}/link", token, body={})
    path = tmp_path / f"{name}.pdf"
    with urllib.request.urlopen(linked["link"], timeout=60) as response:
        path.write_bytes(response.read())
    return path


def word_box(pdf: Path, word: str) -> tuple[float, float, float, float]:
    """(xMin, yMin, xMax, yMax) in points of the first `word` on page 1, from poppler's own text layout."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(
        rf'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">{re.escape(word)}</word>', html
    )
    assert found, html[:2000]
    return tuple(float(v) for v in found.groups())  # type: ignore[return-value]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_drag_resize_undo_save_and_render_moves_the_name_in_the_pdf(server, new_page, tmp_path):
    add_user(server, "designer@example.com", usage=5)
    page, console = new_page(1280, 800)
    open_studio(page, server, "designer@example.com")
    page.locator("#open-design").select_option("bundled:classic")
    page.get_by_role("button", name="Open", exact=True).click()
    page.locator("#canvas [data-id='name']").wait_for(state="visible")

    page.locator("[data-layer='name'] .layer-name").click()
    x0, y0 = number(page, "#prop-box-x"), number(page, "#prop-box-y")
    drag(page, "#canvas [data-id='name'] .outline", 0, 15)
    y1 = number(page, "#prop-box-y")
    assert 12 <= y1 - y0 <= 17, (y0, y1)
    assert number(page, "#prop-box-x") == pytest.approx(x0, abs=1.3)
    page.locator("#prop-max_size").fill("20")
    page.locator("#prop-max_size").press("Tab")
    assert json.loads(page.locator("#prop-max_size").input_value()) == 20

    # undo restores the size, then the position; redo brings both back
    page.locator("#canvas").focus()
    page.keyboard.press("Control+z")
    assert number(page, "#prop-max_size") == 40
    page.get_by_role("button", name="Undo").click()
    assert number(page, "#prop-box-y") == pytest.approx(y0)
    page.keyboard.press("Control+Shift+z")
    page.get_by_role("button", name="Redo").click()
    assert number(page, "#prop-box-y") == pytest.approx(y1) and number(page, "#prop-max_size") == 20

    # keyboard nudge: 1 mm, Shift 5 mm; undone again
    page.locator("#canvas [data-id='name']").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    nudged = number(page, "#prop-box-x")
    assert nudged - x0 == pytest.approx(6, abs=1.3)
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")
    assert number(page, "#prop-box-x") == pytest.approx(x0, abs=1.3)

    # snapping: 2.5 mm left brings the role's left edge (6.096) near the logo's (4.064): it lands on it; 1 mm
    # further it is nearer the safe-area line (3 mm) and lands on that
    page.locator("[data-layer='role'] .layer-name").click()
    drag(page, "#canvas [data-id='role'] .outline", -2.5, 0)
    assert number(page, "#prop-box-x") == pytest.approx(4.06)
    drag(page, "#canvas [data-id='role'] .outline", -1.0, 0)
    assert number(page, "#prop-box-x") == pytest.approx(3.0)
    # rotation: the round handle dragged to the right of the centre turns it a quarter, clockwise
    page.locator("#canvas [data-id='role'] [data-handle='rotate']").scroll_into_view_if_needed()  # above the box
    handle = page.locator("#canvas [data-id='role'] [data-handle='rotate']").bounding_box()
    outline = page.locator("#canvas [data-id='role'] .outline").bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    centre_y = outline["y"] + outline["height"] / 2
    page.mouse.move(outline["x"] + outline["width"] * 0.75, centre_y - 10)
    page.mouse.move(outline["x"] + outline["width"] * 1.2, centre_y)
    page.mouse.up()
    assert number(page, "#prop-rotation") == 90
    for _ in range(3):
        page.get_by_role("button", name="Undo").click()
    assert page.locator("#prop-rotation").input_value() == ""
    assert number(page, "#prop-box-x") == pytest.approx(6.096)

    page.locator("#design-title").fill("Gala 2026")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#studio-message")).to_have_text(re.compile("Saved as"), timeout=WAIT_MS)
    expect(page.locator("#preview-status")).to_have_text(re.compile("Badge 1 of"), timeout=WAIT_MS)
    screenshot(page, "studio.png")

    token = server.token("designer@example.com")
    _, listed = server.api("GET", "/api/saved-designs", token)
    design_id = next(d["id"] for d in listed["designs"] if d["title"] == "Gala 2026")
    # one badge per page: the page is the badge, upright, so PDF y is the badge's y
    plain = {"design": "classic", "one_per_page": True}
    bundled = word_box(render_job(server, token, plain, tmp_path, "bundled"), "Ada")
    studio = word_box(
        render_job(server, token, {"design_id": design_id, "one_per_page": True}, tmp_path, "studio"), "Ada"
    )
    # the upload form offers the saved design and prints with it
    csv_file = tmp_path / "attendees.csv"
    csv_file.write_bytes(CSV)
    page.goto(server.url + "/")
    page.locator("#app").wait_for(state="visible")
    page.get_by_label("Gala 2026").check()
    page.get_by_label("Choose a CSV file").set_input_files(str(csv_file))
    expect(page.locator("#preview-status")).to_have_text(re.compile(r"^\s*Badge 1 of"), timeout=WAIT_MS)
    page.get_by_role("button", name="Make badges").click()
    page.locator("#download").wait_for(state="visible", timeout=120_000)
    with page.expect_download() as download_info:
        page.locator("#download").click()
    from_form = tmp_path / "form.pdf"
    from_form.write_bytes(Path(download_info.value.path()).read_bytes())
    assert "Ada" in subprocess.run(["pdftotext", str(from_form), "-"], capture_output=True, text=True).stdout
    sent = [json.loads(p.read_text()) for p in server.home.rglob("job.json")]
    assert sum(1 for options in sent if options.get("design_id") == design_id) == 2, sent  # the API's and the form's
    moved_pt = (y1 - y0) * 72 / 25.4
    assert studio[1] - bundled[1] > moved_pt * 0.5, (bundled, studio)  # printed lower on the badge
    assert (studio[3] - studio[1]) < (bundled[3] - bundled[1]) * 0.8, (bundled, studio)  # and smaller
    assert console.errors == []


@pytest.fixture
def axe_page(browser):
    """A page whose context lets axe-core's script in (bypass_csp); the studio's own code needs no inline script,
    which the other tests check with the CSP on."""
    contexts = []

    def make(width: int, height: int):
        context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        return page

    yield make
    for context in contexts:
        context.close()


def test_the_studio_has_no_serious_accessibility_findings_on_a_laptop(server, axe_page):
    add_user(server, "axe@example.com", usage=1)
    page = axe_page(1280, 800)
    open_studio(page, server, "axe@example.com")
    page.locator("[data-layer='name'] .layer-name").click()  # the property panel open too
    page.locator("#prop-box-x").wait_for(state="visible")
    # the panels for conditions, ticket types and both sides' backgrounds open too
    page.get_by_role("button", name="Add condition").click()
    page.get_by_role("button", name="Add condition").click()
    page.locator("#when-match").wait_for(state="visible")
    page.get_by_label("Two-sided: the badge has a back").check()
    page.locator("#background-back").wait_for(state="visible")
    page.locator("#type-overrides [data-type]").first.wait_for(state="visible")
    assert serious_axe_findings(page) == []
    # a blank badge at a label preset's size: the canvas is that many millimetres, with a name to start from
    page.locator("#blank-size").select_option("preset:herma-4412")
    page.get_by_role("button", name="Start blank").click()
    expect(page.locator("#canvas")).to_have_attribute("viewBox", "0 0 80 50")
    assert page.locator("#canvas [data-id]").count() == 1
    assert page.locator("#canvas").get_attribute("width") == str(round(80 * PX_PER_MM * 1.5, 2))


def test_a_phone_opens_the_studio_read_only(server, new_page, axe_page):
    add_user(server, "phone@example.com", usage=1)
    page, console = new_page(390, 844)
    open_studio(page, server, "phone@example.com")
    expect(page.locator("#readonly-note")).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_be_hidden()
    expect(page.locator("#edit-tools")).to_be_hidden()
    before = page.locator("#canvas [data-id='name'] .outline").get_attribute("y")
    drag(page, "#canvas [data-id='name'] .outline", 0, 10)
    assert page.locator("#canvas [data-id='name'] .outline").get_attribute("y") == before
    assert console.errors == []
    checked = axe_page(390, 844)
    open_studio(checked, server, "phone@example.com")
    assert serious_axe_findings(checked) == []
