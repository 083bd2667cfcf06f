"""--bleed and --pdfx through the cloud path: job.json -> render_badges -> the stored PDF, and `badgeforge run`'s
job files. Bad values fail the job with the option named, consume nothing and send nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pytest

from tests.functions.conftest import make_user, outbox


def _job(services, uid, job_id="j1"):
    return services.db.get(f"jobs/{uid}/{job_id}")


def test_job_json_bleed_and_pdfx_reach_the_stored_pdf(services, runtime, small_csv):
    user = make_user(services)
    options = {"bleed_mm": 3, "pdfx": True, "crop_marks": True}
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv, "job.json": json.dumps(options).encode()})
    job = _job(services, user.uid)
    assert job["status"] == "done", job.get("error")
    with pikepdf.open(services.blobs.local_path(job["output"])) as pdf:
        trim, bleed = ([float(v) for v in box] for box in (pdf.pages[0].trimbox, pdf.pages[0].bleedbox))
        assert trim[0] - bleed[0] == pytest.approx(3 * 72 / 25.4, abs=0.001)
        assert pdf.Root.OutputIntents[0].S == "/GTS_PDFX"
    assert len(outbox(services)) == 1


@pytest.mark.parametrize(
    "options", [{"bleed_mm": 12}, {"bleed_mm": "3mm"}, {"bleed_mm": 3, "preset": "avery-5395"}, {"pdfx": "yes"}]
)
def test_bad_bleed_or_pdfx_fails_the_job_naming_the_option(services, runtime, small_csv, options):
    user = make_user(services)
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv, "job.json": json.dumps(options).encode()})
    job = _job(services, user.uid)
    assert job["status"] == "failed" and job["error"]["column"] == next(iter(options)), job["error"]
    assert "Traceback" not in job["error"]["message"]
    assert services.db.get(f"users/{user.uid}/allowed_usage") == 10 and services.db.get("badgeMails") is None


def test_badgeforge_run_puts_bleed_and_pdfx_into_job_json(tmp_path: Path):
    from badgeforge.cli.run_cmd import _job_files

    csv = tmp_path / "a.csv"
    csv.write_text("name\nAda\n")
    files = _job_files(csv, {"bleed": 3.0, "pdfx": True})
    assert json.loads(files["job.json"]) == {"bleed_mm": 3.0, "pdfx": True}
    assert "job.json" not in _job_files(csv, {"bleed": None, "pdfx": False})
