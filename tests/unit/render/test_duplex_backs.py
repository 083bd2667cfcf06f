"""Duplex backs copied from their fronts (badge_renderer.duplex_backs): the back page shows exactly what a drawn
back shows, but its badges' drawing is the front's, written once more by pdf_stream, not drawn again.

Real cairo, pdf_stream, qpdf, pdftoppm and pdftotext throughout; nothing is mocked but the one failure each
failure test needs (a badge that cannot be drawn, a cairo part this copy does not understand)."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from badge_renderer import compose, duplex_backs
from badge_renderer.designs import design_for
from badge_renderer.model import Attendee
from badge_renderer.output import _write_pdf
from badge_renderer.render import RenderOptions, render_pdf
from badge_renderer.render_support import plan_for

logging.getLogger("pypdf").setLevel(logging.ERROR)

# The copy of duplex backs is a cairo-path feature (BadgeForge's own writer writes each back as it writes fronts).
pytestmark = pytest.mark.usefixtures("cairo_writer")


def people(n: int) -> list[Attendee]:
    names = ["Ada", "Grace", "Radia", "Margaret", "Frances", "Barbara", "Hedy", "Katherine", "Evelyn"]
    return [
        Attendee(
            row=i + 2,
            first_name=names[i % len(names)],
            last_name=f"Lovelace{i}",
            role="Speaker" if i % 3 else "Staff",
            organization="Analytical Engines Ltd",
            email=f"person{i}@example.org",
            ticket_type="speaker" if i % 2 else "attendee",
        )
        for i in range(n)
    ]


def render_both(tmp_path: Path, options: RenderOptions, crowd: list[Attendee]) -> tuple[Path, Path]:
    copied, drawn = tmp_path / "copied.pdf", tmp_path / "drawn.pdf"
    _write_pdf(crowd, options, copied, 1, None, copy_backs=True)
    _write_pdf(crowd, options, drawn, 1, None, copy_backs=False)
    return copied, drawn


def pixels(pdf: Path, dpi: int = 150) -> list[Image.Image]:
    stem = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(stem)], check=True)
    pages = sorted(pdf.parent.glob(stem.name + "-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return [Image.open(page).convert("RGB") for page in pages]


def off_trim_edges(diff: Image.Image, options: RenderOptions, dpi: int = 150) -> list[tuple[int, int]]:
    """Differing pixels more than a pixel away from every slot's trim edge. A failed badge's blank is painted with
    no clip (isolation starts a fresh context), its neighbours under theirs: poppler anti-aliases a pixel where a
    clipped and an unclipped drawing meet differently from two unclipped ones, so that pixel may differ."""
    layout = plan_for(options)
    scale = dpi / 72
    xs = {round(v * scale) for s in (*layout.fronts, *layout.backs) for v in (s.x, s.right)}
    ys = {round(v * scale) for s in (*layout.fronts, *layout.backs) for v in (s.y, s.bottom)}
    near = lambda v, edges: any(abs(v - e) <= 1 for e in edges)  # noqa: E731
    box = diff.getbbox()
    if box is None:
        return []
    data = diff.load()
    return [
        (x, y)
        for y in range(box[1], box[3])
        for x in range(box[0], box[2])
        if data[x, y] != (0, 0, 0) and not (near(x, xs) or near(y, ys))
    ]


def texts(pdf: Path) -> list[str]:
    """pdftotext of every page (one call; pages end with a form feed)."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")


