"""What firebase-tools deploys, read from the real decorators' manifests (`__firebase_endpoint__`) in main.py, plus
the Storage times and the database instance main.py must cope with."""

from __future__ import annotations

import json

import pytest

from badgeforge import deployment
from tests.fixtures.events import UPLOAD_CSV_NANOS, UPLOAD_CSV_NO_FRACTION, load_event
from tests.functions.conftest import make_user, outbox


def test_render_badges_runs_one_job_per_instance_on_two_cpus(runtime):
    endpoint = runtime.main.render_badges.__firebase_endpoint__
    assert endpoint.concurrency == 1  # None would become 80 on cpu 2
    assert endpoint.cpu == 2
    assert endpoint.availableMemoryMb >= 1024  # 4x the measured 50,000-row job (docs/deploy.md)
    assert endpoint.timeoutSeconds == 540


def test_render_chunk_runs_one_chunk_per_instance_on_two_cpus(runtime):
    endpoint = runtime.main.renderChunk.__firebase_endpoint__
    assert endpoint.concurrency == 1 and endpoint.cpu == 2
    assert endpoint.availableMemoryMb >= 2048 and endpoint.timeoutSeconds == 1800
    assert endpoint.taskQueueTrigger is not None


def test_api_has_a_full_cpu_and_serves_requests_concurrently(runtime):
    endpoint = runtime.main.api.__firebase_endpoint__
    assert endpoint.cpu != "gcf_gen1" and endpoint.cpu >= 1
    assert endpoint.concurrency >= 20


def test_send_badge_mail_listens_on_the_projects_instance_only(runtime):
    trigger = runtime.main.send_badge_mail.__firebase_endpoint__.eventTrigger
    settings = runtime.services.settings
    assert trigger["eventFilters"]["instance"] == settings.database_url.split("//")[1].split(".")[0]
    assert "instance" not in trigger.get("eventFilterPathPatterns", {})  # no wildcard


def test_every_function_runs_as_the_dedicated_service_account(runtime):
    for name in ("render_badges", "send_badge_mail", "adjust_usage", "api", "retry_failed_mail"):
        assert getattr(runtime.main, name).__firebase_endpoint__.serviceAccountEmail == "badgeforge-runtime@", name


def test_runtime_service_account_can_be_named():
    assert deployment.runtime_service_account(
        {"BADGEFORGE_RUNTIME_SERVICE_ACCOUNT": "bf@p.iam.gserviceaccount.com"}
    ) == ("bf@p.iam.gserviceaccount.com")


def test_secrets_are_secret_params_where_they_are_read(runtime):
    main = runtime.main
    for name in ("render_badges", "send_badge_mail", "api", "retry_failed_mail"):
        secrets = {s["key"] for s in getattr(main, name).__firebase_endpoint__.secretEnvironmentVariables or []}
        assert "BADGEFORGE_LINK_SECRET" in secrets, name
    for name in ("send_badge_mail", "api", "retry_failed_mail"):
        secrets = {s["key"] for s in getattr(main, name).__firebase_endpoint__.secretEnvironmentVariables or []}
        assert "SENDGRID_API_KEY" in secrets, name


@pytest.mark.parametrize("fixture", [UPLOAD_CSV_NO_FRACTION, UPLOAD_CSV_NANOS])
def test_render_badges_accepts_every_rfc3339_time(services, runtime, small_csv, fixture):
    user = make_user(services)
    path = f"uploads/{user.uid}/j-time/attendees.csv"
    services.blobs.write_bytes(path, small_csv, content_type="text/csv")
    runtime.main.render_badges(load_event(fixture, object_name=path, size=len(small_csv)))
    assert services.db.get(f"jobs/{user.uid}/j-time/status") == "done"
    assert len(outbox(services)) == 1


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"BADGEFORGE_DATABASE_INSTANCE": "events-eu", "FIREBASE_CONFIG": "{}"}, "events-eu"),
        ({"FIREBASE_CONFIG": json.dumps({"databaseURL": "https://p1-default-rtdb.firebaseio.com"})}, "p1-default-rtdb"),
        (
            {"FIREBASE_CONFIG": json.dumps({"databaseURL": "https://eu1.europe-west1.firebasedatabase.app"})},
            "eu1",
        ),
        ({"FIREBASE_CONFIG": json.dumps({"databaseURL": "http://127.0.0.1:9000/?ns=demo-x"})}, "demo-x"),
        ({"FIREBASE_CONFIG": json.dumps({"projectId": "p2"})}, "p2-default-rtdb"),
    ],
)
def test_database_instance_sources(env, expected):
    assert deployment.database_instance(env) == expected


def test_database_instance_never_falls_back_to_a_wildcard():
    with pytest.raises(ValueError, match="BADGEFORGE_DATABASE_INSTANCE"):
        deployment.database_instance({})


def test_api_serves_concurrent_requests_with_one_app(services, runtime, monkeypatch):
    """api runs 40 requests at once per instance: concurrent first requests must build ONE app, and every request
    gets its own answer (Flask request contexts are per thread)."""
    import threading
    import time

    import flask

    import badgeforge.api.app as api_app

    built: list[object] = []
    real_create_app = api_app.create_app

    def slow_create_app(*args, **kwargs):
        time.sleep(0.05)  # widen the window in which a second thread would build its own app
        app = real_create_app(*args, **kwargs)
        built.append(app)
        return app

    monkeypatch.setattr(api_app, "create_app", slow_create_app)
    api_app._cloud_app = None
    barrier = threading.Barrier(20)
    answers: list[tuple[int, str]] = []
    errors: list[BaseException] = []

    # One request-building app made here: Werkzeug compiles each new app's URL rules with compile(), and
    # CPython 3.11 before 3.11.8 can raise "AST constructor recursion depth mismatch" when threads compile at once.
    requests_app = flask.Flask("api-test")

    def call(i: int) -> None:
        barrier.wait()
        try:
            path = "/api/auth/config" if i % 2 else f"/d/not-a-token-{i}"
            with requests_app.test_request_context(path, method="GET"):
                response = runtime.main.api(flask.request)
            answers.append((response.status_code, path))
        except BaseException as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(20)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        api_app._cloud_app = None
    assert not errors
    assert len(built) == 1
    assert len(answers) == 20 and all(status < 500 for status, _ in answers)
    assert {status for status, path in answers if path == "/api/auth/config"} == {200}
