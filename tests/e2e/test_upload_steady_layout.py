"""Nothing on the upload page moves when a picture arrives, in a real Chromium against a real `badgeforge serve`:
every design card's box as the app is first shown is its box once every gallery preview has loaded, and the live
preview's stepper is where it will stay from the moment the badge's status is shown, before its picture has loaded.

A card that moves under the pointer checks another design than the one clicked (CI once saw
test_upload_assets' `check()` of the saved design, the last card, land on a neighbour). The gallery's preview
requests are held until the first boxes are read, so the images surely arrive after them, however fast the server
answers; the live preview's picture is a data: URL, so its boxes are read by a mutation observer of its status
(a microtask after the task that sets both), before the picture can have decoded.
"""

from __future__ import annotations

import pytest

from .conftest import HeldRequests, until
from .test_upload_assets import _photo_design
from .test_upload_form import wait_preview
from .test_web_flow import EXAMPLE_CSV, add_user, sign_in

pytestmark = pytest.mark.e2e
PREVIEWS = "**/api/designs/*/preview.png*"
# Boxes in page coordinates (a scroll between two reads is no move).
BOXES = """(cards) => cards.map((card) => {
  const box = card.getBoundingClientRect();
  return [card.id, box.x + scrollX, box.y + scrollY, box.width, box.height];
})"""
STEPPER_Y = "(stepper) => stepper.getBoundingClientRect().y + scrollY"
# Init script: the stepper's box and whether the picture has loaded, read (synchronously, forcing layout) each time
# the preview's status changes; upload.js sets the status in the same task as the picture's src.
STATUS_BOXES = """
window.statusBoxes = [];
document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("preview-status");
  new MutationObserver(() => {
    const image = document.getElementById("preview-image");
    window.statusBoxes.push([status.textContent, document.getElementById("stepper").getBoundingClientRect().y + scrollY,
      image.complete, image.getBoundingClientRect().height]);
  }).observe(status, { childList: true, characterData: true, subtree: true });
});
"""
LOADED = "(images) => images.length > 0 && images.every((image) => image.complete && image.naturalWidth > 0)"


@pytest.mark.parametrize("width", [1280, 390])
def test_no_gallery_card_moves_while_the_preview_images_load(server, new_page, width):
    address = f"gallery-{width}@example.com"
    add_user(server, address)
    _photo_design(server, address)  # a saved design: its card (no preview) comes last, below every bundled one
    page, console = new_page(width=width)
    previews = HeldRequests(page, PREVIEWS)
    sign_in(page, server, address)
    cards = page.locator("#gallery .design")
    before = cards.evaluate_all(BOXES)
    assert len(before) >= 3 and before[-1][0].startswith("saved-design-"), before
    previews.release()
    images = page.locator("#gallery img")
    assert until(page, lambda: images.evaluate_all(LOADED)), "every preview image loaded"
    after = cards.evaluate_all(BOXES)
    moved = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert moved == [], f"cards moved when their images arrived (id, x, y, width, height): {moved}"
    assert previews.held, "the previews were requested while held (else this test proved nothing)"
    assert console.errors == []


@pytest.mark.parametrize("width", [1280, 390])
def test_the_stepper_is_in_place_before_the_preview_picture_has_loaded(server, new_page, width):
    address = f"preview-{width}@example.com"
    add_user(server, address)
    page, console = new_page(width=width)
    page.add_init_script(STATUS_BOXES)
    sign_in(page, server, address)
    page.get_by_label("Choose a CSV file").set_input_files(str(EXAMPLE_CSV))
    wait_preview(page, "Badge 1 of")
    image = page.locator("#preview-image")
    assert until(page, lambda: image.evaluate("(image) => image.complete && image.naturalWidth > 0"))
    shown = next(box for box in page.evaluate("window.statusBoxes") if box[0].startswith("Badge 1 of"))
    assert shown[2] is False, "the status was read before the picture loaded (else this test proved nothing)"
    loaded = [page.locator("#stepper").evaluate(STEPPER_Y), image.bounding_box()["height"]]
    assert shown[1] == loaded[0], f"the stepper moved from y={shown[1]} to y={loaded[0]} when the picture arrived"
    assert shown[3] == loaded[1] > 100, "the picture had its height before its pixels"
    assert console.errors == []
