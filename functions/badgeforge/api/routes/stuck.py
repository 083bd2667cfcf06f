"""The admin console's list of stuck jobs (rendering past their lease, or queued with no upload event): what the
sweep would re-drive, each with what a re-drive charges. The re-drive itself is POST /api/admin/redrive."""

from __future__ import annotations

from flask import Blueprint, jsonify

from badgeforge.services import stuck_jobs

from ..context import api, current_admin
from ..web_wording import readable

bp = Blueprint("stuck", __name__)


@bp.get("/api/admin/stuck")
def stuck():
    current_admin()
    services = api().services
    return jsonify(
        {
            "jobs": readable(stuck_jobs.list_stuck(services)),
            "lease_seconds": int(services.settings.render_lease.total_seconds()),
        }
    )
