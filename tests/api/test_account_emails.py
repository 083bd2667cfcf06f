"""The account emails (verify, reset, account exists) get the badge email's treatment: HTML with viewport meta and
<title>, a text part, and the language the browser asked for (Accept-Language), all from templates/email/messages.

Real parts: the app on the local adapters, the outbox folder, the real templates and catalogues.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from badgeforge.config import templates_dir

from .conftest import PASSWORD
from .test_accounts import NEW, NEW_PASSWORD, accounts, mails  # noqa: F401 (accounts is a fixture)

MESSAGES = Path(templates_dir()) / "email" / "messages"


def messages(lang: str) -> dict[str, str]:
    return json.loads((MESSAGES / f"{lang}.json").read_text(encoding="utf-8"))


def parts(message) -> tuple[str, str]:
    return (
        message.get_body(preferencelist=("plain",)).get_content(),
        message.get_body(preferencelist=("html",)).get_content(),
    )


def ask(client, kind: str, language: str | None):
    headers = {"Accept-Language": language} if language else {}
    if kind == "verify":
        return client.post("/api/auth/signup", json={"email": NEW, "password": NEW_PASSWORD}, headers=headers)
    if kind == "exists":
        body = {"email": "organizer@example.com", "password": "another long password"}
        return client.post("/api/auth/signup", json=body, headers=headers)
    return client.post("/api/auth/reset-request", json={"email": "organizer@example.com"}, headers=headers)


CASES = [("verify", NEW), ("exists", "organizer@example.com"), ("reset", "organizer@example.com")]


@pytest.mark.parametrize(("kind", "to"), CASES)
def test_an_account_email_is_a_proper_html_email_with_a_text_part(accounts, kind, to):  # noqa: F811
    client, services, _ = accounts
    assert ask(client, kind, None).status_code == 202
    (message,) = mails(services, to)
    text, html = parts(message)
    english = messages("en")
    assert message["Subject"] == english[f"{kind}_subject"]
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert f"<title>{english[f'{kind}_title']}</title>" in html and '<html lang="en">' in html
    assert english[f"{kind}_button"] in html and english[f"{kind}_footer"] in text and english[f"{kind}_footer"] in html
    assert re.search(r"The link works once, until \d{1,2} \w+ \d{4}, \d\d:\d\d UTC\.", text)
    link = re.search(r"https?://\S+#token=[\w-]+", text).group(0)
    assert html.count(link) == 3, "the button, and the copyable link (its href and its text)"


@pytest.mark.parametrize(("kind", "to"), CASES)
def test_a_german_browser_gets_the_account_email_in_german(accounts, kind, to):  # noqa: F811
    client, services, _ = accounts
    assert ask(client, kind, "de-DE,de;q=0.9,en;q=0.5").status_code == 202
    (message,) = mails(services, to)
    text, html = parts(message)
    german, english = messages("de"), messages("en")
    assert message["Subject"] == german[f"{kind}_subject"] and '<html lang="de">' in html
    assert german[f"{kind}_ignore"] in text and german[f"{kind}_ignore"] in html
    assert re.search(r"Der Link funktioniert einmal, bis \d{1,2}\. \w+ \d{4}, \d\d:\d\d UTC\.", text)
    shared = {"signature", "html_lang"}
    leaked = [key for key, value in english.items() if key not in shared and len(value) > 12 and value in text + html]
    assert leaked == [], "English sentences in the German email"


def test_the_verification_email_names_the_starting_usage_in_the_language(accounts):  # noqa: F811
    client, services, _ = accounts
    ask(client, "verify", "de")
    text, html = parts(mails(services, NEW)[0])
    expected = messages("de")["verify_action_other"].format(count=services.settings.default_allowed_usage)
    assert expected in text and expected in html


def test_an_unsupported_language_gets_english(accounts):  # noqa: F811
    client, services, _ = accounts
    ask(client, "reset", "fr-FR")
    assert mails(services, "organizer@example.com")[0]["Subject"] == messages("en")["reset_subject"]
    assert PASSWORD  # the organizer's account is the env's, unchanged
