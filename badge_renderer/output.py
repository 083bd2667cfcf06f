"""Output: badges imposed on sheets and streamed into a cairo PDF (page by page), split across processes for
big jobs and merged; single-badge PNGs for previews and ZIPs."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from badge_renderer.model import Attendee, RowIssue
from badge_renderer.options import RenderOptions

Progress = Callable[[int, int], None]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PartResult:
    pages: int
    issues: tuple[RowIssue, ...]
    failed: int = 0
    """Badges whose drawing failed (left blank, each with a row issue)."""
    finished: bool = False
    """The file already has pdf_finish's boxes, title and clean dictionaries (parallel parts are finished in their
    workers, so the merged file needs no second pass over every page)."""
    forms: tuple[tuple[tuple[str, str], int], ...] = ()
    """(ticket type, side) -> object number of that static layer's form in the part (a parallel job's own part)."""
    stand_ins: tuple[tuple[tuple[str, str], int], ...] = ()
    """(ticket type, side) -> object number of the empty form a forked worker wrote in place of that layer's."""
    numbered: tuple[int, int] = (0, 0)
    """Bytes [a, b) of the part: its objects already in the finished file's numbering (a forked worker's part)."""


def write_pdf_part(
    attendees: Sequence[Attendee],
    options: RenderOptions,
    out: Path,
    progress: Callable[[int], None] | None = None,
    *,
    composer: Any = None,
    copy_backs: bool = True,
    direct: bool = False,
    forms: Sequence[tuple[str, str]] = (),
    base: int = 0,
    finish: Any = None,
) -> PartResult:
    """Render `attendees` (whole sheets) into one PDF file, writing each page as it is finished.

    `composer` is a BadgeComposer for these options to reuse (forked workers share the parent's). Duplex backs
    that repeat their fronts are left for pdf_stream to copy (see duplex_backs) unless `copy_backs` is False.
    `direct`: BadgeForge's own page writer writes the part (pdf_write), not cairo; with it, `forms` are the static
    layers to write whether these pages use them or not, `base` and `finish` a part's numbering in the finished
    file and the finish it is written with (see pdf_write.job)."""
    if direct:
        from badge_renderer.pdf_write.job import write_direct_part

        return write_direct_part(
            attendees, options, out, progress, composer=composer, forms=forms, base=base, finish=finish
        )
    import cairocffi as cairo

    from badge_renderer.compose import BadgeComposer
    from badge_renderer.duplex_backs import back_copy
    from badge_renderer.isolation import BadgeDrawer
    from badge_renderer.render_support import plan_for

    layout = plan_for(options)
    if composer is None:
        composer = BadgeComposer(options, layout.badge.width, layout.badge.height)
    surface = cairo.PDFSurface(str(out), layout.page.width, layout.page.height)
    surface.set_metadata(cairo.PDF_METADATA_CREATOR, "BadgeForge")
    drawer = BadgeDrawer(composer, surface)
    issues: list[RowIssue] = []
    pages = 0
    per_sheet = layout.per_sheet
    foldover = bool(layout.backs) and not layout.backs_on_next_page
    copy = copy_backs and back_copy(layout, composer.design) is not None
    clipped = bool(layout.bleed)  # _bleed_clip clips only with a bleed
    for start in range(0, len(attendees), per_sheet):
        sheet = attendees[start : start + per_sheet]
        composer.expect_sheet(sheet, ("front", "back") if layout.backs else ("front",), drawer.ctx)  # QR: one image
        if copy:
            _copied_duplex_sheet(drawer, layout, sheet, issues)
            _crop_marks(drawer.ctx, layout, side="back")  # written after the copied badges (see duplex_backs)
            surface.show_page()
            pages += 2
            if progress:
                progress(len(sheet))
            continue
        for attendee, slot in zip(sheet, layout.fronts, strict=False):
            if not clipped:  # the usual sheet: no context manager per badge
                issues.extend(drawer.draw(attendee, slot.x, slot.y, slot.rotation))
                continue
            with _bleed_clip(drawer.ctx, layout, slot, foldover):
                issues.extend(drawer.draw(attendee, slot.x, slot.y, slot.rotation))
        if foldover:
            for attendee, slot in zip(sheet, layout.backs, strict=False):
                with _bleed_clip(drawer.ctx, layout, slot, fold=True):
                    drawer.draw(attendee, slot.x, slot.y, slot.rotation, side="back")
        _crop_marks(drawer.ctx, layout)
        _fold_lines(drawer.ctx, layout, len(sheet))
        surface.show_page()
        pages += 1
        if layout.backs and layout.backs_on_next_page:
            for attendee, slot in zip(sheet, layout.backs, strict=False):
                with _bleed_clip(drawer.ctx, layout, slot):
                    drawer.draw(attendee, slot.x, slot.y, slot.rotation, side="back")
            _crop_marks(drawer.ctx, layout, side="back")
            surface.show_page()
            pages += 1
        if progress:
            progress(len(sheet))
    composer.expect_sheet((), (), drawer.ctx)
    if not attendees:
        surface.show_page()
        pages = 1
    surface.finish()
    return PartResult(pages, tuple(issues), len(drawer.failed_rows))


