"""Badgeyay-style methods, for comparison only.

render_badgeyay is Badgeyay's own method (page SVG + str.replace + cairosvg per page + merge, the background as one
file). render_naive is the worst case this bench used to print: every image re-embedded as a data: URI per badge,
each page rendered with cairosvg to its own PDF, pages merged with pypdf."""

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


# Badgeyay's own method, as Badgeyay does it: one page SVG template with placeholders replaced by str.replace,
# the background referenced as one image file next to the SVG (not inlined), cairosvg per page, pages merged.
_IMAGE = '<image xlink:href="background.jpg" width="{w}" height="{h}" preserveAspectRatio="xMidYMid slice"/>'
_SLOT = (
    '<g transform="translate({x},{y})">' + _IMAGE + ""
    '<text x="{cx}" y="{y1}" font-family="Noto Sans" font-size="30" font-weight="bold" text-anchor="middle">'
    "NAME_{i}</text>"
    '<text x="{cx}" y="{y2}" font-family="Noto Sans" font-size="16" text-anchor="middle">ROLE_{i}</text>'
    '<text x="{cx}" y="{y3}" font-family="Noto Sans" font-size="14" text-anchor="middle">ORG_{i}</text>'
    "</g>"
)


def page_template(with_background: bool = True) -> str:
    """The page SVG with NAME_i / ROLE_i / ORG_i placeholders, i = 0..5 (2 x 3 badges of 4x3 in on A4)."""
    slot = _SLOT if with_background else _SLOT.replace(_IMAGE, "")
    slots = "".join(
        slot.format(
            x=10 + (i % COLS) * (BADGE_W + 5),
            y=20 + (i // COLS) * (BADGE_H + 5),
            w=BADGE_W,
            h=BADGE_H,
            cx=BADGE_W / 2,
            y1=110,
            y2=145,
            y3=170,
            i=i,
        )
        for i in range(COLS * ROWS)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{PAGE_W}pt" height="{PAGE_H}pt" viewBox="0 0 {PAGE_W} {PAGE_H}">{slots}</svg>'
    )


def render_badgeyay(people: Sequence[Attendee], background: bytes | None, out: Path, workdir: Path) -> None:
    """Badgeyay's method (text only, or with the background by file): str.replace per page, cairosvg, merge."""
    import cairosvg
    from pypdf import PdfWriter

    if background:
        (workdir / "background.jpg").write_bytes(background)
    template = page_template(with_background=background is not None)
    per_page = COLS * ROWS
    writer = PdfWriter()
    for start in range(0, len(people), per_page):
        page = template
        sheet = list(people[start : start + per_page])
        for i in range(per_page):
            person = sheet[i] if i < len(sheet) else None
            page = page.replace(f"NAME_{i}<", (escape(person.display_name) if person else "") + "<")
            page = page.replace(f"ROLE_{i}<", (escape(person.role) if person else "") + "<")
            page = page.replace(f"ORG_{i}<", (escape(person.organization) if person else "") + "<")
        svg_file = workdir / f"page-{start // per_page}.svg"
        svg_file.write_text(page, encoding="utf-8")
        # unsafe=True lets cairosvg read the background file the SVG names, as Badgeyay's cairosvg call did.
        writer.append(io.BytesIO(cairosvg.svg2pdf(url=str(svg_file), unsafe=True)))
        svg_file.unlink()
    with open(out, "wb") as fh:
        writer.write(fh)
