"""Print layout: papers and badge sizes, label-sheet presets, N-up imposition, crop marks, duplex and fold-over.

Pure geometry in PDF points (top-left origin, y down); the composer draws what this computes. Nothing here imports
cairo, so the options check and the cloud functions can plan a sheet cheaply.
"""

from badge_renderer.layout.bleed import MAX_BLEED_MM, check_bleed
from badge_renderer.layout.geometry import Line, SheetLayout, Size, Slot
from badge_renderer.layout.imposition import SIDES, auto_margin_mm, plan_sheet
from badge_renderer.layout.marks import crop_marks
from badge_renderer.layout.presets import PRESETS, SheetPreset, find_preset, plan_preset, preset_warnings
from badge_renderer.layout.sizes import BADGE_SIZES, PAPERS, parse_badge_size, parse_paper
from badge_renderer.layout.units import MM, mm

__all__ = [
    "BADGE_SIZES",
    "MAX_BLEED_MM",
    "MM",
    "PAPERS",
    "PRESETS",
    "SIDES",
    "Line",
    "SheetLayout",
    "SheetPreset",
    "Size",
    "Slot",
    "auto_margin_mm",
    "check_bleed",
    "crop_marks",
    "find_preset",
    "mm",
    "parse_badge_size",
    "parse_paper",
    "plan_preset",
    "plan_sheet",
    "preset_warnings",
]
