"""The naive method, for comparison only: fill an SVG page template per page with every image re-embedded as a
data: URI per badge, render each page with cairosvg to its own PDF, merge the pages with pypdf."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from html import escape
from pathlib import Path

from badge_renderer.model import Attendee

PAGE_W, PAGE_H = 595.28, 841.89  # A4 in points
BADGE_W, BADGE_H = 288, 216  # 4x3 in
COLS, ROWS = 2, 3


def _badge_svg(attendee: Attendee, x: float, y: float, bg_uri: str, logo_uri: str) -> str:
    name = escape(attendee.display_name)
    return (
        f'<g transform="translate({x},{y})">'
        f'<image href="{bg_uri}" width="{BADGE_W}" height="{BADGE_H}" preserveAspectRatio="xMidYMid slice"/>'
        f'<rect width="{BADGE_W}" height="50" fill="#1f6feb"/>'
        f'<image href="{logo_uri}" x="10" y="5" width="80" height="40"/>'
        f'<text x="{BADGE_W / 2}" y="110" font-size="30" font-weight="bold" text-anchor="middle">{name}</text>'
        f'<text x="{BADGE_W / 2}" y="145" font-size="16" text-anchor="middle">{escape(attendee.role)}</text>'
        f'<text x="{BADGE_W / 2}" y="170" font-size="14" text-anchor="middle">{escape(attendee.organization)}</text>'
        "</g>"
    )


def render_naive(people: Sequence[Attendee], background: bytes, logo: bytes, out: Path) -> None:
    import cairosvg
    from pypdf import PdfWriter

    bg_uri = "data:image/jpeg;base64," + base64.b64encode(background).decode()
    logo_uri = "data:image/png;base64," + base64.b64encode(logo).decode()
    per_page = COLS * ROWS
    writer = PdfWriter()
    for start in range(0, len(people), per_page):
        badges = []
        for i, attendee in enumerate(people[start : start + per_page]):
            x, y = 10 + (i % COLS) * (BADGE_W + 5), 20 + (i // COLS) * (BADGE_H + 5)
            badges.append(_badge_svg(attendee, x, y, bg_uri, logo_uri))
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_W}pt" height="{PAGE_H}pt" '
            f'viewBox="0 0 {PAGE_W} {PAGE_H}">{"".join(badges)}</svg>'
        )
        page_pdf = cairosvg.svg2pdf(bytestring=svg.encode())
        writer.append(io.BytesIO(page_pdf))
    with open(out, "wb") as fh:
        writer.write(fh)
