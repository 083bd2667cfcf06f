"""Regenerate templates/<design>/preview.png from the real renderer: `python -m badge_renderer.previews`.

The sample attendee is fixed so previews (and the golden tests that share it) change only when a design does.
"""

from __future__ import annotations

import sys

from badge_renderer.model import Attendee

SAMPLE = Attendee(
    row=2,
    first_name="Ada",
    last_name="Lovelace",
    role="Keynote Speaker",
    organization="Analytical Engines Ltd",
    pronouns="she/her",
    ticket_type="Speaker",
    ticket_id="PYC-2026-0001",
    email="ada@example.org",
)


def sample_options(design: str) -> object:
    from badge_renderer.options import RenderOptions

    return RenderOptions(design=design, event_name="BadgeForge Conf 2026", qr_field="ticket_id")


def main(dpi: int = 110) -> None:
    from badge_renderer.designs import list_designs
    from badge_renderer.render import render_preview_png

    for design in list_designs():
        design.preview.write_bytes(render_preview_png(SAMPLE, sample_options(design.name), dpi=dpi))  # type: ignore[arg-type]
        print(design.preview)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 110)
