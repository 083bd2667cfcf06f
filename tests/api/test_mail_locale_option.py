"""The `locale` job option (the badge email's language) is checked when the job is made, like the render options,
and reaches job.json for the render job; it is no render option, so RenderOptions never sees it."""

from __future__ import annotations

import json

from .conftest import upload_form
from .test_jobs import start_job


def test_locale_option_is_accepted_and_kept_for_the_render_job(env):
    start_job(env, env.headers("organizer@example.com"), options=json.dumps({"locale": "de-DE", "event_name": "X"}))
    _, _, files, _ = env.submitter.calls[-1]
    assert json.loads(files["job.json"])["locale"] == "de-DE"


def test_a_bad_locale_option_is_a_clear_400(env):
    form = upload_form(options=json.dumps({"locale": "<script>"}))
    response = env.client.post("/api/jobs", headers=env.headers("organizer@example.com"), data=form)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == ("bad_options", "locale")
    assert "language tag such as 'en' or 'de-DE'" in error["message"]
    assert env.submitter.calls == []
