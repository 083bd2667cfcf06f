"""A job with a design document and a photo ZIP beside its CSV (what the upload form stores): rendered through the
real pipeline; a missing photo is a row warning in the job's status; a hostile ZIP fails the job with a reason and
consumes no usage."""

from __future__ import annotations

import io
import json
import zipfile

from PIL import Image

from badge_renderer.design_document import export_design
from tests.functions.conftest import make_user, outbox

CSV = b"First Name,Last Name,Photo\nAda,Lovelace,ada.jpg\nAlan,Turing,alan.jpg\n"


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 400), (20, 90, 200)).save(out, "JPEG")
    return out.getvalue()


def _job_json() -> bytes:
    doc = export_design("classic")
    doc["elements"] = [e for e in doc["elements"] if e["id"] != "qr"]
    doc["elements"].append(
        {"id": "photo", "kind": "photo", "column": "Photo", "box": {"x": 72, "y": 40, "width": 24, "height": 26}}
    )
    return json.dumps({"design_document": doc, "photos": "photos.zip"}).encode()


def test_photo_job_renders_and_warns_about_the_missing_photo(services, runtime):
    user = make_user(services)
    runtime.upload(
        user.uid, "j1", {"job.json": _job_json(), "photos.zip": _zip({"ada.jpg": _jpeg()}), "attendees.csv": CSV}
    )
    job = services.db.get(f"jobs/{user.uid}/j1")
    assert job["status"] == "done", job
    warnings = json.dumps(job.get("warnings", job))
    assert "alan.jpg" in warnings and "placeholder" in warnings
    assert len(outbox(services)) == 1


def test_hostile_photo_zip_fails_the_job_with_a_reason(services, runtime):
    user = make_user(services, usage=10)
    bad = _zip({"../../escape.jpg": _jpeg()})
    runtime.upload(user.uid, "j1", {"job.json": _job_json(), "photos.zip": bad, "attendees.csv": CSV})
    job = services.db.get(f"jobs/{user.uid}/j1")
    assert job["status"] == "failed", job
    assert "points outside the archive" in json.dumps(job)
    assert services.db.get(f"users/{user.uid}")["allowed_usage"] == 10
    assert outbox(services) == []


def test_a_job_prints_the_saved_design_it_names_read_from_the_database(services, runtime):
    from pypdf import PdfReader

    from badgeforge.services import saved_designs

    user = make_user(services)
    doc = export_design("classic")
    doc["elements"].append(
        {"id": "table", "kind": "text", "text": "Table {Table}", "box": {"x": 5, "y": 5, "width": 40, "height": 8}}
    )
    saved = saved_designs.create(services, user.uid, "Gala", doc, services.clock.now())
    csv = b"First Name,Last Name,Table\nAda,Lovelace,T17\n"
    runtime.upload(user.uid, "j1", {"job.json": json.dumps({"design_id": saved.id}).encode(), "attendees.csv": csv})
    job = services.db.get(f"jobs/{user.uid}/j1")
    assert job["status"] == "done", job
    pdf = services.blobs.read_bytes(f"badges/{user.uid}/j1/badges.pdf")
    assert "Table T17" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    runtime.upload(
        user.uid, "j2", {"job.json": json.dumps({"design_id": "missing-design-id"}).encode(), "attendees.csv": csv}
    )
    failed = services.db.get(f"jobs/{user.uid}/j2")
    assert failed["status"] == "failed" and failed["error"]["column"] == "design_id", failed
