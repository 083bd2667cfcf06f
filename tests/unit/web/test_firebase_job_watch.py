"""web/js/firebase_job_watch.js hands the job page the same job object GET /api/jobs/{id} answers.

The subscription itself (the SDK's onValue) is not run: the Realtime Database emulator needs Java 21 (unavailable
here) and the SDK speaks its own WebSocket protocol, which the repository's RTDB REST server does not. So the
mapping from the database node to the API's job shape is what is tested, against the Python job_view itself, by
running the page's module in Node.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from badgeforge.api.routes.jobs import job_view

ROOT = Path(__file__).resolve().parents[3]
MODULE = ROOT / "web" / "js" / "firebase_job_watch.js"

NODES = {
    "queued": {"status": "queued", "created_at": "2026-12-01T10:00:00Z", "filename": "a.csv", "holds": {"x": 1}},
    "rendering": {"status": "rendering", "progress": 42.5, "attempts": 1, "lease_until": "2026-12-01T10:10:00Z"},
    "done": {
        "status": "done",
        "progress": 100,
        "badges": 12,
        "pages": 2,
        "output": {"pdf": "badges/u/j/badges.pdf"},
        "warnings": {"0": {"row": 3, "message": "shortened"}, "1": {"row": 9, "message": "missing glyph"}},
        "event_name": "Forge Conf",
        "design": "classic",
        "updated_at": "2026-12-01T10:01:00Z",
    },
    "failed": {"status": "failed", "error": {"code": "bad_csv", "message": "row 4: no name", "row": 4}},
    "listed-warnings": {"status": "done", "warnings": [{"row": 1, "message": "m"}]},
}


def js_views(nodes: dict) -> dict:
    script = (
        f"import {{ jobView }} from {json.dumps(MODULE.as_uri())};\n"
        f"const nodes = {json.dumps(nodes)};\n"
        "const out = {};\n"
        "for (const [id, node] of Object.entries(nodes)) out[id] = jobView(id, node);\n"
        "console.log(JSON.stringify(out));\n"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def views() -> dict:
    if shutil.which("node") is None:
        pytest.skip("node is not installed (scripts/system_deps.sh node)")
    return js_views({**NODES, "deleted": {"status": "done", "deleted_at": "2026-12-01T11:00:00Z"}, "gone": None})


@pytest.mark.parametrize("job_id", sorted(NODES))
def test_the_database_node_maps_to_what_the_api_answers(views, job_id):
    assert views[job_id] == job_view(None, "uid", job_id, NODES[job_id], with_link=False)


def test_internal_fields_stay_out_of_the_page(views):
    assert "holds" not in views["queued"] and "output" not in views["done"] and "attempts" not in views["rendering"]
    assert views["done"]["warnings"] == [{"row": 3, "message": "shortened"}, {"row": 9, "message": "missing glyph"}]


def test_a_deleted_or_trashed_job_is_no_job(views):
    """The API answers 404 for both; the page gets null and can say the job is gone."""
    assert views["gone"] is None
    assert views["deleted"] is None
