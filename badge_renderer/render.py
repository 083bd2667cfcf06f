"""The renderer's entry points, used by the CLI and the cloud functions."""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from badge_renderer.designs import list_designs
from badge_renderer.errors import OptionsError, RenderError
from badge_renderer.model import Attendee, RowIssue
from badge_renderer.options import RenderOptions

__all__ = ["RenderOptions", "RenderResult", "list_designs", "render_pdf", "render_png_zip", "render_preview_png"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RenderResult:
    badges: int
    pages: int
    pdf_path: Path
    pdf_bytes: int
    warnings: tuple[RowIssue, ...]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a job draws (on again after, whatever happens).

    A render allocates millions of short-lived tuples and objects that form no cycles, while its caches keep tens
    of thousands alive: each automatic full collection walked all of them, ~20 % of a 6,000-badge job (py-spy).
    Reference counting still frees everything as before; only cycle detection waits until the job is done. If
    another thread already paused it, this leaves the switch to that thread.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def select_for_options(attendees: Sequence[Attendee], options: RenderOptions) -> Sequence[Attendee]:
    """Only the ticket types asked for (case-insensitive, on ticket type, else role), in file order; with
    group_by_type, each type's badges together (stable, types in order of first appearance) so a print shop can
    change card stock or lanyards between groups."""
    if options.ticket_types:
        from badge_renderer.attendees import select_ticket_types

        attendees = select_ticket_types(attendees, options.ticket_types)
    if options.group_by_type:
        order: dict[str, int] = {}
        for person in attendees:
            order.setdefault((person.ticket_type or person.role).strip().casefold(), len(order))
        attendees = sorted(attendees, key=lambda p: order[(p.ticket_type or p.role).strip().casefold()])
    return attendees


def render_pdf(
    attendees: Sequence[Attendee], options: RenderOptions, out: Path, progress: Progress | None = None
) -> RenderResult:
    """Render every attendee into one print-ready PDF at `out` (streamed; both cores for big jobs)."""
    early = _background_early(options)  # decoded beside the checks and imports; parallel joins it before forking
    try:
        return _render_pdf(attendees, options, Path(out), progress)
    finally:
        _join(early)  # ended already unless the job failed first: then no thread outlives it either


def _render_pdf(
    attendees: Sequence[Attendee], options: RenderOptions, out: Path, progress: Progress | None
) -> RenderResult:
    from badge_renderer.output import choose_workers, write_pdf

    options.validate()
    selected = select_for_options(attendees, options)
    if not selected:
        raise OptionsError(
            "No attendee matches the chosen ticket types"
            if options.ticket_types
            else "There are no attendees to print",
            hint="Check the ticket type names or the attendee file.",
            column="ticket_types" if options.ticket_types else None,
        )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    workers = choose_workers(len(selected), options.workers)
    from badge_renderer import design_checks
    from badge_renderer.render_support import layout_warnings

    checks: list[tuple[RowIssue, ...]] = []  # the job-level design checks, made while a worker draws
    with collector_paused():  # forked workers inherit the paused collector
        part = write_pdf(
            selected,
            options,
            out,
            workers,
            progress,
            meanwhile=lambda: checks.append(design_checks.design_warnings(options)),
        )

    if part.failed >= len(selected):
        first = next((issue.message for issue in part.issues if issue.column is None), "")
        raise RenderError(
            f"None of the {len(selected):,} badges could be drawn. First problem: {first}",
            hint="Check the attendee file and the options; if they look right, report this job.",
            code="render_failed",
        )
    if not part.finished:
        with collector_paused():
            _finish(out, options)
    # sheet- and design-level first: they concern every badge
    issues = layout_warnings(options) + (checks[0] if checks else design_checks.design_warnings(options)) + part.issues
    return RenderResult(len(selected), part.pages, out, out.stat().st_size, issues)


def _background_early(options: RenderOptions) -> object:
    """The background photo prepared on another thread for the composer (same box: the badge, covered)."""
    if not options.background_image:
        return None
    from badge_renderer import images
    from badge_renderer.render_support import plan_for

    try:
        badge = plan_for(options).badge
    except Exception:  # bad options: validate() says what is wrong
        return None
    return images.prepare_in_background(
        options.background_image,
        box_width_pt=badge.width,
        box_height_pt=badge.height,
        label="background_image",
        cover=True,
    )


def _join(early: object) -> None:
    if early is not None:
        from badge_renderer import images

        images.join_background()


def _finish(out: Path, options: RenderOptions) -> None:
    """Page boxes, title, clean dictionaries and (with options.pdfx) the PDF/X-4 parts: see pdf_finish."""
    from badge_renderer.pdf_finish import finish_for_options

    finish_for_options(out, options)


def render_preview_png(attendee: Attendee, options: RenderOptions, dpi: int = 150) -> bytes:
    """The first badge as a PNG (for the web page and `--preview`); warm calls reuse the composer."""
    return render_preview(attendee, options, dpi)[0]


def render_preview(
    attendee: Attendee, options: RenderOptions, dpi: int = 150, side: str = "front"
) -> tuple[bytes, list[RowIssue]]:
    """One badge side as a PNG and the warnings drawing it gave (text shortened, missing glyphs); warm calls reuse
    the composer."""
    from badge_renderer.output import preview_png

    options.validate()
    return preview_png(attendee, options, dpi, side)


def render_png_zip(
    attendees: Sequence[Attendee], options: RenderOptions, out: Path, dpi: int = 300, progress: Progress | None = None
) -> Path:
    """A ZIP with one PNG per badge (for badge printers that take images); big jobs use every core."""
    from badge_renderer.output import write_png_zip

    options.validate()
    selected = select_for_options(attendees, options)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stems = [f"{index:05d}-{_slug(attendee.display_name)}" for index, attendee in enumerate(selected, start=1)]
    with collector_paused():
        write_png_zip(selected, stems, options, out, dpi, progress)
    return out


def _slug(name: str) -> str:
    """A file name part that keeps every letter of the name in its own script (ZIP stores it as UTF-8): letters,
    marks (Devanagari vowel signs, accents) and digits stay, anything else becomes one hyphen."""
    name = unicodedata.normalize("NFC", name)
    kept = "".join(c if unicodedata.category(c)[0] in "LMN" else "-" for c in name)
    slug = re.sub(r"-+", "-", kept).strip("-").lower()
    return slug[:40].rstrip("-") or "badge"
