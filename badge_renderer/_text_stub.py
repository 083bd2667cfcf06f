"""TEMPORARY stand-in for badge_renderer.text (cairo toy fonts), used only until that package lands.

Same call shapes as the contract in docs/architecture.md, so compose.py switches over without changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class FittedText:
    lines: tuple[str, ...]
    size: float
    truncated: bool
    width: float
    height: float
    family: str = "sans"
    weight: str = "bold"


_FACES = {"sans": "DejaVu Sans", "serif": "DejaVu Serif", "mono": "DejaVu Sans Mono"}


@lru_cache(maxsize=1)
def _measure_ctx() -> Any:
    import cairocffi as cairo

    return cairo.Context(cairo.ImageSurface(cairo.FORMAT_A8, 1, 1))


def _select(ctx: Any, family: str, weight: str, size: float) -> None:
    import cairocffi as cairo

    bold = cairo.FONT_WEIGHT_BOLD if weight in ("bold", "black", "semibold") else cairo.FONT_WEIGHT_NORMAL
    ctx.select_font_face(_FACES.get(family, "DejaVu Sans"), cairo.FONT_SLANT_NORMAL, bold)
    ctx.set_font_size(size)


def _width(text: str, family: str, weight: str, size: float) -> float:
    ctx = _measure_ctx()
    _select(ctx, family, weight, size)
    return ctx.text_extents(text)[4]


def fit_text(
    text: str,
    *,
    box_width: float,
    box_height: float,
    family: str = "sans",
    weight: str = "bold",
    max_size: float = 48,
    min_size: float = 10,
    max_lines: int = 2,
    line_height: float = 1.15,
    library: Any = None,
) -> FittedText:
    text = " ".join(text.split())
    size = min(max_size, box_height / line_height)
    while size >= min_size:
        if _width(text, family, weight, size) <= box_width:
            return FittedText(
                (text,), size, False, _width(text, family, weight, size), size * line_height, family, weight
            )
        size -= 1
    size = max(1.0, min(min_size, box_height / (line_height * max_lines)))
    words, lines, truncated = text.split(" "), [], False
    current = ""
    for word in words:
        trial = f"{current} {word}".strip()
        if _width(trial, family, weight, size) <= box_width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    lines.append(current)
    if len(lines) > max_lines:
        lines, truncated = lines[:max_lines], True
    fitted = []
    for line in lines:
        if _width(line, family, weight, size) > box_width:
            truncated = True
            while line and _width(line + "…", family, weight, size) > box_width:
                line = line[:-1]
            line += "…"
        fitted.append(line)
    if truncated and not fitted[-1].endswith("…"):
        fitted[-1] = fitted[-1].rstrip(" .") + "…"
        while len(fitted[-1]) > 1 and _width(fitted[-1], family, weight, size) > box_width:
            fitted[-1] = fitted[-1][:-2] + "…"
    width = max(_width(line, family, weight, size) for line in fitted)
    return FittedText(tuple(fitted), size, truncated, width, size * line_height * len(fitted), family, weight)


def draw_text(
    ctx: Any,
    fitted: FittedText,
    x: float,
    y: float,
    box_width: float,
    box_height: float,
    *,
    color: tuple[float, float, float] = (0, 0, 0),
    align: str = "center",
    valign: str = "middle",
) -> None:
    ctx.save()
    _select(ctx, fitted.family, fitted.weight, fitted.size)
    ctx.set_source_rgb(*color)
    line_h = fitted.height / max(1, len(fitted.lines))
    top = {"top": y, "bottom": y + box_height - fitted.height}.get(valign, y + (box_height - fitted.height) / 2)
    for i, line in enumerate(fitted.lines):
        w = ctx.text_extents(line)[4]
        left = {"left": x, "right": x + box_width - w}.get(align, x + (box_width - w) / 2)
        ctx.move_to(left, top + i * line_h + fitted.size * 0.85)
        ctx.show_text(line)
    ctx.restore()
