"""Fixtures of the render tests."""

from __future__ import annotations

import pytest

from badge_renderer.pdf_write.job import WRITER_ENV


@pytest.fixture
def cairo_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages drawn by cairo (the path for design documents, and the fallback), for tests of that path itself."""
    monkeypatch.setenv(WRITER_ENV, "cairo")