def _copied_duplex_sheet(drawer: Any, layout: Any, sheet: Sequence[Attendee], issues: list[RowIssue]) -> None:
    """A duplex sheet whose backs pdf_stream copies (see duplex_backs): each front badge under a clip to its own
    rectangle, its QR codes under their curved clip; then, on the back page, only what differs per side: the
    QR codes on the back page's own grid and the blank of a badge whose front failed."""
    from badge_renderer.compose import _cairo_lib
    from badge_renderer.duplex_backs import clip_codes, front_clip

    lib = _cairo_lib()
    codes = drawer.composer.draws_codes()
    failed: set[int] = set()
    for index, (attendee, slot) in enumerate(zip(sheet, layout.fronts, strict=False)):
        rect = front_clip(layout, slot)
        before = len(drawer.failed_rows)
        ctx = drawer.ctx
        pointer = ctx._pointer
        lib.cairo_save(pointer)
        lib.cairo_rectangle(pointer, *rect)
        lib.cairo_clip(pointer)
        try:
            issues.extend(drawer.draw(attendee, slot.x, slot.y, slot.rotation, codes=False))
        finally:
            if ctx is drawer.ctx:  # a failure leaves a fresh context behind (isolation)
                lib.cairo_restore(pointer)
        if len(drawer.failed_rows) != before:
            failed.add(index)
        elif codes:
            ctx = drawer.ctx
            ctx.save()
            clip_codes(ctx, rect)
            try:
                issues.extend(drawer.draw(attendee, slot.x, slot.y, slot.rotation, codes=True))
            finally:
                if ctx is drawer.ctx:
                    ctx.restore()
    _crop_marks(drawer.ctx, layout)
    drawer.surface.show_page()
    if not codes and not failed:
        return
    for index, (attendee, slot) in enumerate(zip(sheet, layout.backs, strict=False)):
        with _bleed_clip(drawer.ctx, layout, slot):
            if index in failed:
                drawer.blank(attendee, slot.x, slot.y, slot.rotation, side="back")
            elif codes:
                drawer.draw(attendee, slot.x, slot.y, slot.rotation, side="back", codes=True)


@contextmanager
def _bleed_clip(ctx: Any, layout: Any, slot: Any, fold: bool = False) -> Iterator[None]:
    """With a bleed, keep each badge's artwork to its own trim + bleed (and off the other half of a fold-over)."""
    if not layout.bleed:
        yield
        return
    from badge_renderer.layout.bleed import bleed_clip

    ctx.save()
    ctx.rectangle(*bleed_clip(slot, layout.bleed, fold))
    ctx.clip()
    try:
        yield
    finally:
        ctx.restore()


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


def _fold_lines(ctx: Any, layout: Any, badges: int) -> None:
    """A dashed hairline where each printed fold-over pair folds (nothing for duplex or single-sided sheets)."""
    if not layout.backs or layout.backs_on_next_page:
        return
    from badge_renderer.layout.marks import FOLD_DASH, fold_lines

    ctx.save()
    ctx.set_source_rgb(0.45, 0.45, 0.45)
    ctx.set_line_width(0.3)
    ctx.set_dash(FOLD_DASH)
    for line in fold_lines(layout.fronts[:badges], layout.backs[:badges]):
        ctx.move_to(line.x1, line.y1)
        ctx.line_to(line.x2, line.y2)
    ctx.stroke()
    ctx.restore()


