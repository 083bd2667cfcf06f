"""Unicode bidi for one line: embedding levels per character (python-bidi) and the visual order of runs.

python-bidi 0.6's public API only returns the reordered string; its pure-Python module still exposes the rule
steps, which give the resolved level of each character. HarfBuzz then shapes each run in its own direction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from bidi import algorithm

# Strong right-to-left letters, Arabic digits and explicit RTL controls; text without them is all level 0.
_RTL_HINT = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\u200f\u202b\u202e\u2067\U00010800-\U00010fff\U0001e800-\U0001efff]"
)

T = TypeVar("T")


def has_rtl(text: str) -> bool:
    return _RTL_HINT.search(text) is not None


def base_level(text: str) -> int:
    """0 for a left-to-right paragraph, 1 when its first strong letter is right-to-left (rule P2/P3)."""
    return algorithm.get_base_level(text) if has_rtl(text) else 0


def embedding_levels(text: str, base: int | None = None) -> list[int]:
    """Resolved bidi level of each character (even = left to right, odd = right to left)."""
    if base is None:
        base = base_level(text)
    if base == 0 and not has_rtl(text):
        return [0] * len(text)
    storage = algorithm.get_empty_storage()
    storage["base_level"] = base
    storage["base_dir"] = ("L", "R")[base]
    algorithm.get_embedding_levels(text, storage, False, False)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index  # X9 drops embedding controls from the list; keep the way back to the text
        if not char["type"]:  # newer than Python's Unicode database: treat as a left-to-right letter
            char["type"] = char["orig"] = "L"
    algorithm.explicit_embed_and_overrides(storage, False)
    algorithm.resolve_weak_types(storage, False)
    algorithm.resolve_neutral_types(storage, False)
    algorithm.resolve_implicit_levels(storage, False)
    levels: list[int | None] = [None] * len(text)
    for char in storage["chars"]:
        levels[char["index"]] = char["level"]
    resolved, previous = [], base
    for level in levels:
        previous = previous if level is None else level
        resolved.append(previous)
    return resolved


def visual_order(items: Sequence[T], levels: Sequence[int]) -> list[T]:
    """Rule L2: reverse every maximal sequence at or above each level, from the highest down to the lowest odd."""
    if not any(level % 2 for level in levels) and (len(set(levels)) <= 1):
        return list(items)  # one left-to-right level: already in visual order
    order = list(range(len(items)))
    highest = max(levels)
    lowest_odd = min(levels) | 1  # the lowest level rounded up to odd, as in the reference implementations
    current = list(levels)
    for level in range(highest, lowest_odd - 1, -1):
        start = None
        for pos in range(len(order) + 1):
            inside = pos < len(order) and current[pos] >= level
            if inside and start is None:
                start = pos
            elif not inside and start is not None:
                order[start:pos] = reversed(order[start:pos])
                current[start:pos] = reversed(current[start:pos])
                start = None
    return [items[index] for index in order]
