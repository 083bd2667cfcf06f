"""Every message the server writes (API errors, renderer errors, row warnings, job status reasons) in the reader's
language, from one catalogue per language: templates/i18n/messages.<language>.json.

Why the English text is the message id (as gettext's msgid, and as web/js/i18n.js translates the pages): the renderer,
the CLI and the services keep writing plain English where the error happens (the CLI stays English, and nothing in
badge_renderer needs locale data), and this module recognises an English message by the catalogue's English
templates, which yields its stable key and its parameters. Warnings are stored on a job with that key and those
parameters (`annotate`), so a later reader sees them in their own language without matching again.

Catalogue entries are ICU-ish: `{name}` is text, `{name, number}` a number written the language's way
("50,000" -> "50.000"), `{name, message}` an English phrase that is itself a catalogue entry ("an hour"),
`{name, date}` an ISO moment written as the mail writes dates ("1. Dezember 2026, 10:15 UTC"),
`{name, option}` a render option's name ("margin_mm"), written as the form labels it (templates/i18n/<lang>.json,
the form's own catalogue, as api/option_wording.py reads it); an entry
may be {"one": ..., "other": ...}, chosen by its `count` (else its first number). A message no entry
matches stays English, so a new message reaches the page before its translation does (tests/unit/services/
test_messages.py lists every message the code can write that has no entry).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ENGLISH = "en"
LANGUAGES = ("en", "de")
_PLACEHOLDER = re.compile(r"\{(\w+)(?:, *(number|date|message|option))?\}")
_NUMBER = re.compile(r"^(-?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(.*)$", re.S)


@dataclass(frozen=True)
class Known:
    """An English message recognised in the catalogue: its stable key and the values it was written with."""

    key: str
    params: dict[str, str]


def _templates() -> Path:
    from badgeforge.config import templates_dir

    return templates_dir()


@lru_cache(maxsize=4)
def catalogue(language: str) -> dict[str, Any]:
    """templates/i18n/messages.<language>.json (the English one for an unknown language)."""
    name = language if language in LANGUAGES else ENGLISH
    return json.loads((_templates() / "i18n" / f"messages.{name}.json").read_text(encoding="utf-8"))


def _forms(entry: Any) -> list[str]:
    return [entry] if isinstance(entry, str) else [entry[form] for form in ("one", "other") if form in entry]


@dataclass(frozen=True, order=True)
class _Form:
    """One English form of an entry, ready to recognise: its regex and the literal text any match must contain."""

    rank: int  # 0 = the most literal text: tried first, so "The attendee file is over {size}" beats "The {what} ..."
    key: str = field(compare=False)
    regex: re.Pattern[str] = field(compare=False)
    head: str = field(compare=False)  # the literal text before the first placeholder
    tail: str = field(compare=False)  # the literal text after the last one
    anchor: str = field(compare=False)  # the longest literal piece


_HEAD = 10  # forms whose literal start (or end) is at least this long are found by it; the rest by their anchor


def _form(rank: int, key: str, template: str) -> _Form:
    body = template.rstrip(".")
    pieces = _PLACEHOLDER.split(body)[::3]  # split() yields text, name, kind, text, ...
    out, seen = [], []
    for i, m in enumerate(_PLACEHOLDER.finditer(body)):
        out.append(re.escape(pieces[i]))
        name = m.group(1)
        out.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.append(name)
    out.append(re.escape(pieces[-1]))
    regex = re.compile("".join(out) + r"\.?", re.S)
    return _Form(rank, key, regex, pieces[0], pieces[-1] if len(pieces) > 1 else "", max(pieces, key=len))


@lru_cache(maxsize=1)
def _forms_index() -> tuple[dict[str, list[_Form]], dict[str, list[_Form]], list[_Form]]:
    """The English forms by their first _HEAD characters, else by their last, else (a few) by their anchor: a
    message is compared with a handful of forms, not all of them (a job has up to 50,000 warnings)."""
    forms = [(key, form) for key, entry in catalogue(ENGLISH).items() for form in _forms(entry)]
    forms.sort(key=lambda item: -len(_PLACEHOLDER.sub("", item[1])))
    by_head: dict[str, list[_Form]] = {}
    by_tail: dict[str, list[_Form]] = {}
    rest: list[_Form] = []
    for rank, (key, template) in enumerate(forms):
        form = _form(rank, key, template)
        if len(form.head) >= _HEAD:
            by_head.setdefault(form.head[:_HEAD], []).append(form)
        elif len(form.tail) >= _HEAD:
            by_tail.setdefault(form.tail[-_HEAD:], []).append(form)
        else:
            rest.append(form)
    return by_head, by_tail, rest


@lru_cache(maxsize=4096)
def identify(text: str) -> Known | None:
    """The catalogue key and parameters of an English message, or None when no entry writes it."""
    text = text.strip() if isinstance(text, str) else ""
    if not text:
        return None
    by_head, by_tail, rest = _forms_index()
    for group in (by_head.get(text[:_HEAD]), by_tail.get(text.rstrip(".")[-_HEAD:]), rest):
        # the few forms that can match, most literal first; the forms found by their start or end come first
        for form in sorted(f for f in group or () if group is not rest or f.anchor in text):
            m = form.regex.fullmatch(text)
            if m is not None:
                return Known(form.key, {name: value for name, value in m.groupdict().items() if value})
    return None


@lru_cache(maxsize=4)
def option_labels(language: str) -> dict[str, str]:
    """The form's option labels in `language` ("label.margin_mm" -> "Rand (mm)"); {} for English and the unknown."""
    path = _templates() / "i18n" / f"{language}.json"
    if language == ENGLISH or language not in LANGUAGES or not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def format_date(text: str, language: str) -> str:
    """'2026-12-01T10:15:00Z' -> '1. Dezember 2026, 10:15 UTC' (de); text that is no ISO moment stays."""
    from badgeforge.services.keys import parse_iso
    from badgeforge.services.mail_language import format_datetime

    moment = parse_iso(text)
    return text if moment is None else format_datetime(moment, language)