def choose_workers(badges: int, requested: int | None) -> int:
    """All usable cores when the job is big enough to gain (see badge_renderer.parallel), else one process."""
    from badge_renderer.parallel import choose_workers as choose

    return choose(badges, requested)


def write_pdf(
    attendees: Sequence[Attendee],
    options: RenderOptions,
    out: Path,
    workers: int,
    progress: Progress | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> PartResult:
    """The whole, finished PDF: cairo draws a part (one, or one per worker), pdf_stream copies it into `out`
    with the print finish applied on the way (pdf_finish's pikepdf pass is only the fallback). Should duplex
    backs fail to copy (duplex_backs), the job is drawn again with its backs drawn.

    `meanwhile` is other work of the job for this process (design checks): with workers it runs here while they
    draw, so it is not added to the job's wall time (once: not again when the backs are drawn after all)."""
    from badge_renderer.duplex_backs import BackCopyError
    from badge_renderer.pdf_write.job import DirectWriterError, uses_direct_writer

    if uses_direct_writer(options):
        try:
            return _write_pdf(
                attendees, options, out, workers, progress, copy_backs=False, meanwhile=meanwhile, direct=True
            )
        except DirectWriterError as err:
            log.warning("the PDF writer could not write this job (%s); cairo draws it", err)
            meanwhile = None  # it ran
    try:
        return _write_pdf(attendees, options, out, workers, progress, copy_backs=True, meanwhile=meanwhile)
    except BackCopyError as err:
        log.warning("duplex backs could not be copied (%s); drawing them", err)
        return _write_pdf(attendees, options, out, workers, progress, copy_backs=False)


def _write_pdf(
    attendees: Sequence[Attendee],
    options: RenderOptions,
    out: Path,
    workers: int,
    progress: Progress | None,
    *,
    copy_backs: bool,
    meanwhile: Callable[[], None] | None = None,
    direct: bool = False,
) -> PartResult:
    if workers > 1:
        from badge_renderer.parallel import render_parallel

        return render_parallel(
            attendees, options, out, workers, progress, meanwhile, copy_backs=copy_backs, direct=direct
        )
    if meanwhile:
        meanwhile()
    from badge_renderer.pdf_stream import FinishedFile

    total = len(attendees)
    done = [0]

    def advance(count: int) -> None:
        done[0] += count
        if progress:
            progress(done[0], total)

    finish = None
    if direct:  # the own writer writes the part in the finished file's numbering, finished: copied as bytes
        from badge_renderer.pdf_stream import FIRST_NUMBER, finish_for
        from badge_renderer.render_support import plan_for

        finish = finish_for(plan_for(options), title="", pdfx=options.pdfx)
    base = FIRST_NUMBER if finish is not None else 0
    with tempfile.TemporaryDirectory(prefix="badgeforge-part-", dir=out.parent) as tmp:
        part = Path(tmp) / "part-000.pdf"
        result = write_pdf_part(
            attendees, options, part, advance, copy_backs=copy_backs, direct=direct, base=base, finish=finish
        )
        document = FinishedFile(out, options, copy_backs=copy_backs)
        try:
            document.add(part, result.forms, result.stand_ins, result.numbered)
            document.close()
        except BaseException:
            document.abort()
            raise
    return replace(result, finished=True)


def badge_png(
    attendee: Attendee, options: RenderOptions, dpi: int, composer: Any = None, side: str = "front"
) -> tuple[bytes, list[RowIssue]]:
    """One badge side as PNG bytes at `dpi` (white behind transparent artwork), with its dpi in a pHYs chunk so
    printer drivers and image editors print it at its real size."""
    from badge_renderer.png_encode import surface_png

    surface, issues = badge_surface(attendee, options, dpi, composer, side)
    png = surface_png(surface, dpi)
    surface.finish()
    return png, issues


def badge_surface(
    attendee: Attendee, options: RenderOptions, dpi: float, composer: Any = None, side: str = "front"
) -> tuple[Any, list[RowIssue]]:
    """One badge side drawn on a white cairo RGB24 image surface at `dpi` (the caller encodes and finishes it):
    the one raster path that PNG previews and ZPL labels share."""
    import cairocffi as cairo

    from badge_renderer.isolation import BadgeDrawer

    if composer is None:
        composer = make_composer(options)
    scale = dpi / 72
    raster = composer.static_raster(attendee.ticket_type, side, scale)
    surface = cairo.ImageSurface(cairo.FORMAT_RGB24, raster.get_width(), raster.get_height())
    ctx = cairo.Context(surface)
    ctx.set_operator(cairo.OPERATOR_SOURCE)  # a plain copy of white + the static layer, drawn once per job
    ctx.set_source_surface(raster, 0, 0)
    ctx.paint()
    ctx.set_operator(cairo.OPERATOR_OVER)
    ctx.scale(scale, scale)
    issues = BadgeDrawer(composer, surface, ctx).draw(attendee, 0, 0, side=side, static=False)
    return surface, issues


def make_composer(options: RenderOptions) -> Any:
    from badge_renderer.compose import BadgeComposer
    from badge_renderer.render_support import plan_for

    badge = plan_for(options).badge
    return BadgeComposer(options, badge.width, badge.height)


_previews: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_preview_lock = threading.Lock()
PREVIEW_COMPOSERS = 8  # designs x option sets a web server keeps warm


def preview_png(
    attendee: Attendee, options: RenderOptions, dpi: int, side: str = "front"
) -> tuple[bytes, list[RowIssue]]:
    """badge_png with the composer kept for the same options: a warm preview only draws and encodes (~5 ms)."""
    digest = [
        hashlib.blake2b(image or b"", digest_size=16).digest()
        for image in (options.background_image, options.logo_image)
    ]
    digest += [
        getattr(getattr(options.design_document, "document", None), "digest", b""),
        getattr(options.photos, "digest", b""),
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
        return badge_png(attendee, options, dpi, composer, side=side)


def png_workers(badges: int, cpus: int | None = None) -> int:
    """A 300 dpi PNG costs ~20 ms, so a second core pays for itself from a few dozen badges."""
    from badge_renderer.parallel import usable_cpus

    cpus = usable_cpus() if cpus is None else cpus
    return 1 if not hasattr(os, "fork") else max(1, min(cpus, badges // 24))


def write_png_zip(
    attendees: Sequence[Attendee],
    stems: Sequence[str],
    options: RenderOptions,
    out: Path,
    dpi: int,
    progress: Progress | None = None,
) -> None:
    """A stored (not deflated: PNGs are compressed) ZIP of `{stems[i]}.png` per badge, plus `{stems[i]}-back.png`
    for a design with its own back (card printers print both sides from the pair); big jobs draw and encode on
    every core, then the ZIP is written in order."""
    import zipfile

    from badge_renderer.parallel import page_ranges, run_ranges

    composer = make_composer(options)
    sides = ("front", "back") if composer.design.has_back else ("front",)
    for ticket_type in dict.fromkeys(a.ticket_type for a in attendees):
        for side in sides:
            composer.static_layer(ticket_type, side)  # recorded once, before any fork
    suffixes = {"front": ".png", "back": "-back.png"}
    total = len(attendees)
    workers = png_workers(total)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        if workers <= 1:
            for index, attendee in enumerate(attendees):
                for side in sides:
                    png = badge_png(attendee, options, dpi, composer, side=side)[0]
                    archive.writestr(stems[index] + suffixes[side], png)
                if progress:
                    progress(index + 1, total)
            return
        with tempfile.TemporaryDirectory(prefix="badgeforge-png-", dir=out.parent) as tmp:
            folder = Path(tmp)

            def encode(index: int, span: tuple[int, int], advance: Callable[[int], None]) -> int:
                for i in range(*span):
                    for side in sides:
                        png = badge_png(attendees[i], options, dpi, composer, side=side)[0]
                        (folder / f"{i:06d}-{side}.png").write_bytes(png)
                    advance(1)
                return span[1] - span[0]

            run_ranges(page_ranges(total, 1, workers), encode, progress)
            for i, stem in enumerate(stems):
                for side in sides:
                    archive.write(folder / f"{i:06d}-{side}.png", stem + suffixes[side])
