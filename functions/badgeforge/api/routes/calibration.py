"""GET /api/calibration.pdf: the printer calibration page for the form's paper (or label sheet) and offsets, so the
organizer can print it from the Print group, read the offsets, and print it again to check them. Costs no usage."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from flask import Blueprint, Response, request

from badge_renderer.errors import BadgeForgeError

from ..context import current_user
from ..errors import ApiError, from_badgeforge_error

bp = Blueprint("calibration", __name__)


def _offset(name: str) -> float:
    raw = request.args.get(name, "").strip()
    try:
        value = float(raw) if raw else 0.0
    except ValueError as err:
        raise ApiError(400, "bad_request", "The printer offset must be a number of millimetres.", field=name) from err
    if not math.isfinite(value):
        raise ApiError(400, "bad_request", "The printer offset must be a number of millimetres.", field=name)
    return value


@bp.get("/api/calibration.pdf")
def calibration_page():
    current_user()  # signed-in organizers only, like every other page of the form
    from badge_renderer.calibration import calibration_pdf

    paper = request.args.get("paper", "").strip()[:40] or "A4"
    preset = request.args.get("preset", "").strip()[:80] or None
    with tempfile.TemporaryDirectory(prefix="badgeforge-calibration-") as folder:
        out = Path(folder) / "calibration.pdf"
        try:
            calibration_pdf(
                out, paper, preset=preset, offset_x_mm=_offset("offset_x_mm"), offset_y_mm=_offset("offset_y_mm")
            )
        except BadgeForgeError as err:
            raise from_badgeforge_error(err, field=err.column or "paper") from err
        data = out.read_bytes()
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="printer-calibration.pdf"'},
    )
