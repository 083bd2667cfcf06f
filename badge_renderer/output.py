"""Output: badges imposed on sheets and streamed into a cairo PDF (page by page), split across processes for
big jobs and merged; single-badge PNGs for previews and ZIPs."""

from __future__ import annotations

import io
import itertools
import logging
import multiprocessing
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from badge_renderer.model import Attendee, RowIssue
from badge_renderer.options import RenderOptions

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PartResult:
    pages: int
    issues: tuple[RowIssue, ...]
    failed: int = 0
    """Badges whose drawing failed (left blank, each with a row issue)."""


def write_pdf_part(
    attendees: Sequence[Attendee], options: RenderOptions, out: Path, progress: Callable[[int], None] | None = None
) -> PartResult:
    """Render `attendees` (whole sheets) into one PDF file, writing each page as it is finished."""
    import cairocffi as cairo

    from badge_renderer.compose import BadgeComposer
    from badge_renderer.isolation import BadgeDrawer
    from badge_renderer.render_support import plan_for

    layout = plan_for(options)
    composer = BadgeComposer(options, layout.badge.width, layout.badge.height)
    surface = cairo.PDFSurface(str(out), layout.page.width, layout.page.height)
    surface.set_metadata(cairo.PDF_METADATA_CREATOR, "BadgeForge")
    drawer = BadgeDrawer(composer, surface)
    issues: list[RowIssue] = []
    pages = 0
    per_sheet = layout.per_sheet
    for start in range(0, len(attendees), per_sheet):
        sheet = attendees[start : start + per_sheet]
        for attendee, slot in zip(sheet, layout.fronts, strict=False):
            issues.extend(drawer.draw(attendee, slot.x, slot.y, slot.rotation))
        if layout.backs and not layout.backs_on_next_page:
            for attendee, slot in zip(sheet, layout.backs, strict=False):
                drawer.draw(attendee, slot.x, slot.y, slot.rotation, side="back")
        _crop_marks(drawer.ctx, layout)
        surface.show_page()
        pages += 1
        if layout.backs and layout.backs_on_next_page:
            for attendee, slot in zip(sheet, layout.backs, strict=False):
                drawer.draw(attendee, slot.x, slot.y, slot.rotation, side="back")
            _crop_marks(drawer.ctx, layout, side="back")
            surface.show_page()
            pages += 1
        if progress:
            progress(len(sheet))
    if not attendees:
        surface.show_page()
        pages = 1
    surface.finish()
    return PartResult(pages, tuple(issues), len(drawer.failed_rows))


def _crop_marks(ctx: Any, layout: Any, side: str = "front") -> None:
    """Hairline crop marks of a front page, or of a duplex back page (computed from its own back slots)."""
    marks = layout.marks_for(side)
    if not marks:
        return
    ctx.save()
    ctx.set_source_rgb(0, 0, 0)
    ctx.set_line_width(0.25)
    for line in marks:
        ctx.move_to(line.x1, line.y1)
        ctx.line_to(line.x2, line.y2)
    ctx.stroke()
    ctx.restore()


def choose_workers(badges: int, requested: int | None) -> int:
    """One process unless asked otherwise.

    Measured here (bench/render_speed.py, 10,000 badges, 2 cores): one process draws them in ~1.7 s, while merging
    the parts with pypdf alone takes ~1.5 s and starting the workers ~1.3 s, so a pool is slower at every size
    (drawing and merging both grow with the page count). `workers=N` still splits by page ranges when wanted,
    e.g. for scripts whose shaping is much slower than Latin.
    """
    return max(1, min(requested, badges)) if requested else 1


def write_pdf(
    attendees: Sequence[Attendee], options: RenderOptions, out: Path, workers: int, progress: Progress | None = None
) -> PartResult:
    """The whole PDF: directly for one worker, else page ranges in a process pool merged with pypdf."""
    total = len(attendees)
    done = [0]

    def advance(count: int) -> None:
        done[0] += count
        if progress:
            progress(done[0], total)

    if workers <= 1:
        return write_pdf_part(attendees, options, out, advance)
    from badge_renderer.render_support import plan_for

    per_sheet = plan_for(options).per_sheet
    sheets = -(-total // per_sheet)
    bounds = [round(i * sheets / workers) * per_sheet for i in range(workers + 1)]
    chunks = [attendees[a:b] for a, b in itertools.pairwise(bounds) if a < b]
    with tempfile.TemporaryDirectory(prefix="badgeforge-", dir=out.parent) as tmp:
        parts = [Path(tmp) / f"part-{i:03d}.pdf" for i in range(len(chunks))]
        context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
        queue = context.Queue()
        listener = threading.Thread(target=_forward_progress, args=(queue, advance), daemon=True)
        listener.start()
        try:
            with ProcessPoolExecutor(
                max_workers=len(chunks), mp_context=context, initializer=_init_worker, initargs=(queue,)
            ) as pool:
                futures = [
                    pool.submit(_worker, list(chunk), options, part) for chunk, part in zip(chunks, parts, strict=True)
                ]
                results = [f.result() for f in futures]
        finally:
            queue.put(None)
            listener.join(timeout=5)
        merge_pdfs(parts, out)
    issues = tuple(issue for r in results for issue in r.issues)
    return PartResult(sum(r.pages for r in results), issues, sum(r.failed for r in results))


_progress_queue: Any = None


def _init_worker(queue: Any) -> None:
    global _progress_queue
    _progress_queue = queue


def _worker(attendees: list[Attendee], options: RenderOptions, part: Path) -> PartResult:
    return write_pdf_part(attendees, options, part, _progress_queue.put if _progress_queue is not None else None)


def _forward_progress(queue: Any, advance: Callable[[int], None]) -> None:
    while (count := queue.get()) is not None:
        advance(count)


@contextmanager
def _quiet_pypdf():
    # cairo repeats an XObject key per use in a page's resources; pypdf logs a warning for each one.
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def merge_pdfs(parts: Sequence[Path], out: Path) -> None:
    """Concatenate part PDFs; shared objects of a part (fonts, images, static forms) stay shared."""
    from pypdf import PdfWriter

    with _quiet_pypdf():
        writer = PdfWriter()
        for part in parts:
            writer.append(str(part))
        writer.add_metadata({"/Creator": "BadgeForge"})
        tmp = out.with_suffix(out.suffix + ".tmp")
        with open(tmp, "wb") as fh:
            writer.write(fh)
        os.replace(tmp, out)


def badge_png(
    attendee: Attendee, options: RenderOptions, dpi: int, composer: Any = None, side: str = "front"
) -> tuple[bytes, list[RowIssue]]:
    """One badge side as PNG bytes at `dpi` (white behind transparent artwork)."""
    import cairocffi as cairo

    from badge_renderer.isolation import BadgeDrawer

    if composer is None:
        composer = make_composer(options)
    scale = dpi / 72
    surface = cairo.ImageSurface(
        cairo.FORMAT_RGB24, max(1, round(composer.width * scale)), max(1, round(composer.height * scale))
    )
    ctx = cairo.Context(surface)
    ctx.set_source_rgb(1, 1, 1)
    ctx.paint()
    ctx.scale(scale, scale)
    issues = BadgeDrawer(composer, surface, ctx).draw(attendee, 0, 0, side=side)
    buffer = io.BytesIO()
    surface.write_to_png(buffer)
    surface.finish()
    return buffer.getvalue(), issues


def make_composer(options: RenderOptions) -> Any:
    from badge_renderer.compose import BadgeComposer
    from badge_renderer.render_support import plan_for

    badge = plan_for(options).badge
    return BadgeComposer(options, badge.width, badge.height)
