"""Shared fixtures. Tests mirror the house: unit/ (pure), contract/ (ports x adapters), integration/ (real
servers on 127.0.0.1), e2e/ (a real browser)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# functions/main.py is imported as `main`, exactly as Cloud Functions does from the functions/ folder.
if str(ROOT / "functions") not in sys.path:
    sys.path.insert(0, str(ROOT / "functions"))


def pytest_sessionstart(session) -> None:
    """The static pages are built from web/pages/ (git-ignored output): build them once if a source changed."""
    from badgeforge import web_build

    web_build.ensure_built()
