"""The seam to badge_renderer, imported lazily: the functions start fast and the renderer's heavy deps load only
when a job really renders. Tests may pass another object with the same three methods."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol


class BadgeRenderer(Protocol):
    def read_attendees(
        self, data: bytes, *, filename: str, max_bytes: int, max_rows: int, mapping: Mapping[str, str] | None = None
    ) -> Any:
        """An AttendeeTable (attendees, warnings, ...); raises CsvError."""
        ...

    def options(self, data: Mapping[str, Any], images: Mapping[str, bytes]) -> Any:
        """RenderOptions from job.json; raises OptionsError."""
        ...

    def render_pdf(
        self, attendees: Sequence[Any], options: Any, out: Path, progress: Callable[[int, int], None] | None
    ) -> Any:
        """A RenderResult (badges, pages, pdf_path, pdf_bytes, warnings)."""
        ...

    def render_png_zip(self, attendees: Sequence[Any], options: Any, out: Path) -> Path:
        """A ZIP of one 300 dpi PNG per badge (job.json "png_zip": true)."""
        ...


class LibraryRenderer:
    """badge_renderer as documented in docs/architecture.md."""

    def read_attendees(
        self, data: bytes, *, filename: str, max_bytes: int, max_rows: int, mapping: Mapping[str, str] | None = None
    ) -> Any:
        from badge_renderer.attendees import CsvLimits, read_attendees

        limits = CsvLimits(max_bytes=max_bytes, max_rows=max_rows)
        return read_attendees(data, filename=filename, mapping=mapping, limits=limits)

    def options(self, data: Mapping[str, Any], images: Mapping[str, bytes]) -> Any:
        from badge_renderer.options import RenderOptions

        # The server decides the worker processes from its own CPUs (badge_renderer.parallel), never the uploader.
        return RenderOptions.from_dict(data, images=images).with_changes(workers=None)

    def render_pdf(
        self, attendees: Sequence[Any], options: Any, out: Path, progress: Callable[[int, int], None] | None
    ) -> Any:
        from badge_renderer.render import render_pdf

        return render_pdf(attendees, options, out, progress=progress)

    def render_png_zip(self, attendees: Sequence[Any], options: Any, out: Path) -> Path:
        from badge_renderer.render import render_png_zip

        return render_png_zip(attendees, options, out)
