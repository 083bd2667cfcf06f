"""Images and photos go up once: in a real Chromium against a real `badgeforge serve`, a background and a photo ZIP
chosen in the form are sent to the server once (playwright's network log), every preview names them by draft id,
the missing photo is a warning before submit and on the job, the PDF has the photo, and a reload keeps the files.

BADGEFORGE_ASSET_BENCH=1 runs it with a 4 MB CSV and a 2 MB background and prints the bytes each preview sends.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from badge_renderer.design_document import export_design

from .conftest import WAIT_MS, HeldRequests, until
from .test_upload_form import make_and_download, wait_preview
from .test_web_flow import add_user, sign_in

pytestmark = pytest.mark.e2e
BENCH = bool(os.environ.get("BADGEFORGE_ASSET_BENCH"))
PHOTO_BLUE = (20, 90, 200)


def _files(tmp_path: Path) -> dict[str, Path]:
    rows = ["Ada,Lovelace,ada.jpg", "Alan,Turing,alan.jpg", "Grace,Hopper,grace.jpg"]
    if BENCH:  # 4 MB: the same three people first, then enough rows of a long note column
        note = "n" * 380
        rows = [f"{r},{note}" for r in rows] + [f"Guest,{i},ada.jpg,{note}" for i in range(10_400)]
    header = "First Name,Last Name,Photo" + (",Notes" if BENCH else "")
    paths = {"csv": tmp_path / "people.csv", "background": tmp_path / "background.png", "photos": tmp_path / "p.zip"}
    paths["csv"].write_text(header + "\n" + "\n".join(rows) + "\n")
    side = 820 if BENCH else 200  # noise does not compress: 820 x 820 x 3 is about 2 MB of PNG
    noise = random.Random(8).randbytes(side * side * 3)
    Image.frombytes("RGB", (side, side), noise).save(paths["background"], "PNG")
    photo = io.BytesIO()
    Image.new("RGB", (300, 400), PHOTO_BLUE).save(photo, "JPEG")
    with zipfile.ZipFile(paths["photos"], "w") as archive:
        archive.writestr("ada.jpg", photo.getvalue())
        archive.writestr("alan.jpg", photo.getvalue())
    return paths


def _photo_design(server, address: str) -> None:
    doc = export_design("classic")
    doc["elements"] = [e for e in doc["elements"] if e["id"] != "qr"]
    doc["elements"].append(
        {"id": "photo", "kind": "photo", "column": "Photo", "box": {"x": 72, "y": 40, "width": 24, "height": 26}}
    )
    status, body = server.api(
        "POST", "/api/saved-designs", server.token(address), {"title": "Photo Gala", "document": doc}
    )
    assert status == 201, body


# Chromium's network log has no bytes for a multipart body with files (post data and requestBodySize stay empty), so
# the page's fetch is wrapped to count each request body as sent: files by size, fields by their UTF-8 bytes.
COUNT_BODIES = """
(() => {
  const sent = [];
  const bytes = (value) => (typeof value === "string" ? new Blob([value]).size : value.size || value.byteLength || 0);
  const size = (body) => {
    if (!body) return 0;
    if (body instanceof FormData) return [...body.entries()].reduce((n, [k, v]) => n + bytes(k) + bytes(v), 0);
    return bytes(body);
  };
  const original = window.fetch;
  window.fetch = (input, init = {}) => {
    sent.push([String(init.method || "GET"), String(input), size(init.body)]);
    return original(input, init);
  };
  window.sentBodies = sent;
})();
"""


def _bodies(page) -> list[tuple[str, str, int]]:
    return [tuple(entry) for entry in page.evaluate("window.sentBodies")]


def _sent(log: list[tuple[str, str, int]], path: str) -> list[int]:
    return [size for method, url, size in log if method == "POST" and url.split("?")[0].endswith(path)]


def test_background_and_photos_go_up_once_and_the_pdf_has_the_photo(server, new_page, tmp_path):
    address = "assets@example.com"
    add_user(server, address, usage=2)
    _photo_design(server, address)
    files = _files(tmp_path)
    page, console = new_page()
    log: list[tuple[str, str, int]] = []  # every request the page made (its body size is counted by COUNT_BODIES)
    page.on("requestfinished", lambda r: log.append((r.method, r.url, 0)))
    page.add_init_script(COUNT_BODIES)
    sign_in(page, server, address)
    expect(page.locator("#field-photos")).to_be_hidden()
    page.get_by_role("radio", name="Photo Gala").check()
    expect(page.locator("#field-photos")).to_be_visible(timeout=WAIT_MS)
    page.get_by_label("Choose a CSV file").set_input_files(str(files["csv"]))
    total = "10,403" if BENCH else "3"
    wait_preview(page, f"Badge 1 of {total}")
    page.get_by_label("Background image").set_input_files(str(files["background"]))
    page.get_by_label("Photos (ZIP)").set_input_files(str(files["photos"]))
    for field in ("#opt-background-image", "#opt-photos"):
        expect(page.locator(f"{field}-kept")).not_to_contain_text("Uploading", timeout=WAIT_MS)
        expect(page.locator(f"{field}-error")).to_have_text("")  # a refusal says why here
        expect(page.locator(f"{field}-kept")).to_contain_text("Kept on the server")
    wait_preview(page, f"Badge 1 of {total}")
    expect(page.locator("#warnings")).to_contain_text("'grace.jpg' is not in the photo ZIP", timeout=WAIT_MS)
    before = len(_bodies(page))
    for button, shown in (("Next", "Badge 2 of"), ("Next", "Badge 3 of"), ("Previous", "Badge 2 of")):
        page.get_by_role("button", name=button, exact=True).click()
        wait_preview(page, shown)
    steps = _sent(_bodies(page)[before:], "/api/preview")
    assert len(steps) == 3 == len(_sent(log[-20:], "/api/preview")[-3:])
    background = files["background"].stat().st_size
    drafts = _sent(_bodies(page), "/api/drafts")
    assert len(drafts) == 3 == len(_sent(log, "/api/drafts")), "the CSV, the background and the ZIP went up once"
    assert sum(1 for size in drafts if background <= size < background + 1_000) == 1, drafts
    assert max(steps) < 10_000, f"a preview step sends ids, not files: {steps}"
    if BENCH:
        print(f"\nbytes per preview step: {steps}; drafts: {drafts}")
    pdf = make_and_download(page)
    assert _has_photo(pdf), "the photo of Ada is in the PDF"
    expect(page.locator("#job-warnings")).to_contain_text("grace.jpg", timeout=WAIT_MS)
    drafts_before_reload = len(_sent(log, "/api/drafts"))
    page.reload()
    page.locator("#app").wait_for(state="visible")
    expect(page.locator("#opt-background-image-kept")).to_contain_text("background.png", timeout=WAIT_MS)
    expect(page.locator("#opt-photos-kept")).to_contain_text("p.zip")
    wait_preview(page, f"Badge 1 of {total}")
    assert len(_sent(log, "/api/drafts")) == drafts_before_reload, "a reload previews from the kept drafts"
    assert console.errors == []


def _has_photo(pdf: bytes) -> bool:
    for image in PdfReader(io.BytesIO(pdf)).pages[0].images:
        picture = image.image.convert("RGB")
        middle = picture.getpixel((picture.width // 2, picture.height // 2))
        if all(abs(a - b) < 12 for a, b in zip(middle, PHOTO_BLUE, strict=True)):
            return True
    return False


def test_a_bad_image_or_zip_is_explained_beside_its_field_when_chosen(server, new_page, tmp_path):
    address = "bad-assets@example.com"
    add_user(server, address)
    _photo_design(server, address)
    files = _files(tmp_path)
    (tmp_path / "logo.png").write_text("not an image at all")
    with zipfile.ZipFile(tmp_path / "bad.zip", "w") as archive:
        archive.writestr("../../escape.jpg", b"x")
    page, console = new_page()
    sign_in(page, server, address)
    page.get_by_role("radio", name="Photo Gala").check()
    page.get_by_label("Choose a CSV file").set_input_files(str(files["csv"]))
    wait_preview(page, "Badge 1 of 3")
    page.get_by_label("Logo").set_input_files(str(tmp_path / "logo.png"))
    expect(page.locator("#opt-logo-image-error")).to_contain_text("Only PNG, JPEG, WebP or GIF", timeout=WAIT_MS)
    page.get_by_label("Photos (ZIP)").set_input_files(str(files["photos"]))
    kept = page.locator("#opt-photos-kept")
    expect(kept).to_contain_text("Kept on the server", timeout=WAIT_MS)  # "Uploading p.zip…" names it too
    expect(kept).to_contain_text("p.zip")
    page.get_by_label("Photos (ZIP)").set_input_files(str(tmp_path / "bad.zip"))
    expect(page.locator("#opt-photos-error")).to_contain_text("points outside the archive", timeout=WAIT_MS)
    expect(kept).to_contain_text("Kept on the server")  # the refused ZIP left the kept one in use
    expect(kept).to_contain_text("p.zip")
    expect(page.locator("#csv-error")).to_have_text("")
    assert all("status of 4" in line for line in console.errors)


def test_a_zip_chosen_while_the_last_one_goes_up_waits_for_it_and_a_refusal_keeps_that_one(server, new_page, tmp_path):
    """Sent side by side, the second ZIP's refusal, answered after the first was kept, dropped the first (and a
    second good ZIP answered first would have lost to the older one)."""
    address = "two-zips@example.com"
    add_user(server, address)
    _photo_design(server, address)
    files = _files(tmp_path)
    with zipfile.ZipFile(tmp_path / "bad.zip", "w") as archive:
        archive.writestr("../../escape.jpg", b"x")
    page, console = new_page()
    sign_in(page, server, address)
    page.get_by_role("radio", name="Photo Gala").check()
    drafts = HeldRequests(page, "**/api/drafts")
    field, kept = page.get_by_label("Photos (ZIP)"), page.locator("#opt-photos-kept")
    field.set_input_files(str(files["photos"]))
    expect(kept).to_contain_text("Uploading p.zip")
    assert until(page, lambda: drafts.held), "p.zip went up"
    field.set_input_files(str(tmp_path / "bad.zip"))
    expect(kept).to_contain_text("Uploading bad.zip")
    page.wait_for_timeout(300)  # time for a request sent at once to be seen
    assert drafts.sent == 1, "bad.zip waits until p.zip is answered"
    drafts.release()
    expect(page.locator("#opt-photos-error")).to_contain_text("points outside the archive", timeout=WAIT_MS)
    expect(kept).to_contain_text("Kept on the server")
    expect(kept).to_contain_text("p.zip")
    assert all("status of 4" in line for line in console.errors)
