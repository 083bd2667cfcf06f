"""A job's badges through BadgeForge's own PDF writer (part.py): the same sheets, slots, marks and warnings as
output.write_pdf_part draws with cairo, for every job of a bundled design (design documents, which draw arbitrary
per-badge artwork, stay with cairo)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from badge_renderer.errors import BadgeForgeError
from badge_renderer.model import Attendee, RowIssue
from badge_renderer.options import RenderOptions
from badge_renderer.pdf_write.part import DirectWriterError

__all__ = ["WRITER_ENV", "DirectWriterError", "uses_direct_writer", "write_direct_part"]

log = logging.getLogger(__name__)
WRITER_ENV = "BADGEFORGE_PDF_WRITER"  # "cairo" draws every page with cairo (comparisons, a safety valve)


def uses_direct_writer(options: RenderOptions) -> bool:
    """Whether this job's pages are written by the own writer: every bundled design, unless turned off."""
    if os.environ.get(WRITER_ENV, "").strip().lower() == "cairo":
        return False
    from badge_renderer.designs import design_for

    return not design_for(options).is_document


def write_direct_part(
    attendees: Sequence[Attendee],
    options: RenderOptions,
    out: Path,
    progress: Callable[[int], None] | None = None,
    *,
    composer: Any = None,
    forms: Sequence[tuple[str, str]] = (),
    base: int = 0,
    finish: Any = None,
) -> Any:
    """write_pdf_part's result for `attendees` (whole sheets), written by the own writer.

    `forms`: (ticket type, side) of static layers to write up front whether these pages use them or not (the
    parent's part of a parallel job: workers' pages refer to them); the result reports their object numbers and
    those of any stand-ins (part.LayerStandIn) the composer gave instead of a layer. `base`, `finish` (a
    pdf_stream.Finish): a part in the finished file's numbering, finished as it is written: its pages' boxes,
    its static layers' forms (see part.DirectPart)."""
    from badge_renderer.compose import BadgeComposer
    from badge_renderer.layout.marks import FOLD_DASH, fold_lines
    from badge_renderer.output import PartResult
    from badge_renderer.pdf_write.part import DirectPart
    from badge_renderer.render_support import plan_for

    layout = plan_for(options)
    if composer is None:
        composer = BadgeComposer(options, layout.badge.width, layout.badge.height)
    issues: list[RowIssue] = []
    failed: set[int] = set()
    per_sheet = layout.per_sheet
    foldover = bool(layout.backs) and not layout.backs_on_next_page
    bleed = layout.bleed
    if bleed:
        from badge_renderer.layout.bleed import bleed_clip
    # A duplex back that repeats its front (no back of its own, no QR code to place on the back page's own grid) is
    # the front's operators again under the back slot's matrix: written once, copied from the front's.
    repeat = bool(layout.backs) and layout.backs_on_next_page and not composer.design.has_back
    repeat = repeat and not composer.draws_codes()
    fronts: list[bytes | None] = []
    with out.open("wb") as fh:
        boxes = None
        if finish is not None:
            from badge_renderer.pdf_stream import box_entries

            boxes = box_entries(finish)
        part = DirectPart(fh, layout.page.width, layout.page.height, base=base, boxes=boxes, finish=finish)
        numbers = {key: _layer_form(part, composer, key) for key in forms}

        def badges(page: Any, sheet: Sequence[Attendee], slots: Sequence[Any], side: str, fold: bool) -> None:
            for index, (attendee, slot) in enumerate(zip(sheet, slots, strict=False)):
                clip = bleed_clip(slot, bleed, fold) if bleed else None
                if side == "back" and attendee.row in failed:
                    _blank(page, composer, attendee, slot, side, clip)
                    continue
                if side == "back" and repeat and fronts[index] is not None:
                    page.begin_badge(slot.x, slot.y, slot.rotation, composer.width, composer.height, clip)
                    page.ops.append(fronts[index])
                    page.end_badge()
                    continue
                mark = len(page.ops)
                found = _write_badge(page, composer, attendee, slot, side, clip)
                if isinstance(found, BaseException):
                    failed.add(attendee.row)
                    _blank(page, composer, attendee, slot, side, clip)
                    issues.append(_failure(attendee, found))
                    if repeat and side == "front":
                        fronts.append(None)
                    continue
                if side == "front":
                    issues.extend(found)
                    if repeat:  # what came between the badge's own "q <matrix> cm" and its "Q"
                        fronts.append(b"".join(page.ops[mark + 1 : -1]))

        coded = composer.draws_codes() and composer.document is None
        sides = ("front", "back") if layout.backs else ("front",)
        batch = per_sheet * max(1, CODE_BATCH // per_sheet)  # whole sheets, about CODE_BATCH badges
        for start in range(0, len(attendees), per_sheet):
            sheet = attendees[start : start + per_sheet]
            fronts.clear()
            if coded and start % batch == 0:
                composer.expect_codes(attendees[start : start + batch], sides)  # encoded together
            page = part.page()
            badges(page, sheet, layout.fronts, "front", foldover)
            if foldover:
                badges(page, sheet, layout.backs, "back", True)
            page.lines(layout.marks_for("front"), gray=0, width=0.25)
            if foldover:
                page.lines(
                    fold_lines(layout.fronts[: len(sheet)], layout.backs[: len(sheet)]),
                    gray=0.45,
                    width=0.3,
                    dash=FOLD_DASH,
                )
            part.finish_page(page)
            if layout.backs and layout.backs_on_next_page:
                front_page, page = page, part.page()
                page.xobjects.update(front_page.xobjects)  # the repeated fronts' static layers
                badges(page, sheet, layout.backs, "back", False)
                fronts.clear()
                page.lines(layout.marks_for("back"), gray=0, width=0.25)
                part.finish_page(page)
            if progress:
                progress(len(sheet))
        if not attendees:
            part.finish_page(part.page())
        pages = part.close()
    return PartResult(
        pages,
        tuple(issues),
        len(failed),
        forms=tuple(numbers.items()),
        stand_ins=tuple(part.stand_ins.items()),
        numbered=part.body if base else (0, 0),
    )


CODE_BATCH = 32
"""Badges whose QR codes are encoded together (BadgeComposer.expect_codes): numpy's fixed cost per call is shared
by them. A version-11 vCard cost ~115 K instructions alone, ~91 K in fours, ~83 K in eights; a job of vCards
+153 K a badge at 16, +148 K at 48 (2026-12-02)."""


def _layer_form(part: Any, composer: Any, key: tuple[str, str]) -> int:
    """The object number of the layer's form; a worker's stand-in is a plain `/Name Do`, so it must need no
    placement operators."""
    _, number, placement = part.form(composer.static_layer(*key))
    if placement:
        raise DirectWriterError("a static layer form that needs placement operators cannot be shared by parts")
    return number


def _write_badge(
    page: Any, composer: Any, attendee: Attendee, slot: Any, side: str, clip: Any
) -> list[RowIssue] | BaseException:
    """The badge's operators on `page`, or the error that stopped it (its operators are taken back)."""
    mark = page.begin_badge(slot.x, slot.y, slot.rotation, composer.width, composer.height, clip)
    try:
        found = composer.write(page, attendee, side)
    except (BadgeForgeError, MemoryError, DirectWriterError):
        raise
    except Exception as err:
        log.warning("badge for row %s could not be drawn", attendee.row, exc_info=True)
        page.drop_badge(mark)
        return err
    page.end_badge()
    return found


def _blank(page: Any, composer: Any, attendee: Attendee, slot: Any, side: str, clip: Any) -> None:
    """The slot with the design's blank badge (its static layer) only."""
    page.begin_badge(slot.x, slot.y, slot.rotation, composer.width, composer.height, clip)
    page.static(composer.static_layer(attendee.ticket_type, side))
    page.end_badge()


def _failure(attendee: Attendee, err: BaseException) -> RowIssue:
    from badge_renderer.isolation import failure_issue

    return failure_issue(attendee, err)
