"""UI strings live in one catalogue per language (web/i18n/<lang>.json): every language has every key, and every
visible string of every page (the static pages, the dead-link page in each state, the email) comes from there.

Real parts: the real catalogues, pages built by badgeforge.web_build, the dead-link page as the API renders it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from badgeforge import web_build
from badgeforge.api.dead_links import REASONS, render_page
from badgeforge.config import templates_dir

from .script_strings import shown_strings, text_objects
from .visible_text import visible_texts

I18N = web_build.WEB / "i18n"
LANGUAGES = ("en", "de")
TITLE_PREFIX = "BadgeForge — "
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def catalogue(lang: str) -> dict[str, str]:
    return json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))


def test_every_language_has_every_key_with_the_same_placeholders():
    english = catalogue("en")
    for lang in LANGUAGES[1:]:
        other = catalogue(lang)
        assert sorted(set(english) - set(other)) == [], f"keys missing in {lang}.json"
        assert sorted(set(other) - set(english)) == [], f"keys in {lang}.json that en.json does not have"
        for key, text in english.items():
            assert other[key].strip(), f"{lang}.json: {key} is empty"
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(other[key])), f"{lang}: {key}"


def test_english_texts_are_unique_so_a_text_names_one_key():
    english = list(catalogue("en").values())
    assert sorted({t for t in english if english.count(t) > 1}) == []


def _strings_of(html: str) -> list[str]:
    texts = visible_texts(html)
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    if title:  # the brand stays; the rest of the title is translated
        texts.remove(" ".join(title.group(1).split()))
        texts.append(title.group(1).removeprefix(TITLE_PREFIX).strip())
    return texts


def _pages() -> list[tuple[str, str]]:
    pages = [(source.name, web_build.render(source)) for source in web_build.page_sources()]
    for state in REASONS:
        pages.append((f"dead_link {state} (owner)", render_page(state, "job-1")))
        pages.append((f"dead_link {state}", render_page(state)))
    return pages


@pytest.mark.parametrize(("name", "html"), _pages(), ids=[name for name, _ in _pages()])
def test_no_page_has_a_visible_string_outside_the_catalogue(name, html):
    known = set(catalogue("en").values())
    hard_coded = [text for text in _strings_of(html) if text not in known]
    assert hard_coded == [], f'{name}: add these to web/i18n/*.json (or mark them translate="no")'


def test_the_checker_finds_a_hard_coded_string():
    html = web_build.render(Path("jobs.html.j2")).replace("<h1>My badges</h1>", "<h1>My badges now</h1>")
    known = set(catalogue("en").values())
    assert [text for text in _strings_of(html) if text not in known] == ["My badges now"]


def test_the_emails_take_every_visible_string_from_their_messages():
    """templates/email/messages/<lang>.json is the catalogue of the badge email and of the account emails."""
    email = Path(templates_dir()) / "email"
    for template in ("badges_ready.html.j2", "badges_ready.txt.j2", "account.html.j2", "account.txt.j2"):
        source = (email / template).read_text(encoding="utf-8")
        source = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", source, flags=re.S)
        texts = visible_texts(source) if template.endswith(".html.j2") else re.findall(r"[^\W\d_]+", source)
        assert [text for text in texts if text != "BadgeForge"] == [], template
    english, german = (json.loads((email / "messages" / f"{lang}.json").read_text()) for lang in ("en", "de"))
    assert sorted(english) == sorted(german)


SCRIPTS = sorted((web_build.WEB / "js").glob("*.js"))
KEY_CALL = re.compile(r"""\b(t|tn)\(\s*["']([\w.]+)["']""")


def _hard_coded_in_script(name: str, source: str, known: set[str]) -> list[str]:
    problems = []
    for shown in shown_strings(name, source):
        if shown.templated:
            problems.append(f"{shown}: a sentence built in code; use t(key, {{values}})")
        elif shown.dialog:
            problems.append(f"{shown}: alert/confirm text is not translated in the page; use t(key)")
        elif shown.text.strip() not in known:
            problems.append(f"{shown}: not in web/i18n/en.json")
    if text_objects(source):
        problems.append(f"{name}: a TEXT object of English strings; use catalogue keys and t()")
    return problems


@pytest.mark.parametrize("script", SCRIPTS, ids=[script.name for script in SCRIPTS])
def test_no_script_shows_a_string_outside_the_catalogue(script):
    """Text a script shows is a catalogue key through t() (or, plain, an English catalogue text the page translates)."""
    known = set(catalogue("en").values())
    assert _hard_coded_in_script(script.name, script.read_text(encoding="utf-8"), known) == []


@pytest.mark.parametrize("script", SCRIPTS, ids=[script.name for script in SCRIPTS])
def test_every_key_a_script_asks_for_is_in_the_catalogue(script):
    english = catalogue("en")
    missing = []
    for kind, key in KEY_CALL.findall(script.read_text(encoding="utf-8")):
        wanted = [f"{key}.one", f"{key}.other"] if kind == "tn" else [key]
        missing += [name for name in wanted if name not in english]
    assert missing == [], f"{script.name}: add these keys to web/i18n/*.json"


def test_the_script_checker_finds_built_sentences_dialogs_and_text_objects():
    known = set(catalogue("en").values())
    source = "\n".join(
        [
            'const TEXT = { showBack: "Show its back" };',
            "note = `Uses 1 generation: ${left} left.`;",
            'if (!window.confirm("Delete this job and its PDF?")) return;',
            'el("p", { class: "muted help", text: "Not a catalogue text" });',
            'el("p", { text: t("jobs.deleted") }); const url = `/api/jobs/${id}/link`;',
            "throw new Error(`could not load ${src}`);",
        ]
    )
    assert _hard_coded_in_script("x.js", source, known) == [
        "x.js:2: 'Uses 1 generation:   left.': a sentence built in code; use t(key, {values})",
        "x.js:3: 'Delete this job and its PDF?': alert/confirm text is not translated in the page; use t(key)",
        "x.js:4: 'Not a catalogue text': not in web/i18n/en.json",
        "x.js: a TEXT object of English strings; use catalogue keys and t()",
    ]
