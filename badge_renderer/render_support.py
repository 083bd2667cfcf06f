"""Seams to the sibling packages (layout, text): one place that picks them, and the sheet plan for options."""

from __future__ import annotations

import importlib
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from badge_renderer.options import RenderOptions


@lru_cache(maxsize=1)
def layout_module() -> ModuleType:
    """badge_renderer.layout, or the temporary grid stand-in while that package is not there yet."""
    return _sibling("badge_renderer.layout", "plan_sheet", "badge_renderer._layout_stub")


@lru_cache(maxsize=1)
def text_module() -> ModuleType:
    """badge_renderer.text, or the temporary toy-font stand-in while that package is not there yet."""
    return _sibling("badge_renderer.text", "fit_text", "badge_renderer._text_stub")


def _sibling(name: str, needed: str, stand_in: str) -> ModuleType:
    """The sibling package once it is complete (exports `needed`), else the stand-in."""
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as err:
        if err.name != name:
            raise
        return importlib.import_module(stand_in)
    return module if hasattr(module, needed) else importlib.import_module(stand_in)


def font_families() -> tuple[str, ...]:
    text = text_module()
    library = getattr(text, "FontLibrary", None)
    return tuple(library.default().families) if library else ("sans", "serif", "mono")


def plan_for(options: RenderOptions) -> Any:
    """The SheetLayout for these options (preset, or paper + badge size + margins)."""
    from badge_renderer.designs import load_design

    layout = layout_module()
    if options.preset:
        return layout.plan_preset(
            options.preset,
            offset_x_mm=options.offset_x_mm,
            offset_y_mm=options.offset_y_mm,
            sides=options.sides,
            crop_marks=options.crop_marks,
        )
    design = load_design(options.design)
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
    )