def format_number(text: str, language: str) -> str:
    """'50,000' -> '50.000' and '4.5 MB' -> '4,5 MB' in German; text that does not start with a number stays."""
    m = _NUMBER.match(text)
    if m is None or language == ENGLISH:
        return text
    sign, whole, fraction, rest = m.groups()
    thousands, decimal = (".", ",") if language == "de" else (",", ".")
    whole = f"{int(whole.replace(',', '')):,}".replace(",", thousands)
    return f"{sign}{whole}{decimal + fraction if fraction else ''}{rest}"


def _count(text: str) -> float | None:
    m = _NUMBER.match(text)
    return None if m is None else float(m.group(2).replace(",", "") + ("." + m.group(3) if m.group(3) else ""))


def render(key: str, params: Mapping[str, Any], language: str) -> str | None:
    """The message `key` in `language` with its parameters (numbers the language's way); None for an unknown key."""
    entry = catalogue(language).get(key)
    if entry is None:
        return None
    values = {name: str(value) for name, value in params.items()}
    if isinstance(entry, dict):
        numbered = [m.group(1) for m in _PLACEHOLDER.finditer(entry.get("other", "")) if m.group(2) == "number"]
        chosen = "count" if "count" in values else (numbered[0] if numbered else "")
        count = _count(values.get(chosen, ""))
        entry = entry["one"] if count == 1 and "one" in entry else entry["other"]

    def value(m: re.Match[str]) -> str:
        text = values.get(m.group(1), m.group(0))
        if m.group(2) == "message":
            return translate(text, language)
        if m.group(2) == "option":
            return option_labels(language).get(f"label.{text}", text)
        if m.group(2) == "date":
            return format_date(text, language)
        return format_number(text, language) if m.group(2) == "number" else text

    return _PLACEHOLDER.sub(value, entry)


