"""The renderer's native libraries, checked when an instance starts instead of at its first render.

Why: cairocffi and badge_renderer.text.cairo_fonts open libcairo.so.2 and libfreetype.so.6 from the runtime image
lazily, at the first badge. On an image without them (a runtime moved to another base image family) every job would
fail after it had claimed a use and spent its time. main.py calls `require()` at import on Cloud Functions, so such an
instance fails to start: the deploy's health check (or the first cold start) reports it, with this message.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# (library, sonames tried in order, a symbol that must resolve, the Debian/Ubuntu package that ships it)
REQUIRED: Sequence[tuple[str, tuple[str, ...], str, str]] = (
    ("cairo", ("libcairo.so.2", "libcairo.2.dylib"), "cairo_pdf_surface_create_for_stream", "libcairo2"),
    ("freetype", ("libfreetype.so.6", "libfreetype.6.dylib"), "FT_New_Face", "libfreetype6"),
)


class NativeLibraryMissing(RuntimeError):
    """A library the renderer needs is not in this runtime image."""


@dataclass(frozen=True)
class Found:
    name: str
    path: str


def _open(sonames: Sequence[str], name: str, loader: Callable[[str], ctypes.CDLL]) -> tuple[ctypes.CDLL, str] | None:
    candidates = [*sonames, ctypes.util.find_library(name) or ""]
    for candidate in (c for c in candidates if c):
        try:
            return loader(candidate), candidate
        except OSError:
            continue
    return None


def require(loader: Callable[[str], ctypes.CDLL] = ctypes.CDLL) -> list[Found]:
    """Open each library and resolve one symbol the renderer calls; raise NativeLibraryMissing naming them all."""
    found: list[Found] = []
    missing: list[str] = []
    for name, sonames, symbol, package in REQUIRED:
        opened = _open(sonames, name, loader)
        if opened is None:
            missing.append(f"{sonames[0]} (Debian/Ubuntu package {package})")
            continue
        library, path = opened
        try:
            getattr(library, symbol)
        except AttributeError:
            missing.append(f"{path} without {symbol} (package {package} too old?)")
            continue
        found.append(Found(name, path))
    if missing:
        raise NativeLibraryMissing(
            "The badge renderer cannot start: missing " + "; ".join(missing) + ". Deploy on the python313 runtime "
            "(Ubuntu 22.04 image with libcairo2 and libfreetype6, see docs/deploy.md) or install the packages."
        )
    return found