def page_text(pdf: Path, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def back_streams(pdf: Path, page: int) -> list[bytes]:
    """The decoded content streams of one page, its forms' included (qpdf --show-pages names them)."""
    import pikepdf

    with pikepdf.open(pdf) as document:
        target = document.pages[page - 1]
        streams = [target.obj.Contents] if isinstance(target.obj.Contents, pikepdf.Stream) else list(target.Contents)
        out = [s.read_bytes() for s in streams]
        for name, xobject in target.Resources.get("/XObject", {}).items():
            if name.startswith("/bfcopy"):
                out.append(xobject.read_bytes())
        return out


# The full sweep (every bundled design, bleed, marks, paper) renders ~40 pages: BADGEFORGE_DUPLEX_SWEEP=1.
SWEEP = [
    {"design": "modern", "qr_field": "email"},
    {"design": "minimal", "bleed_mm": 2, "paper": "Letter"},
    {"design": "conference", "bleed_mm": 3},
    {"design": "classic", "paper": "A5", "crop_marks": True},
]
CASES = [{"qr_kind": "vcard"}, {"bleed_mm": 3, "crop_marks": True, "qr_field": "email"}]
CASES += SWEEP if os.environ.get("BADGEFORGE_DUPLEX_SWEEP") == "1" else []


@pytest.mark.parametrize("changes", CASES, ids=[",".join(f"{k}={v}" for k, v in c.items()) for c in CASES])
def test_copied_backs_render_pixel_for_pixel_as_drawn_backs(tmp_path: Path, changes: dict) -> None:
    options = RenderOptions(sides="duplex", workers=1, event_name="BenchConf", **changes)
    crowd = people(5)  # a full sheet and a partial one
    copied, drawn = render_both(tmp_path, options, crowd)
    check = subprocess.run(["qpdf", "--check", str(copied)], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout and not check.stderr
    ours, theirs = pixels(copied), pixels(drawn)
    assert len(ours) == len(theirs) >= 2
    for page, (a, b) in enumerate(zip(ours, theirs, strict=True), start=1):
        assert ImageChops.difference(a, b).getbbox() is None, f"page {page} differs"
    assert texts(copied) == texts(drawn)
    # The back page's badges are the copy (one Form XObject), not drawn again: cairo's own back stream has no text.
    cairo_back, *copy = back_streams(copied, 2)[1:]
    assert b"BT" not in cairo_back and copy and b"BT" in copy[0]


def test_the_copy_is_written_once_per_back_page_and_the_backs_keep_their_own_codes(tmp_path: Path) -> None:
    options = RenderOptions(sides="duplex", workers=1, qr_kind="vcard")
    copied, _ = render_both(tmp_path, options, people(8))
    shown = subprocess.run(["qpdf", "--show-pages", str(copied)], capture_output=True, text=True).stdout
    backs = re.findall(r"page (\d+): \d+ 0 R\n  content:\n((?:    \d+ 0 R\n)+)", shown)
    assert [int(p) for p, c in backs if c.count(" R") == 2] == [2, 4]  # [ the copy, cairo's back ] on every back
    cairo_back = back_streams(copied, 2)[1]
    assert cairo_back.count(b"Do") == 4  # the four codes, from the back's own sheet image
    form = back_streams(copied, 2)[2]
    assert form.count(b" cm\n") >= 4 and b"/x" in form  # each badge's part under its move, the static layer in it


def test_the_back_page_costs_no_glyph_emission(tmp_path: Path) -> None:
    """The copied form holds the front's parts byte for byte: the back draws no glyph run of its own."""
    options = RenderOptions(sides="duplex", workers=1)
    copied, drawn = render_both(tmp_path, options, people(4))
    front = back_streams(copied, 1)[0]
    form = back_streams(copied, 2)[2]
    for run in re.findall(rb"\[[^\]]*\]TJ|\([^)]*\)Tj", front):
        assert run in form
    assert b"TJ" in back_streams(drawn, 2)[0] or b"Tj" in back_streams(drawn, 2)[0]


def test_a_badge_that_failed_on_its_front_stays_blank_on_its_back(tmp_path: Path, monkeypatch) -> None:
    drawn_on_the_page = compose.BadgeComposer.draw

    def flaky(self, ctx, attendee, *args, **kwargs):
        issues = drawn_on_the_page(self, ctx, attendee, *args, **kwargs)
        if attendee.row == 3 and not kwargs.get("codes"):
            raise ValueError("a bug in drawing, not the attendee's fault")
        return issues

    monkeypatch.setattr(compose.BadgeComposer, "draw", flaky)
    crowd = people(4)
    options = RenderOptions(sides="duplex", workers=1, qr_field="email")
    copied, drawn = render_both(tmp_path, options, crowd)
    ours, theirs = pixels(copied), pixels(drawn)
    for a, b in zip(ours, theirs, strict=True):
        assert off_trim_edges(ImageChops.difference(a, b), options) == []
    result = render_pdf(crowd, options, tmp_path / "r.pdf")
    assert [i.row for i in result.warnings if "could not be drawn" in i.message] == [3]


def test_a_front_this_copy_cannot_read_has_its_backs_drawn_instead(tmp_path: Path, monkeypatch, caplog) -> None:
    def unreadable(content: bytes, plan: duplex_backs.BackCopy) -> bytes:
        raise duplex_backs.BackCopyError("a content stream of another shape")

    monkeypatch.setattr(duplex_backs, "back_form", unreadable)
    options = RenderOptions(sides="duplex", workers=1)
    crowd = people(5)
    with caplog.at_level(logging.WARNING, logger="badge_renderer.output"):
        result = render_pdf(crowd, options, tmp_path / "r.pdf")
    assert result.pages == 4 and "drawing them" in caplog.text
    assert "Lovelace0" in page_text(tmp_path / "r.pdf", 2)
    drawn = tmp_path / "drawn.pdf"
    _write_pdf(crowd, options, drawn, 1, None, copy_backs=False)
    assert texts(tmp_path / "r.pdf") == texts(drawn)


def test_two_workers_copy_the_backs_the_same_way(tmp_path: Path) -> None:
    crowd = people(13)
    one, two = tmp_path / "one.pdf", tmp_path / "two.pdf"
    render_pdf(crowd, RenderOptions(sides="duplex", workers=1), one)
    render_pdf(crowd, RenderOptions(sides="duplex", workers=2), two)
    assert texts(two) == texts(one)
    assert len(back_streams(two, 8)) == 3  # the last back of the worker's part is a copy too
    for a, b in zip(pixels(one, 50), pixels(two, 50), strict=True):
        assert ImageChops.difference(a, b).getbbox() is None


@pytest.mark.parametrize(
    ("changes", "copied"),
    [
        ({"sides": "duplex"}, True),
        ({"sides": "duplex", "design": "pass"}, False),  # its own back
        ({"sides": "foldover"}, False),
        ({"sides": "single"}, False),
        # 4 x 3 in on Letter with a 18 pt margin: every badge rectangle on whole points
        ({"sides": "duplex", "paper": "Letter", "margin_mm": 18 * 25.4 / 72, "badge_size": "3x4in"}, False),
    ],
    ids=["duplex", "own_back", "foldover", "single", "whole_points"],
)
def test_only_backs_that_repeat_their_front_on_another_page_are_copied(changes: dict, copied: bool) -> None:
    options = RenderOptions(**changes)
    assert (duplex_backs.back_copy(plan_for(options), design_for(options)) is not None) is copied


def test_whole_point_layouts_still_print_their_backs(tmp_path: Path) -> None:
    options = RenderOptions(sides="duplex", workers=1, paper="Letter", margin_mm=18 * 25.4 / 72, badge_size="3x4in")
    render_pdf(people(3), options, tmp_path / "w.pdf")
    assert "Lovelace2" in page_text(tmp_path / "w.pdf", 2)


PLAN = duplex_backs.BackCopy(
    clips=((10.0, 10.0, 100.0, 50.0), (120.0, 10.0, 100.0, 50.0)),
    moves=((1.0, 0.0, 0.0, 1.0, 5.0, 0.0), (1.0, 0.0, 0.0, 1.0, -5.0, 0.0)),
    page_width=230.0,
    page_height=70.0,
)


def test_parts_go_to_the_slot_their_clip_holds_and_codes_and_marks_to_none() -> None:
    content = (
        b"1 0 0 -1 0 70 cm\nq\nQ q\n10 10 100 50 re W n\nq /x6 Do Q\nBT (a)Tj ET\n"
        b"Q q\n9 9 m 40 9 80 9 111 9 c 111 61 l 9 61 l h\n9 9 m W n\n1 1 1 rg 20 20 9 9 re f\n"
        b"Q q\n120 10 100 50 re W n\nBT (b)Tj ET\nQ q\n0.25 w\n0 0 m 5 5 l S\nQ\n"
    )
    parts = duplex_backs.front_parts(content, PLAN)
    assert parts == [[b"10 10 100 50 re W n\nq /x6 Do Q\nBT (a)Tj ET"], [b"120 10 100 50 re W n\nBT (b)Tj ET"]]
    form = duplex_backs.back_form(content, PLAN)
    assert form.startswith(b"1 0 0 -1 0 70 cm\nq 1 0 0 1 5 0 cm\n10 10 100 50 re W n")
    assert b"q 1 0 0 1 -5 0 cm\n120 10" in form and b"20 20 9 9 re f" not in form and b" S" not in form
    assert form.count(b"q 1 0 0 1 ") == form.count(b"\nQ\n") == 2


def test_a_badge_missing_before_a_later_one_or_a_part_of_no_slot_is_an_error() -> None:
    missing = b"1 0 0 -1 0 70 cm\nq\nQ q\n120 10 100 50 re W n\nBT (b)Tj ET\nQ\n"
    with pytest.raises(duplex_backs.BackCopyError, match="not under its clip"):
        duplex_backs.front_parts(missing, PLAN)
    stray = b"1 0 0 -1 0 70 cm\nq\nQ q\n300 10 10 10 re W n\nBT (b)Tj ET\nQ\n"
    with pytest.raises(duplex_backs.BackCopyError, match="outside every slot"):
        duplex_backs.front_parts(stray, PLAN)
    with pytest.raises(duplex_backs.BackCopyError, match="page matrix"):
        duplex_backs.front_parts(zlib.compress(b"x"), PLAN)


def test_front_to_back_moves_map_each_front_slot_onto_its_back_slot() -> None:
    options = RenderOptions(sides="duplex", bleed_mm=3)
    layout = plan_for(options)
    plan = duplex_backs.back_copy(layout, design_for(options))
    assert plan is not None
    w, h = layout.badge.width, layout.badge.height
    for front, back, move in zip(layout.fronts, layout.backs, plan.moves, strict=True):
        for bx, by in ((0, 0), (w, 0), (0, h), (w, h)):  # badge corners
            fx, fy = _apply(duplex_backs.slot_matrix(front, w, h), bx, by)
            assert _apply(move, fx, fy) == pytest.approx(_apply(duplex_backs.slot_matrix(back, w, h), bx, by))


def _apply(m: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    xx, yx, xy, yy, x0, y0 = m
    return xx * x + xy * y + x0, yx * x + yy * y + y0