def translate(text: str, language: str) -> str:
    """`text` in `language` when the catalogue knows it, else unchanged (English)."""
    if language == ENGLISH or not text:
        return text
    known = identify(text)
    rendered = render(known.key, known.params, language) if known else _located(text, language)
    return text if rendered is None else rendered


_WORDS = ("phrase", "subject", "status", "where")  # entries that are parts of messages, not messages


def _located(text: str, language: str) -> str | None:
    """A known message behind a place the catalogue cannot know ('elements[3] (id "role"): box: has no area; …',
    a design document's problems): the place stays as written, the message is translated."""
    start = text.find(": ")
    while start >= 0:
        known = identify(text[start + 2 :])
        if known is not None and known.key.split(".")[0] not in _WORDS:
            rendered = render(known.key, known.params, language)
            if rendered is not None:
                return text[: start + 2] + rendered
        start = text.find(": ", start + 2)
    return None


def annotate(item: Mapping[str, Any]) -> dict[str, Any]:
    """A warning or error dict with the `key` and `params` of its message (and of its hint as `hint_key`,
    `hint_params`), as a job stores them so every later reader gets them in their own language."""
    out = dict(item)
    for part, key_field, params_field in (("message", "key", "params"), ("hint", "hint_key", "hint_params")):
        if key_field in out:
            continue
        try:
            known = identify(core_message(out) if part == "message" else str(out.get("hint") or ""))
        except (OSError, ValueError) as err:  # no catalogue (a broken install): the job still records its English
            log.error("message catalogue unreadable: %s", err)
            return out
        if known is not None:
            out[key_field], out[params_field] = known.key, dict(known.params)  # a copy: identify() is cached
    return out


_ENGLISH_WHERE = ("row {row}", "column '{column}'")  # as BadgeForgeError.__str__ writes them


def _where(item: Mapping[str, Any], language: str) -> list[str]:
    row_text, column_text = _ENGLISH_WHERE
    if language != ENGLISH:
        words = catalogue(language)
        row_text, column_text = words.get("where.row", row_text), words.get("where.column", column_text)
    where = [str(item["file"])] if item.get("file") else []
    if item.get("row") is not None:
        where.append(row_text.replace("{row}", str(item["row"])))
    if item.get("column"):
        where.append(column_text.replace("{column}", str(item["column"])))
    return where


def core_message(item: Mapping[str, Any]) -> str:
    """The message of a renderer error's dict without the "file, row 3, column 'x': " and the hint that
    BadgeForgeError.__str__ puts around it (row warnings have neither)."""
    text = str(item.get("message") or "")
    hint = str(item.get("hint") or "")
    if hint and text.endswith(" " + hint):
        text = text[: -len(hint) - 1]
    if ": " not in text:  # row warnings: no where in front
        return text
    prefix = ", ".join(_where(item, ENGLISH))
    if prefix and text.startswith(prefix + ": "):
        text = text[len(prefix) + 2 :]
    return text


def localize(item: Mapping[str, Any], language: str) -> dict[str, Any]:
    """A warning or error dict for a reader of `language`: `message` (and `hint`) in that language, the where
    ("Zeile 3, Spalte 'x': ") rebuilt the same way, `key`/`params` kept for pages that render their own. A message
    the catalogue does not know keeps its English text."""
    out = annotate(item)
    if language == ENGLISH:
        return out
    if "key" not in out:  # perhaps a known message behind a place; else English
        for part in ("message", "hint"):
            if isinstance(out.get(part), str):
                out[part] = translate(out[part], language)
        return out
    message = render(out["key"], out.get("params") or {}, language)
    if message is None:
        return out
    had_where = str(item.get("message") or "") != core_message(item)
    hint = out.get("hint")
    if hint:
        rendered_hint = render(out["hint_key"], out.get("hint_params") or {}, language) if "hint_key" in out else None
        hint = rendered_hint or translate(str(hint), language)
        out["hint"] = hint
    if had_where:
        where = ", ".join(_where(item, language))
        text = f"{where}: {message}" if where else message
        out["message"] = f"{text.rstrip('.')}. {hint}" if hint else text
    else:
        out["message"] = message
    return out
