"""The badge email from templates/email (Jinja2) and the message catalogue of its language (mail_language).

Every sentence is made here from the catalogue with str.format (user values are inserted, never re-read as
placeholders); the HTML template autoescapes them all, the text template prints them plain, and the subject is one
header-safe line.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from badgeforge.services import mail_language

MAX_LISTED_WARNINGS = 10


@lru_cache(maxsize=4)
def _environment(folder: str, html: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def header_text(value: str, limit: int = 200) -> str:
    """Text safe for a mail header: CR, LF and other whitespace runs become one space, then cut to `limit`.
    Why: an event name with a line break would otherwise start a new header (the mailers refuse it: a 500)."""
    return " ".join(str(value).split())[:limit]


def _plural(messages: dict[str, str], key: str, amount: int, **values: Any) -> str:
    return messages[f"{key}_one" if amount == 1 else f"{key}_other"].format(**values)


def mail_texts(templates: Path, context: dict[str, Any]) -> dict[str, Any]:
    """Every sentence of the email, in the context's `language` (see render_badge_mail for the keys)."""
    language = context.get("language") or mail_language.DEFAULT
    m = mail_language.catalogue(str(templates), language)
    number = lambda n: mail_language.format_number(n, language)  # noqa: E731
    badges, pages = int(context["badges"]), int(context["pages"])
    event_name = header_text(context.get("event_name") or "")
    event_phrase = lambda key: m[key].format(event_name=event_name) if event_name else ""  # noqa: E731
    page_text = _plural(m, "pages", pages, pages=number(pages))
    expires_at: datetime = context["expires_at"]
    left = int(context["allowed_usage_after"])
    warnings = list(context.get("warnings") or [])
    total = max(int(context.get("warnings_total") or 0), len(warnings))
    listed = [
        (m["row"].format(row=w["row"]) + ": " if w.get("row") else "") + str(w.get("message", ""))
        for w in warnings[:MAX_LISTED_WARNINGS]
        if isinstance(w, dict)
    ]
    name = header_text(context.get("display_name") or "", 100)
    return {
        "lang": m["html_lang"],
        "title": m["title"],
        "preheader": m["preheader"],
        "subject": _plural(m, "subject", badges, badges=number(badges), event=event_phrase("subject_event")),
        "greeting": m["greeting"].format(name=name) if name else m["greeting_anonymous"],
        "ready": _plural(m, "ready", badges, badges=number(badges), pages=page_text, event=event_phrase("ready_event")),
        "button": m["button"].format(file_name=context["file_name"]),
        "link_fallback": m["link_fallback"],
        "expires": m["expires"].format(expires=mail_language.format_datetime(expires_at, language)),
        "renew": m["renew"],
        "warnings_intro": m["warnings"].format(count=number(total)) if total else "",
        "warnings": listed,
        "more_warnings": m["more_warnings"].format(count=number(total - len(listed))) if total > len(listed) else "",
        "usage": _plural(m, "usage", left, count=number(left)),
        "footer": m["footer"],
        "signature": m["signature"],
        "link": context["link"],
    }


def render_badge_mail(templates: Path, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) for the 'your badges are ready' email.

    context: display_name, event_name, badges, pages, link, file_name, expires_at (aware datetime), warnings
    ([{row?, message}]), warnings_total?, allowed_usage_after, language? ('en' | 'de'; default English).
    """
    folder = str(Path(templates) / "email")
    texts = mail_texts(Path(templates), context)
    subject = header_text(texts["subject"])
    text = _environment(folder, False).get_template("badges_ready.txt.j2").render(t=texts)
    html = _environment(folder, True).get_template("badges_ready.html.j2").render(t=texts)
    return subject, text, html


# account email kind -> its keys' prefix in templates/email/messages/<language>.json
ACCOUNT_KINDS = {"verify_email": "verify", "reset_password": "reset", "account_exists": "exists"}


def account_texts(templates: Path, kind: str, context: dict[str, Any]) -> dict[str, Any]:
    """Every sentence of an account email (verify, reset, account exists) in the context's `language`.

    context: email, link, expires_at (aware datetime), starting_usage? (verify), signin_link? (exists), language?.
    """
    language = context.get("language") or mail_language.DEFAULT
    m = mail_language.catalogue(str(templates), language)
    key = ACCOUNT_KINDS[kind]
    values = {"email": context["email"], "signin_link": context.get("signin_link", "")}
    if kind == "verify_email":
        usage = int(context.get("starting_usage") or 0)
        number = mail_language.format_number(usage, language)
        action = _plural(m, "verify_action", usage, count=number) if usage else m["verify_action_none"]
    else:
        action = m[f"{key}_action"].format(**values)
    expires = mail_language.format_datetime(context["expires_at"], language)
    return {
        "lang": m["html_lang"],
        "title": m[f"{key}_title"],
        "preheader": m[f"{key}_title"],
        "subject": m[f"{key}_subject"],
        "greeting": m["greeting_anonymous"],
        "intro": m[f"{key}_intro"].format(**values),
        "action": action,
        "button": m[f"{key}_button"],
        "once": m["account_once"].format(expires=expires),
        "ignore": m[f"{key}_ignore"],
        "link_fallback": m["link_fallback"],
        "footer": m[f"{key}_footer"],
        "signature": m["signature"],
        "link": context["link"],
    }


def render_account_mail(templates: Path, kind: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) for an account email, from templates/email/account.{txt,html}.j2 and the catalogue."""
    folder = str(Path(templates) / "email")
    texts = account_texts(Path(templates), kind, context)
    text = _environment(folder, False).get_template("account.txt.j2").render(t=texts)
    html = _environment(folder, True).get_template("account.html.j2").render(t=texts)
    return header_text(texts["subject"]), text, html
