"""The badge email speaks the job's `locale` option, else the organizer's profile language, else English; a bad
locale fails the job with a clear reason before anything is rendered, charged or mailed."""

from __future__ import annotations

import email
import email.policy
import json

from tests.functions.conftest import make_user, outbox


def _last_mail(services) -> email.message.EmailMessage:
    return email.message_from_bytes(outbox(services)[-1].read_bytes(), policy=email.policy.default)


def _parts(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def test_job_locale_option_makes_a_german_email(services, runtime, small_csv):
    user = make_user(services)
    job_json = json.dumps({"event_name": "Tagung", "locale": "de-DE"}).encode()
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv, "job.json": job_json})
    assert services.db.get(f"jobs/{user.uid}/j1")["status"] == "done"
    message = _last_mail(services)
    text, html = _parts(message)
    assert message["Subject"] == "Ihre Namensschilder für Tagung sind fertig (3 Schilder)"
    assert "Dieser Link funktioniert bis" in text and '<html lang="de">' in html


def test_profile_language_is_used_without_a_job_option(services, runtime, small_csv):
    user = make_user(services)
    services.db.update(f"users/{user.uid}", {"locale": "de"})
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
    assert _last_mail(services)["Subject"].startswith("Ihre Namensschilder")


def test_default_email_is_english(services, runtime, small_csv):
    user = make_user(services)
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv})
    text, html = _parts(_last_mail(services))
    assert "This link works until" in text and '<html lang="en">' in html


def test_a_bad_locale_fails_the_job_and_charges_nothing(services, runtime, small_csv):
    user = make_user(services, usage=10)
    job_json = json.dumps({"locale": ["de"]}).encode()
    runtime.upload(user.uid, "j1", {"attendees.csv": small_csv, "job.json": job_json})
    job = services.db.get(f"jobs/{user.uid}/j1")
    assert job["status"] == "failed" and job["error"]["column"] == "locale"
    assert "language tag such as 'en' or 'de-DE'" in job["error"]["message"]
    assert outbox(services) == [] and services.db.get(f"users/{user.uid}/allowed_usage") == 10
