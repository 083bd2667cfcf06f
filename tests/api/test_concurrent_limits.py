"""Limits under real concurrency: threads released together against the Flask app on the local SQLite tree."""

from __future__ import annotations

import dataclasses
import email
import threading
from datetime import timedelta
from email import policy

from badgeforge.api import create_app
from badgeforge.api.limits import JobRate
from badgeforge.ports import TransactionAborted
from badgeforge.services import rate_limits

from .conftest import PASSWORD, upload_form
from .test_jobs import finish, start_job


def at_once(count: int, call) -> list:
    """Run call(i) on `count` threads released by one barrier; return the results in order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        results[i] = call(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_thirty_concurrent_job_posts_accept_exactly_the_rate(env):
    app = create_app(env.services, submitter=env.submitter, job_rate=JobRate(max_jobs=10))
    app.testing = True
    client = app.test_client()
    token = client.post("/api/auth/signin", json={"email": "organizer@example.com", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    env.services.db.set(f"users/{env.organizer.uid}", {"email": "organizer@example.com", "allowed_usage": 100})

    def post(_: int):
        return app.test_client().post("/api/jobs", headers=headers, data=upload_form())

    responses = at_once(30, post)
    codes = sorted(r.status_code for r in responses)
    assert codes.count(202) == 10 and codes.count(429) == 20, codes
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert len(env.submitter.calls) == 10


def _outbox(env) -> list:
    return sorted((env.services.settings.home / "outbox").glob("*.eml"))


def test_thirty_concurrent_fresh_link_emails_send_only_what_the_limit_allows(env):
    headers = env.headers("organizer@example.com")
    job_id = start_job(env, headers)
    finish(env, env.organizer.uid, job_id)

    def ask(_: int):
        return env.app.test_client().post(f"/api/jobs/{job_id}/link", headers=headers, json={"email": True})

    responses = at_once(30, ask)
    codes = [r.status_code for r in responses]
    assert codes.count(200) == 3 and codes.count(429) == 27, codes
    refused = next(r for r in responses if r.status_code == 429)
    assert "this job" in refused.get_json()["error"]["message"] and int(refused.headers["Retry-After"]) > 0
    assert len(_outbox(env)) == 3


def test_an_event_name_with_line_breaks_still_gets_its_fresh_link_mail(env):
    headers = env.headers("organizer@example.com")
    job_id = start_job(env, headers)
    finish(env, env.organizer.uid, job_id)
    env.services.db.update(f"jobs/{env.organizer.uid}/{job_id}", {"event_name": "PyCon\r\nBcc: victim@example.com"})
    response = env.client.post(f"/api/jobs/{job_id}/link", headers=headers, json={"email": True})
    assert response.status_code == 200, response.get_json()
    (mail,) = _outbox(env)
    message = email.message_from_bytes(mail.read_bytes(), policy=policy.default)
    assert message["Subject"] == "A new download link for your badges: PyCon Bcc: victim@example.com"
    assert message["Bcc"] is None


def test_live_previews_are_limited_per_user(env, monkeypatch):
    """Each preview parses the CSV and renders a badge; a script must not get thousands a minute."""
    monkeypatch.setattr(rate_limits, "PREVIEWS", (rate_limits.Window(2, timedelta(minutes=1), "Previews"),))
    headers = env.headers("organizer@example.com")
    codes = [env.client.post("/api/preview", headers=headers, data=upload_form()).status_code for _ in range(2)]
    refused = env.client.post("/api/preview", headers=headers, data=upload_form())
    assert codes == [200, 200] and refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited" and int(refused.headers["Retry-After"]) > 0
    other = env.client.post("/api/preview", headers=env.headers("admin@example.com"), data=upload_form())
    assert other.status_code == 200, "the limit is per user"


class ContendedTree:
    """Fault injection: every transaction gives up as RTDB does after 25 conflicting writers (cannot be caused here
    on purpose: the local tree serialises writers instead of refusing them)."""

    def __init__(self, inner) -> None:
        self.inner = inner

    def transaction(self, path, fn):
        raise TransactionAborted(f"transaction on {path!r} aborted (injected)")

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_a_limit_transaction_that_keeps_conflicting_answers_503_not_500(env):
    headers = env.headers("organizer@example.com")
    app = create_app(dataclasses.replace(env.services, db=ContendedTree(env.services.db)), submitter=env.submitter)
    response = app.test_client().post("/api/jobs", headers=headers, data=upload_form())
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "busy"
    assert response.headers["Retry-After"] == "1" and env.submitter.calls == []
