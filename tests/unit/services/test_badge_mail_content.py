"""The badge email: a transactional HTML part and a text part, user values escaped in HTML only, a one-line
subject, and English or German texts with that language's dates and numbers."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime

import pytest

from badgeforge.config import templates_dir
from badgeforge.services import mail_language
from badgeforge.services.mail_content import render_badge_mail

EXPIRES = datetime(2026, 12, 8, 9, 5, tzinfo=UTC)


def _context(**changes):
    context = {
        "display_name": "Eve",
        "event_name": "Conf 2026",
        "badges": 1234,
        "pages": 155,
        "link": "https://x.example/d/t?a=1&b=2",
        "file_name": "Conf 2026 badges.pdf",
        "expires_at": EXPIRES,
        "warnings": [],
        "allowed_usage_after": 4,
    }
    return {**context, **changes}


def test_user_values_are_escaped_in_html_only():
    context = _context(
        display_name="<b>Eve</b>",
        event_name="Conf <script>alert(1)</script>\nX",
        badges=1,
        pages=1,
        warnings=[{"row": 3, "message": "<i>long</i>"}],
    )
    subject, text, html = render_badge_mail(templates_dir(), context)
    assert "\n" not in subject and subject.startswith("Your badge for Conf <script>")
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;Eve" in html and "&lt;i&gt;" in html
    assert 'href="https://x.example/d/t?a=1&amp;b=2"' in html
    assert "https://x.example/d/t?a=1&b=2" in text and "row 3: <i>long</i>" in text
    assert "1 badge on 1 page" in text


def test_html_part_is_a_proper_transactional_email():
    _, text, html = render_badge_mail(templates_dir(), _context())
    assert '<html lang="en">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<title>Your badges are ready</title>" in html
    assert ">BadgeForge</p>" in html  # the brand header
    assert "Download Conf 2026 badges.pdf</a>" in html
    assert "This link works until 8 December 2026, 09:05 UTC." in html
    assert "because you uploaded an attendee list" in html  # the footer says why it was sent
    assert "max-width:600px" in html  # one column that narrows to a phone
    assert "1,234 badges on 155 pages" in html and "1,234 badges on 155 pages" in text
    assert "This link works until 8 December 2026, 09:05 UTC." in text and "because you uploaded" in text


def test_german_email_has_german_texts_dates_and_numbers():
    subject, text, html = render_badge_mail(templates_dir(), _context(language="de", allowed_usage_after=1))
    assert subject == "Ihre Namensschilder für Conf 2026 sind fertig (1.234 Schilder)"
    assert '<html lang="de">' in html and "<title>Ihre Namensschilder sind fertig</title>" in html
    assert "Hallo Eve," in text and "1.234 Schilder auf 155 Seiten" in text
    assert "Dieser Link funktioniert bis 8. Dezember 2026, 09:05 UTC." in html
    assert "Conf 2026 badges.pdf herunterladen" in html
    assert "noch 1 Schild-Erstellung übrig" in text
    assert "Your" not in subject + text + html


@pytest.mark.parametrize("event", ["Conf\r\nBcc: victim@example.com", "A\nSubject: x", "Tab\tand\u2028line"])
def test_subject_cannot_carry_a_second_header(event):
    subject, _, _ = render_badge_mail(templates_dir(), _context(event_name=event))
    assert "\r" not in subject and "\n" not in subject and "\u2028" not in subject
    message = email.message_from_string(f"Subject: {subject}\n\nbody", policy=email.policy.default)
    assert message["Bcc"] is None and len(message.keys()) == 1


def test_user_braces_are_text_not_placeholders():
    subject, text, _ = render_badge_mail(templates_dir(), _context(event_name="{badges} {0} {event_name}"))
    assert "for {badges} {0} {event_name}" in subject and "for {badges} {0} {event_name}" in text


def test_more_warnings_than_listed_say_how_many_more():
    warnings = [{"row": i, "message": "name too long"} for i in range(2, 14)]
    _, text, _ = render_badge_mail(templates_dir(), _context(warnings=warnings, warnings_total=40))
    assert "Some rows need a look (40):" in text and "row 11: name too long" in text and "row 12:" not in text
    assert "and 30 more in My badges" in text


@pytest.mark.parametrize(
    ("job", "profile", "language"),
    [
        ("de-DE", "en", "de"),
        (None, "de_AT", "de"),
        ("fr", "de", "de"),  # no French catalogue: the profile's language next
        ("fr", None, "en"),
        (None, None, "en"),
        (42, "DE", "de"),
    ],
)
def test_language_comes_from_the_job_then_the_profile_then_english(job, profile, language):
    assert mail_language.choose_language(job, profile) == language


@pytest.mark.parametrize("bad", [42, "", "deutsch!", "x" * 40, "<de>", None])
def test_a_bad_locale_option_is_refused_with_what_to_write(bad):
    with pytest.raises(mail_language.LocaleError, match="language tag such as 'en' or 'de-DE'"):
        mail_language.parse_locale(bad)


def test_both_catalogues_have_the_same_keys():
    english = mail_language.catalogue(str(templates_dir()), "en")
    german = mail_language.catalogue(str(templates_dir()), "de")
    assert english.keys() == german.keys()
