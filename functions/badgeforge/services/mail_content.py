"""The badge email from templates/email (Jinja2). HTML is autoescaped: every user value (event name, file name)
is escaped there; subject and text are plain text (no escaping, but newlines stripped from the subject)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2


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


def render_badge_mail(templates: Path, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) for the 'your badges are ready' email."""
    folder = str(Path(templates) / "email")
    plain = _environment(folder, False)
    subject = plain.get_template("badges_ready.subject.j2").render(**context)
    subject = header_text(subject)
    text = plain.get_template("badges_ready.txt.j2").render(**context)
    html = _environment(folder, True).get_template("badges_ready.html.j2").render(**context)
    return subject, text, html
