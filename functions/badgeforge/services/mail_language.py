"""Which language the badge email speaks, and dates and numbers the way that language writes them.

The job's `locale` option wins (the organizer chose it for this event), then the user's profile (`users/{uid}/locale`),
then English. Only the primary language counts ("de-AT" -> "de"); one we have no catalogue for falls back to English.
Formatted by hand for the few languages we ship, so the mail needs no locale data package.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT = "en"
SUPPORTED = ("en", "de")
JOB_OPTION = "locale"
_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,4}")
_MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "de": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
}


class LocaleError(ValueError):
    """A `locale` option that is no language tag; the message says what to write instead."""


def parse_locale(value: Any) -> str:
    """'de-DE' -> 'de'. Raises LocaleError for anything that is not a BCP 47-like tag (35 characters at most)."""
    if not isinstance(value, str) or len(value) > 35 or not _TAG.fullmatch(value.strip()):
        raise LocaleError("The locale option must be a language tag such as 'en' or 'de-DE'.")
    return re.split(r"[-_]", value.strip())[0].lower()


def choose_language(job_locale: Any = None, profile_locale: Any = None) -> str:
    """The first of job option, profile, default that names a language we have a catalogue for."""
    for candidate in (job_locale, profile_locale):
        try:
            language = parse_locale(candidate)
        except LocaleError:
            continue
        if language in SUPPORTED:
            return language
    return DEFAULT


@lru_cache(maxsize=8)
def catalogue(templates: str, language: str) -> dict[str, str]:
    """templates/email/messages/<language>.json: every text of the email in that language."""
    path = Path(templates) / "email" / "messages" / f"{language if language in SUPPORTED else DEFAULT}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def format_number(value: int, language: str) -> str:
    """1234567 -> '1,234,567' (en) or '1.234.567' (de)."""
    text = f"{int(value):,}"
    return text.replace(",", ".") if language == "de" else text


def format_datetime(moment: datetime, language: str) -> str:
    """'1 December 2026, 10:15 UTC' (en) or '1. Dezember 2026, 10:15 UTC' (de); the moment is shown in UTC."""
    month = _MONTHS.get(language, _MONTHS[DEFAULT])[moment.month - 1]
    day = f"{moment.day}." if language == "de" else str(moment.day)
    return f"{day} {month} {moment.year}, {moment:%H:%M} UTC"
