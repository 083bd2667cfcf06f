"""Fuzzing the whole render path: attendee bytes -> reader -> options -> fitting -> drawing -> PDF (the preview
PNG is fuzzed through its route, tests/api/test_preview_fuzz.py).

Whatever arrives, the result is a PDF with one badge per selected attendee, or one of the project's own errors
(BadgeForgeError: a message for the organizer). Anything else is a crash. The suite runs a small fixed profile;
`BADGEFORGE_FUZZ_EXAMPLES=10000` runs the big one (docs/architecture.md, "Hostile input").
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import event, given

from badge_renderer.attendees import CsvLimits, read_attendees
from badge_renderer.errors import BadgeForgeError
from badge_renderer.options import SERVER_SIZED_OPTIONS, RenderOptions
from badge_renderer.render import render_pdf, select_for_options
from tests.hostile_inputs import attendee_files, count_example, fuzz_settings, images, job_options

LIMITS = CsvLimits(max_bytes=200_000, max_rows=8)


def render_or_error(data: bytes, option_data: dict, background: bytes | None, logo: bytes | None, out: Path):
    """The path a render job takes; returns the result or the project's own error, raises anything else."""
    uploaded = {name: image for name, image in (("bg.png", background), ("logo.png", logo)) if image is not None}
    option_data = {k: v for k, v in option_data.items() if k not in SERVER_SIZED_OPTIONS}  # the server decides
    if background is not None:
        option_data["background_image"] = "bg.png"
    if logo is not None:
        option_data["logo_image"] = "logo.png"
    try:
        options = RenderOptions.from_dict(option_data, images=uploaded)
        table = read_attendees(data, filename="attendees.csv", limits=LIMITS)
        if not table.attendees:
            event("no attendees")
            return None
        result = render_pdf(table.attendees, options, out)
    except BadgeForgeError as err:
        assert str(err) and "Traceback" not in str(err)
        event(
            f"refused: {type(err).__name__} {err.column or err.code}"
            + (f" {err.message[:60]}" if err.code in ("not_text", "bad_input") else "")
        )
        return err
    event("rendered")
    assert result.badges == len(select_for_options(table.attendees, options))
    assert out.read_bytes().startswith(b"%PDF-")
    return result


@fuzz_settings(default_examples=25)
@given(data=attendee_files(), option_data=job_options(), background=images(), logo=images())
def test_the_render_path_never_crashes(data, option_data, background, logo) -> None:
    count_example("render")
    with tempfile.TemporaryDirectory() as tmp:
        render_or_error(data, option_data, background, logo, Path(tmp) / "badges.pdf")
