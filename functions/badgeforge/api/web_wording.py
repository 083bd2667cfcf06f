"""Messages in the web form's words and the reader's language: the renderer's hints name CLI flags (--map,
--offset-x, --preset), which mean nothing to an organizer on the upload page. Every message the API hands a browser
(errors, job status, warnings) passes through `web_message`: in the language the request asks for (Accept-Language,
which web/js/api.js sets to the page's language) from the server catalogue (services/messages.py), whose German
already names the form's fields; English, and any text the catalogue does not know, through `for_web`."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from flask import Flask, has_request_context, request

from badgeforge.services import messages

log = logging.getLogger(__name__)

# The renderer's phrasings, most specific first; each says where the same choice is in the form.
_PHRASES = (
    ("say which column holds the names with --map full_name=Column", "choose the names' column under Full name"),
    ("use --map full_name=Column", "choose the names' column under Full name in the column mapping"),
    ("the --map option", "the column mapping"),
    ("--offset-x/--offset-y", "Printer offset right and down (Print; the calibration page measures them)"),
    ("--duplex or --fold-over", "Sides set to Two-sided (duplex) or Fold-over"),
    ("use --one-per-page", "choose One badge per page"),
    ("without --preset", "without a label sheet"),
    ("without --bleed", "with Bleed set to 0"),
    ("Raise --margin, or leave --margin on auto", "Raise the margin, or leave Margin empty (automatic)"),
)
# Any other flag: the form's label for that option when there is one, else the words without the dashes.
_FLAG = re.compile(r"(?<![\w-])--([a-z][a-z-]*)(?:[ =]\S+)?")
_FLAG_LABELS = {
    "map": "the column mapping",
    "preset": "Label sheet",
    "paper": "Paper",
    "size": "Badge size",
    "margin": "Margin",
    "gutter": "Gap between badges",
    "bleed": "Bleed",
    "duplex": "Sides: Two-sided (duplex)",
    "fold-over": "Sides: Fold-over",
    "one-per-page": "One badge per page",
    "no-rotate": "Turn badges when more fit (off)",
    "crop-marks": "Crop marks",
    "qr": "QR code",
    "font": "Font",
    "accent": "Accent colour",
}


def for_web(text: str) -> str:
    """`text` with CLI flags replaced by where the form offers the same choice."""
    if "--" not in text:
        return text
    for phrase, words in _PHRASES:
        text = text.replace(phrase, words)
    return _FLAG.sub(lambda m: _FLAG_LABELS.get(m.group(1), m.group(1).replace("-", " ")), text)


def reader_language() -> str:
    """The language the request reads (Accept-Language's best one we have a catalogue for), else English."""
    if not has_request_context():
        return messages.ENGLISH
    return request.accept_languages.best_match(messages.LANGUAGES) or messages.ENGLISH


def web_message(item: Mapping[str, Any], language: str | None = None) -> dict[str, Any]:
    """A warning or error dict with its message and hint in the reader's language and the form's words, plus the
    message's catalogue `key` and `params` (for pages and API clients that render their own)."""
    try:
        out = messages.localize(item, language or reader_language())
    except (OSError, ValueError, KeyError):  # a broken catalogue must not break an error answer: say it in English
        log.exception("could not localize a message")
        out = dict(item)
    for key in ("message", "hint"):
        if isinstance(out.get(key), str):
            out[key] = for_web(out[key])
    return out


def web_text(text: str, language: str | None = None) -> str:
    """One sentence (a re-drive summary, a design's description) in the reader's language and the form's words."""
    try:
        return for_web(messages.translate(text, language or reader_language()))
    except (OSError, ValueError, KeyError):
        log.exception("could not localize a message")
        return for_web(text)


_SENTENCES = ("summary", "reason")  # the admin console's re-drive summaries and stuck reasons


def readable(data: Any, language: str | None = None) -> Any:
    """`data` (an admin answer: failures, stuck jobs, a re-drive) with every error, summary and reason in the reader's
    language."""
    language = language or reader_language()
    if isinstance(data, list):
        return [readable(item, language) for item in data]
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "error" and isinstance(value, dict) and isinstance(value.get("message"), str):
            out[key] = web_message(value, language)
        elif key in _SENTENCES and isinstance(value, str):
            out[key] = web_text(value, language)
        else:
            out[key] = readable(value, language)
    return out


def install(app: Flask) -> None:
    """API answers depend on Accept-Language: caches must keep one per language."""

    @app.after_request
    def _vary(response):
        if request.path.startswith("/api/"):
            response.vary.add("Accept-Language")
        return response
