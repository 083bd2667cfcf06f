"""Fault injection into a badge's drawing, whichever PDF writer draws it (cairo, or BadgeForge's own)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import badge_renderer.compose as compose


def before_each_badge(monkeypatch: pytest.MonkeyPatch, before: Callable[[Any], None]) -> None:
    """Run `before(attendee)` ahead of every badge side: cairo draws through BadgeComposer.draw, BadgeForge's own
    PDF writer through BadgeComposer.write (fault injection: raise, sleep or exit in there)."""
    draw, write = compose.BadgeComposer.draw, compose.BadgeComposer.write

    def drawing(self: Any, ctx: Any, attendee: Any, *args: Any, **kwargs: Any) -> Any:
        before(attendee)
        return draw(self, ctx, attendee, *args, **kwargs)

    def writing(self: Any, page: Any, attendee: Any, *args: Any, **kwargs: Any) -> Any:
        before(attendee)
        return write(self, page, attendee, *args, **kwargs)

    monkeypatch.setattr(compose.BadgeComposer, "draw", drawing)
    monkeypatch.setattr(compose.BadgeComposer, "write", writing)
