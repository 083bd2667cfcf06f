"""Seams to the sibling packages (layout, text) and the sheet plan for a set of options."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from badge_renderer.options import RenderOptions


def layout_module() -> ModuleType:
    """badge_renderer.layout (imported on first use: it is cheap, but keeps this seam in one place)."""
    return importlib.import_module("badge_renderer.layout")


def text_module() -> ModuleType:
    """badge_renderer.text (HarfBuzz shaping, cairo show_glyphs)."""
    return importlib.import_module("badge_renderer.text")


def font_families() -> tuple[str, ...]:
    return tuple(text_module().FontLibrary.default().families)


def plan_for(options: RenderOptions) -> Any:
    """The SheetLayout for these options (preset, or paper + badge size + margins)."""
    from badge_renderer.designs import design_for

    layout = layout_module()
    design = design_for(options)
    if options.preset:
        return layout.plan_preset(
            options.preset,
            offset_x_mm=options.offset_x_mm,
            offset_y_mm=options.offset_y_mm,
            sides=options.sides,
            crop_marks=options.crop_marks,
            design_size=layout.parse_badge_size(options.badge_size or design.default_badge_size),
            bleed_mm=options.bleed_mm,
        )
    return layout.plan_sheet(
        layout.parse_paper(options.paper),
        layout.parse_badge_size(options.badge_size or design.default_badge_size),
        margin_mm=options.margin_mm,
        gutter_mm=options.gutter_mm,
        offset_x_mm=options.offset_x_mm,
        offset_y_mm=options.offset_y_mm,
        one_per_page=options.one_per_page,
        sides=options.sides,
        crop_marks=options.crop_marks,
        rotate=options.rotate,
        bleed_mm=options.bleed_mm,
    )


def layout_warnings(options: RenderOptions) -> tuple[Any, ...]:
    """The sheet plan's notes (unconfirmed preset, badges turned, crop marks dropped) as job-level RowIssues."""
    from badge_renderer.model import RowIssue

    column = "preset" if options.preset else "layout"
    return tuple(RowIssue(None, column, note) for note in plan_for(options).notes)
