"""Job-level checks of a design against the chosen badge size and options, reported once per job, not per badge.

They say what would print badly before a print shop finds out: an event name that is shortened or that no font
covers, a two-sided design printed on one side, text that does not stand out from the organizer's background,
a name box too short for big names on this size.
"""

from __future__ import annotations

import functools
import io
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from badge_renderer.model import RowIssue

if TYPE_CHECKING:
    from badge_renderer.compose import BadgeComposer
    from badge_renderer.designs import Element
    from badge_renderer.options import RenderOptions

MIN_CONTRAST = 4.5  # WCAG AA for normal text, and the field's figure for badges read at arm's length
_ROLE_NAMES = {"name": "name", "event_name": "event name"}


def design_warnings(options: RenderOptions) -> tuple[RowIssue, ...]:
    """Every job-level warning about the design on this badge size with these options."""
    from badge_renderer.compose import BadgeComposer, unprintable
    from badge_renderer.render_support import plan_for, text_module

    badge = plan_for(options).badge
    composer = BadgeComposer(options, badge.width, badge.height)
    design = composer.design
    issues: list[RowIssue] = []
    if options.event_name:
        family = next((e.family for e in design.elements if e.kind == "event_name" and e.family), None)
        missing = text_module().missing_glyphs(options.event_name, family or options.font_family)
        if missing:
            issues.append(unprintable(None, "event_name", missing))
        issues += _event_name_fit(composer, options.event_name)
    if design.has_back and options.sides == "single":
        issues.append(
            RowIssue(
                None,
                "sides",
                f"The {design.title} design has a back (with its QR code) that single-sided printing leaves off; "
                "print it with --duplex or --fold-over",
            )
        )
    issues += _contrast(composer, options)
    issues += _name_room(composer, options, badge.name or f"{badge.width:.0f}x{badge.height:.0f}pt")
    return tuple(issues)


def _event_name_fit(composer: BadgeComposer, event_name: str) -> list[RowIssue]:
    for element in composer.design.elements:
        if element.kind == "event_name":
            fitted = composer.fitted(event_name, element)
            if fitted.truncated:
                shown = fitted.text.replace("\n", " ")
                return [
                    RowIssue(
                        None,
                        "event_name",
                        f"The event name is shortened to '{shown}' on every badge; a shorter one prints whole",
                    )
                ]
    return []


def _name_room(composer: BadgeComposer, options: RenderOptions, size_name: str) -> list[RowIssue]:
    """On badges 3 in wide or more, names get 18 pt: say so when the name box cannot hold two such lines."""
    from badge_renderer.compose import BIG_NAME_FROM_WIDTH, BIG_NAME_PT, LINE_HEIGHT

    if composer.width < BIG_NAME_FROM_WIDTH - 1e-6:
        return []
    element = next((e for e in composer.design.elements if e.kind == "name"), None)
    if element is None or composer.box(element)[3] >= 2 * BIG_NAME_PT * LINE_HEIGHT:
        return []
    fits = _sizes_with_name_room(options)
    hint = f"; sizes where they get two: {', '.join(fits)}" if fits else ""
    return [
        RowIssue(
            None,
            "badge_size",
            f"On {size_name} the {composer.design.title} name box holds one line at {BIG_NAME_PT:.0f} pt: long "
            f"names print smaller or shortened{hint}",
        )
    ]


def _sizes_with_name_room(options: RenderOptions) -> list[str]:
    from badge_renderer.compose import BIG_NAME_PT, LINE_HEIGHT, BadgeComposer
    from badge_renderer.layout import BADGE_SIZES

    plain = replace(options, background_image=None, logo_image=None)
    fits = []
    for size in BADGE_SIZES.values():
        composer = BadgeComposer(plain, size.width, size.height)
        element = next((e for e in composer.design.elements if e.kind == "name"), None)
        if element is not None and composer.box(element)[3] >= 2 * BIG_NAME_PT * LINE_HEIGHT:
            fits.append(size.name)
    return fits


def _contrast(composer: BadgeComposer, options: RenderOptions) -> list[RowIssue]:
    """Text against the organizer's background colour or image (the design's own colours are its business)."""
    if not options.background_color and composer.background is None:
        return []
    palette = composer.palette("")
    image = _luminance_grid(composer) if composer.background is not None else None
    issues, seen = [], set()
    sides = ("front", "back") if composer.design.has_back and options.sides != "single" else ("front",)
    for side in sides:
        for element in composer.design.side_elements(side):
            if element.kind not in ("name", "text", "event_name") or element.color == "on_accent":
                continue  # on_accent text sits on the design's own accent band, not on the background
            if element.kind == "event_name" and not options.event_name:
                continue
            behind = _region_luminance(image, composer, element) if image else _luminance(palette.rgb("background"))
            ratio = contrast_ratio(_luminance(palette.rgb(element.color)), behind)
            label = _label(element)
            if ratio < MIN_CONTRAST and label not in seen:
                seen.add(label)
                what = "background image" if image else f"background colour {palette.background}"
                issues.append(
                    RowIssue(
                        None,
                        "background_image" if image else "background_color",
                        f"The {label} ({_hex(palette, element)}) has {ratio:.1f}:1 contrast against the {what}, "
                        f"under {MIN_CONTRAST}:1: it will be hard to read; choose a lighter or darker background",
                    )
                )
    return issues


def contrast_ratio(a: float, b: float) -> float:
    """WCAG contrast ratio of two relative luminances."""
    high, low = max(a, b), min(a, b)
    return (high + 0.05) / (low + 0.05)


def _luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour (components 0..1)."""
    r, g, b = (_linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _luminance_grid(composer: BadgeComposer) -> Any:
    """The background image as painted (cover, centred), 1 px per 2 pt, as a grid of relative luminances."""
    assert composer.background is not None
    return _grid_of(composer.background, composer.width, composer.height)


@functools.lru_cache(maxsize=4)  # per (prepared image, badge size): the next job of the same event, a warm preview
def _grid_of(image: Any, width: float, height: float) -> Any:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(image.data)) as img:  # already validated and re-encoded by prepare_image
        size = (max(1, round(width / 2)), max(1, round(height / 2)))
        fitted = ImageOps.fit(img.convert("RGB"), size)
    raw = fitted.tobytes()
    channels = [_linear(v / 255) for v in range(256)]
    return fitted.size[0], tuple(  # shared by later calls: read only
        0.2126 * channels[raw[i]] + 0.7152 * channels[raw[i + 1]] + 0.0722 * channels[raw[i + 2]]
        for i in range(0, len(raw), 3)
    )


def _region_luminance(grid: Any, composer: BadgeComposer, element: Element) -> float:
    """Average relative luminance of the image under the element's box."""
    width, values = grid
    height = len(values) // width
    x, y, w, h = composer.box(element)
    x0, y0 = int(x / 2), int(y / 2)
    x1, y1 = max(x0 + 1, min(width, int((x + w) / 2))), max(y0 + 1, min(height, int((y + h) / 2)))
    region = [values[row * width + col] for row in range(y0, min(y1, height)) for col in range(x0, x1)]
    return sum(region) / len(region) if region else 0.0


def _label(element: Element) -> str:
    if element.kind in _ROLE_NAMES:
        return _ROLE_NAMES[element.kind]
    from badge_renderer.designs import format_fields

    fields = format_fields(element.format)
    return (fields[0] if fields else "text").replace("_", " ")


def _hex(palette: Any, element: Element) -> str:
    return element.color if element.color.startswith("#") else getattr(palette, element.color)
