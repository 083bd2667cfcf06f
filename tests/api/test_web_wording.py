"""Web messages never mention CLI flags: renderer errors, preview warnings, a job's status and its warnings all
name the form's field instead (--map -> the column mapping, --offset-x -> Printer offset, --preset -> label sheet)."""

from __future__ import annotations

import json
import re

from badgeforge.api.web_wording import for_web

from .conftest import CSV, upload_form

FLAG = re.compile(r"(?<![\w-])--[a-z]")


def _no_flags(value) -> None:
    text = json.dumps(value)
    assert not FLAG.search(text), text


def test_every_flag_the_renderer_names_reads_as_the_forms_field():
    from badge_renderer.attendees.reader import _HEADER_HINT

    samples = [
        _HEADER_HINT,
        "Fix the --map option to use one of these column names (or its number, counting from 1).",
        "correct with --offset-x/--offset-y.",
        "print it with --duplex or --fold-over",
        "Raise --margin, or leave --margin on auto.",
        "or use --one-per-page for a badge printer",
        "Use duplex printing with this sheet, or fold-over on plain paper without --preset.",
        "Print without --bleed on this sheet, or use plain paper (without --preset) and cut the badges.",
        "an unknown --flag-we-never-wrote here",
    ]
    for sample in samples:
        assert not FLAG.search(for_web(sample)), for_web(sample)
    assert "Printer offset right and down" in for_web(samples[2])
    assert "the column mapping" in for_web(samples[1])
    assert for_web("Ada -- and a dash") == "Ada -- and a dash"


def test_preview_errors_and_warnings_name_the_form_not_flags(env):
    headers = env.headers("organizer@example.com")
    draft = env.client.post("/api/drafts", headers=headers, data=upload_form(CSV)).get_json()["id"]

    def preview(options: dict, mapping: dict | None = None):
        data = {"draft": draft, "options": json.dumps(options)}
        if mapping:
            data["mapping"] = json.dumps(mapping)
        return env.client.post("/api/preview", headers=headers, data=data)

    bad_column = preview({}, {"full_name": "Nope"})
    assert bad_column.status_code == 400 and "column mapping" in bad_column.get_json()["error"]["hint"]
    _no_flags(bad_column.get_json())
    fold = preview({"preset": "herma-4412", "sides": "foldover"})
    assert fold.status_code == 400
    _no_flags(fold.get_json())
    estimate = preview({"preset": "avery-5390"})  # an unconfirmed preset: its note used to say --offset-x
    assert any("Printer offset" in w["message"] for w in estimate.get_json()["warnings"])
    _no_flags(estimate.get_json()["warnings"])
    back = preview({"design": "pass"})  # a back left off: the note used to say --duplex or --fold-over
    assert any(w["column"] == "sides" for w in back.get_json()["warnings"])
    _no_flags(back.get_json()["warnings"])


def test_a_jobs_status_and_warnings_name_the_form_not_flags(env):
    headers = env.headers("organizer@example.com")
    uid = env.organizer.uid
    error = {"code": "no_name_column", "message": "No names", "hint": "or use --map full_name=Column."}
    warning = {"row": None, "column": "preset", "message": "correct with --offset-x/--offset-y."}
    env.services.db.set(f"jobs/{uid}/j1", {"status": "failed", "error": error, "warnings": [warning]})
    job = env.client.get("/api/jobs/j1", headers=headers).get_json()
    assert job["error"]["code"] == "no_name_column"
    _no_flags(job)
    listed = env.client.get("/api/jobs/j1/warnings", headers=headers).get_json()
    assert listed["total"] == 1
    _no_flags(listed)
    _no_flags(env.client.get("/api/jobs/j1/warnings.csv", headers=headers).get_data(as_text=True))
