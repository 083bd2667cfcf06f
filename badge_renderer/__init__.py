"""BadgeForge's renderer: attendee rows in, print-ready badge PDFs out. No cloud imports.

Importing this package stays cheap (cairo, Pillow, Jinja2 load on first use); the render API is re-exported lazily.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "RenderOptions": "badge_renderer.options",
    "RenderResult": "badge_renderer.render",
    "render_pdf": "badge_renderer.render",
    "render_preview_png": "badge_renderer.render",
    "render_png_zip": "badge_renderer.render",
    "list_designs": "badge_renderer.designs",
}

__all__ = sorted(_LAZY)

from badge_renderer import native_import  # noqa: E402  (cached cairocffi binding: ~0.25 s off a fresh process)

native_import.install()


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'badge_renderer' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
