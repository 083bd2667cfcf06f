"""The design gallery stays put while its preview images load: in a real Chromium against a real `badgeforge serve`,
every card's box as the app is first shown is its box once every preview has arrived.

A card that moves under the pointer checks another design than the one clicked (CI once saw
test_upload_assets' `check()` of the saved design, the last card, land on a neighbour). The preview requests are
held until the first boxes are read, so the images surely arrive after them, however fast the server answers.
"""

from __future__ import annotations

import pytest

from .conftest import until
from .test_upload_assets import _photo_design
from .test_web_flow import add_user, sign_in

pytestmark = pytest.mark.e2e
PREVIEWS = "**/api/designs/*/preview.png*"
BOXES = """(cards) => cards.map((card) => {
  const box = card.getBoundingClientRect();
  return [card.id, box.x, box.y, box.width, box.height];
})"""
LOADED = "(images) => images.length > 0 && images.every((image) => image.complete && image.naturalWidth > 0)"


class HeldPreviews:
    """The gallery's preview requests, held until `release()`; later ones go through at once."""

    def __init__(self, page) -> None:
        self.held: list = []
        self.released = False
        page.route(PREVIEWS, self._route)

    def _route(self, route) -> None:
        if self.released:
            route.continue_()
        else:
            self.held.append(route)

    def release(self) -> None:
        self.released = True
        for route in self.held:
            route.continue_()


@pytest.mark.parametrize("width", [1280, 390])
def test_no_gallery_card_moves_while_the_preview_images_load(server, new_page, width):
    address = f"gallery-{width}@example.com"
    add_user(server, address)
    _photo_design(server, address)  # a saved design: its card (no preview) comes last, below every bundled one
    page, console = new_page(width=width)
    previews = HeldPreviews(page)
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
