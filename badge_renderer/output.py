"""Output: badges imposed on sheets and streamed into a cairo PDF (page by page), split across processes for
big jobs and merged; single-badge PNGs for previews and ZIPs."""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from badge_renderer.model import Attendee, RowIssue
from badge_renderer.options import RenderOptions

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PartResult:
    pages: int
    issues: tuple[RowIssue, ...]


def write_pdf_part(
    attendees: Sequence[Attendee],
    options: RenderOptions,
    out: Path,
    progress: Callable[[int], None] | None = None,
    *,
    composer: Any = None,
) -> PartResult:
    """Render `attendees` (whole sheets) into one PDF file, writing each page as it is finished.

    `composer` is a BadgeComposer for these options to reuse (forked workers share the parent's)."""
    import cairocffi as cairo

    from badge_renderer.compose import BadgeComposer
    from badge_renderer.render_support import plan_for

    layout = plan_for(options)
    if composer is None:
        composer = BadgeComposer(options, layout.badge.width, layout.badge.height)
    surface = cairo.PDFSurface(str(out), layout.page.width, layout.page.height)
    surface.set_metadata(cairo.PDF_METADATA_CREATOR, "BadgeForge")
    ctx = cairo.Context(surface)
    issues: list[RowIssue] = []
    pages = 0
    per_sheet = layout.per_sheet
    for start in range(0, len(attendees), per_sheet):
        sheet = attendees[start : start + per_sheet]
        for attendee, slot in zip(sheet, layout.fronts, strict=False):
            issues.extend(composer.draw(ctx, attendee, slot.x, slot.y, slot.rotation))
        if layout.backs and not layout.backs_on_next_page:
            for attendee, slot in zip(sheet, layout.backs, strict=False):
                composer.draw(ctx, attendee, slot.x, slot.y, slot.rotation, side="back")
        _crop_marks(ctx, layout)
        surface.show_page()
        pages += 1
        if layout.backs and layout.backs_on_next_page:
            for attendee, slot in zip(sheet, layout.backs, strict=False):
                composer.draw(ctx, attendee, slot.x, slot.y, slot.rotation, side="back")
            _crop_marks(ctx, layout, side="back")
            surface.show_page()
            pages += 1
        if progress:
            progress(len(sheet))
    if not attendees:
        surface.show_page()
        pages = 1
    surface.finish()
    return PartResult(pages, tuple(issues))


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
    """All usable cores when the job is big enough to gain (see badge_renderer.parallel), else one process."""
    from badge_renderer.parallel import choose_workers as choose

    return choose(badges, requested)


def write_pdf(
    attendees: Sequence[Attendee], options: RenderOptions, out: Path, workers: int, progress: Progress | None = None
) -> PartResult:
    """The whole PDF: directly for one worker, else page ranges in forked workers merged with qpdf."""
    if workers > 1:
        from badge_renderer.parallel import render_parallel

        return render_parallel(attendees, options, out, workers, progress)
    total = len(attendees)
    done = [0]

    def advance(count: int) -> None:
        done[0] += count
        if progress:
            progress(done[0], total)

    return write_pdf_part(attendees, options, out, advance)


def badge_png(
    attendee: Attendee, options: RenderOptions, dpi: int, composer: Any = None
) -> tuple[bytes, list[RowIssue]]:
    """One badge as PNG bytes at `dpi` (white behind transparent artwork)."""
    import cairocffi as cairo

    from badge_renderer.png_encode import surface_png

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
    issues = composer.draw(ctx, attendee, 0, 0)
    png = surface_png(surface)
    surface.finish()
    return png, issues


def make_composer(options: RenderOptions) -> Any:
    from badge_renderer.compose import BadgeComposer
    from badge_renderer.render_support import plan_for

    badge = plan_for(options).badge
    return BadgeComposer(options, badge.width, badge.height)


_previews: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_preview_lock = threading.Lock()
PREVIEW_COMPOSERS = 8  # designs x option sets a web server keeps warm


def preview_png(attendee: Attendee, options: RenderOptions, dpi: int) -> tuple[bytes, list[RowIssue]]:
    """badge_png with the composer kept for the same options: a warm preview only draws and encodes (~5 ms)."""
    digest = [
        hashlib.blake2b(image or b"", digest_size=16).digest()
        for image in (options.background_image, options.logo_image)
    ]
    key = (repr(replace(options, background_image=None, logo_image=None, workers=None)), *digest)
    with _preview_lock:  # one drawing at a time per process: composers and cairo contexts are not shared
        composer = _previews.get(key)
        if composer is None:
            composer = make_composer(options)
            _previews[key] = composer
            while len(_previews) > PREVIEW_COMPOSERS:
                _previews.popitem(last=False)
        _previews.move_to_end(key)
        return badge_png(attendee, options, dpi, composer)


def png_workers(badges: int, cpus: int | None = None) -> int:
    """A 300 dpi PNG costs ~20 ms, so a second core pays for itself from a few dozen badges."""
    from badge_renderer.parallel import usable_cpus

    cpus = usable_cpus() if cpus is None else cpus
    return 1 if not hasattr(os, "fork") else max(1, min(cpus, badges // 24))


def write_png_zip(
    attendees: Sequence[Attendee],
    names: Sequence[str],
    options: RenderOptions,
    out: Path,
    dpi: int,
    progress: Progress | None = None,
) -> None:
    """A stored (not deflated: PNGs are compressed) ZIP of one PNG per badge, names[i] for attendees[i]; big
    jobs draw and encode on every core, then the ZIP is written in order."""
    import zipfile

    from badge_renderer.parallel import page_ranges, run_ranges

    composer = make_composer(options)
    for ticket_type in dict.fromkeys(a.ticket_type for a in attendees):
        composer.static_layer(ticket_type)  # recorded once, before any fork
    total = len(attendees)
    workers = png_workers(total)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        if workers <= 1:
            for index, attendee in enumerate(attendees):
                archive.writestr(names[index], badge_png(attendee, options, dpi, composer)[0])
                if progress:
                    progress(index + 1, total)
            return
        with tempfile.TemporaryDirectory(prefix="badgeforge-png-", dir=out.parent) as tmp:
            folder = Path(tmp)

            def encode(index: int, span: tuple[int, int], advance: Callable[[int], None]) -> int:
                for i in range(*span):
                    (folder / f"{i:06d}.png").write_bytes(badge_png(attendees[i], options, dpi, composer)[0])
                    advance(1)
                return span[1] - span[0]

            run_ranges(page_ranges(total, 1, workers), encode, progress)
            for i, name in enumerate(names):
                archive.write(folder / f"{i:06d}.png", name)
