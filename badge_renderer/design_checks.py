"""Job-level checks of a design against the chosen badge size and options, reported once per job, not per badge.

They say what would print badly (an event name no font covers, ...) before a print shop finds out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from badge_renderer.model import RowIssue

if TYPE_CHECKING:
    from badge_renderer.options import RenderOptions


def design_warnings(options: RenderOptions) -> tuple[RowIssue, ...]:
    """Every job-level warning about the design on this badge size with these options."""
    from badge_renderer.compose import unprintable
    from badge_renderer.designs import load_design
    from badge_renderer.render_support import text_module

    design = load_design(options.design)
    issues: list[RowIssue] = []
    if options.event_name:
        family = next((e.family for e in design.elements if e.kind == "event_name" and e.family), None)
        missing = text_module().missing_glyphs(options.event_name, family or options.font_family)
        if missing:
            issues.append(unprintable(None, "event_name", missing))
    return tuple(issues)
