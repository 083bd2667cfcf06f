"""Fuzzing /api/preview: whatever file, options and images arrive, the answer is 200 with a preview or a 4xx
with the JSON error shape, never a 500. The suite runs a small fixed profile; `BADGEFORGE_FUZZ_EXAMPLES=10000`
runs the big one (docs/architecture.md, "Hostile input")."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import event, given

from tests.api.conftest import make_env
from tests.hostile_inputs import attendee_files, count_example, fuzz_settings, images, job_options


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory):
    env = make_env(tmp_path_factory.mktemp("preview-fuzz"))
    return env, env.headers("organizer@example.com")


def _form(data: bytes, options: dict, background: bytes | None, logo: bytes | None, mapping: dict | None) -> dict:
    form = {"csv": (io.BytesIO(data), "attendees.csv"), "options": json.dumps(options)}
    if mapping is not None:
        form["mapping"] = json.dumps(mapping)
    for name, image in (("background", background), ("logo", logo)):
        if image is not None:
            form[name] = (io.BytesIO(image), f"{name}.png")
    return form


@fuzz_settings(default_examples=20)
@given(data=attendee_files(), options=job_options(), background=images(), logo=images())
def test_the_preview_route_never_answers_500(signed_in, data, options, background, logo) -> None:
    count_example("preview")
    env, headers = signed_in
    response = env.client.post("/api/preview", headers=headers, data=_form(data, options, background, logo, None))
    body = response.get_json()
    assert response.status_code < 500, body
    if response.status_code == 200:
        assert body["preview"].startswith("data:image/png;base64,")
        assert body["count"] >= 1 and all(len(row) == len(body["columns"]) for row in body["rows"])
        event("previewed")
    else:
        assert body["error"]["code"] and body["error"]["message"]
        error = body["error"]
        event(f"{response.status_code} {error['code']} {error.get('field', '')} {error['message'][:70]}")
