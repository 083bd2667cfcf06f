"""Live preview: what the reader detected in the CSV and the first badge as the renderer draws it. Costs no usage
(but is rate-limited per user: each one parses the CSV and renders a badge)."""

from __future__ import annotations

import base64
from typing import Any

from flask import Blueprint, jsonify

from badge_renderer.errors import BadgeForgeError

from .. import pipeline
from ..context import api, current_user
from ..errors import from_badgeforge_error
from ..limits import take_preview_slot
from ..uploads import read_table, read_upload, render_options

bp = Blueprint("preview", __name__)

FIRST_ROWS = 5
MAX_WARNINGS = 50
MAX_CELL_CHARS = 200


def first_rows(table: Any, limit: int = FIRST_ROWS) -> list[list[str]]:
    """The first data rows as the reader read them (never a second parse: that one disagreed with the reader on
    bare CRs and long fields), so the user can check the column mapping."""
    return [[cell[:MAX_CELL_CHARS] for cell in row] for row in table.sample_rows[:limit]]


@bp.post("/api/preview")
def preview():
    user = current_user()
    services = api().services
    take_preview_slot(services, user.uid, pipeline.now(services))
    with api().previews.hold(user.uid):
        upload = read_upload()
        table = read_table(upload)
        options = render_options(upload)
        from badge_renderer.render import render_preview_png

        try:
            png = render_preview_png(table.attendees[0], options, dpi=96)
        except BadgeForgeError as err:
            raise from_badgeforge_error(err) from err
    return jsonify(
        {
            "columns": list(table.columns),
            "rows": first_rows(table),
            "mapping": dict(table.field_map),
            "count": len(table.attendees),
            "source_format": table.source_format,
            "encoding": table.encoding,
            "delimiter": table.delimiter,
            "warnings": [w.to_dict() for w in table.warnings[:MAX_WARNINGS]],
            "warning_count": len(table.warnings),
            "first": {"name": table.attendees[0].display_name, "row": table.attendees[0].row},
            "preview": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        }
    )
