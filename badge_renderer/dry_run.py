"""Every row's text warnings (shortened text, characters no font has) before anything is drawn or charged.

A real render fits every name with HarfBuzz (~0.4 ms a name); 50,000 rows would take 20 s, too slow for a form that
answers as the organizer types. Most rows are nowhere near their box's limit, so each value first gets a cheap,
safe bound: the sum of its characters' widths (each shaped alone, ink included) with a margin for kerning. A row
whose every value fits on one line at the element's smallest size under that bound cannot be shortened and has no
missing glyph (all its characters are in the primary font). Any other row is drawn for real by the job's own
BadgeComposer on a context with an empty clip (cairo skips the painting), so its warnings are exactly the job's.
"""

from __future__ import annotations

import operator
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields, replace
from typing import Any

from badge_renderer.designs import Element, fill_format
from badge_renderer.model import Attendee, RowIssue
from badge_renderer.names import upper_for_print
from badge_renderer.options import RenderOptions

# A line's shaped width is at most the sum of its characters' widths, except for positive kerning, which is small
# in the bundled fonts; this margin keeps the bound on the safe side (a miss only costs an exact check).
KERNING_MARGIN = 1.04
SIMPLE_SCRIPTS_BELOW = 0x0530  # Latin, IPA, Greek, Cyrillic: one glyph per character, no shaping across them
MAX_REMEMBERED = 200_000  # answers kept per run (organizations and roles repeat; a name rarely does)
_NAME_FIELDS = ("first_name", "last_name", "full_name")


_ATTRIBUTES = frozenset(f.name for f in fields(Attendee) if f.type in ("str", str))


class _CharWidths:
    """Per-character width bounds (em) for one font family and weight; None where a character needs shaping."""

    def __init__(self, library: Any, family: str, weight: str) -> None:
        from badge_renderer.text.shaping import shape_cached

        self._shape = lambda ch: shape_cached(library, ch, family, weight, 0)
        primary = library.chain(family, weight)[0]
        regular = library.chain(family, "regular")[0]  # missing_glyphs asks the regular chain's first font
        self._covered = primary.cmap & regular.cmap
        self._widths: dict[str, float | None] = {" ": self._shape(" ").advance}

    def bound(self, text: str) -> float | None:
        """An upper bound of `text`'s width in em on one line, or None when only shaping can tell."""
        total = 0.0
        widths = self._widths
        for ch in text:
            width = widths.get(ch, -1.0)
            if width == -1.0:
                width = widths[ch] = self._measure(ch)
            if width is None:
                return None
            total += width
        return total * KERNING_MARGIN

    def _measure(self, ch: str) -> float | None:
        cp = ord(ch)
        if cp >= SIMPLE_SCRIPTS_BELOW or cp not in self._covered or unicodedata.category(ch)[0] in "MC":
            return None
        left, right = self._shape(ch).extent
        return right - left


class TextDryRun:
    """The text warnings a render of these options would give, row by row, without drawing (one per options)."""

    def __init__(self, options: RenderOptions) -> None:
        from badge_renderer.output import make_composer

        # The QR code is not text: leaving it out keeps its encoding off this path (its box stays where it is).
        self.options = replace(options, qr_field=None, qr_kind="text")
        self.composer = make_composer(self.options)
        self._drawer: Any = None
        self._widths: dict[tuple[str, str], _CharWidths] = {}
        self._fine: dict[tuple[int, Any], bool] = {}
        self.exact_rows = 0  # rows that needed a real fit (bench/dry_run_speed.py prints it)
        self._checks = [(e, _reader(e), self._floor(e), self.composer.box(e)[2]) for e in self._elements()]

    def _elements(self) -> list[Element]:
        show_pronouns = self.options.show_pronouns
        return [
            e
            for e in self.composer.design.side_elements("front")
            if e.kind == "name" or (e.kind == "text" and (e.option != "pronouns" or show_pronouns))
        ]

    @staticmethod
    def _floor(element: Element) -> float:
        """The smallest size the composer lets this element shrink to before an ellipsis (see compose._fit_uncached:
        names fall back to the design's own min_size, other text to one line at it)."""
        return min(element.min_size, element.max_size)

    def issues(self, attendees: Iterable[Attendee]) -> list[RowIssue]:
        """Every text warning of these badges' fronts, in row order (as the job's own list has them)."""
        out: list[RowIssue] = []
        for attendee in attendees:
            if not self._clearly_fine(attendee):
                out.extend(self._exact(attendee))
        return out

    def _clearly_fine(self, attendee: Attendee) -> bool:
        fine_cache = self._fine
        for index, (element, read, floor, width) in enumerate(self._checks):
            key = (index, read(attendee))
            fine = fine_cache.get(key)
            if fine is None:
                name = element.kind == "name"
                value = attendee.display_name if name else fill_format(element.format, attendee.get)[0]
                fine = not value or self._fits(element, floor, width, value)
                if len(fine_cache) < MAX_REMEMBERED:
                    fine_cache[key] = fine
            if not fine:
                return False
        return True

    def _fits(self, element: Element, floor: float, width: float, value: str) -> bool:
        family = element.family or self.options.font_family
        widths = self._widths.get((family, element.weight))
        if widths is None:
            library = self.composer.text.FontLibrary.default()
            widths = self._widths[(family, element.weight)] = _CharWidths(library, family, element.weight)
        bound = widths.bound(upper_for_print(value) if element.uppercase else value)
        return bound is not None and bound * floor <= width

    def _exact(self, attendee: Attendee) -> list[RowIssue]:
        self.exact_rows += 1
        if self._drawer is None:
            import cairocffi as cairo

            from badge_renderer.isolation import BadgeDrawer

            surface = cairo.ImageSurface(cairo.FORMAT_A8, 1, 1)
            ctx = cairo.Context(surface)
            ctx.rectangle(0, 0, 0, 0)
            ctx.clip()  # an empty clip: cairo fits and shapes, but paints nothing
            # as the job draws: a badge that fails is that row's warning ("could not be drawn"), not an error
            self._drawer = BadgeDrawer(self.composer, surface, ctx)
        return self._drawer.draw(attendee, 0, 0)


def _reader(element: Element) -> Callable[[Attendee], Any]:
    """What an element's printed value depends on, read from an attendee in one call (the cache key)."""
    from badge_renderer.designs import format_fields

    names = _NAME_FIELDS if element.kind == "name" else format_fields(element.format)
    if all(name in _ATTRIBUTES for name in names) and names:
        return operator.attrgetter(*names)
    return lambda attendee: tuple(attendee.get(name) for name in names)


def text_warnings(attendees: Sequence[Attendee], options: RenderOptions) -> list[RowIssue]:
    """The per-row text warnings render_pdf would return for these (already selected) attendees."""
    options.validate()
    return TextDryRun(options).issues(attendees)
