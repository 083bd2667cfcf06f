"""The renderer's entry points, used by the CLI and the cloud functions."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
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
    part = write_pdf(selected, options, out, workers, progress)
    from badge_renderer.render_support import layout_warnings

    if part.failed >= len(selected):
        first = next((issue.message for issue in part.issues if issue.column is None), "")
        raise RenderError(
            f"None of the {len(selected):,} badges could be drawn. First problem: {first}",
            hint="Check the attendee file and the options; if they look right, report this job.",
            code="render_failed",
        )
    issues = layout_warnings(options) + part.issues  # sheet-level first: they concern every badge
    return RenderResult(len(selected), part.pages, out, out.stat().st_size, issues)


def render_preview_png(attendee: Attendee, options: RenderOptions, dpi: int = 150) -> bytes:
    """The first badge as a PNG (for the web page and `--preview`)."""
    return render_preview(attendee, options, dpi)[0]


def render_preview(
    attendee: Attendee, options: RenderOptions, dpi: int = 150, side: str = "front"
) -> tuple[bytes, list[RowIssue]]:
    """One badge side as a PNG and the warnings drawing it gave (text shortened, missing glyphs)."""
    from badge_renderer.output import badge_png

    options.validate()
    return badge_png(attendee, options, dpi, side=side)


def render_png_zip(
    attendees: Sequence[Attendee], options: RenderOptions, out: Path, dpi: int = 300, progress: Progress | None = None
) -> Path:
    """A ZIP with one PNG per badge (for badge printers that take images)."""
    from badge_renderer.output import badge_png, make_composer

    options.validate()
    selected = select_for_options(attendees, options)
    composer = make_composer(options)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for index, attendee in enumerate(selected, start=1):
            png, _ = badge_png(attendee, options, dpi, composer)
            archive.writestr(f"{index:05d}-{_slug(attendee.display_name)}.png", png)
            if progress:
                progress(index, len(selected))
    return out


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
    return slug[:40] or "badge"
