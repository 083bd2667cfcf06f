"""The form's option labels and help come from the API in the visitor's language (Accept-Language: en, de).

Real parts: the app on the local adapters, badge_renderer.option_schema and templates/i18n/de.json.
"""

from __future__ import annotations

import json
from pathlib import Path

from badge_renderer.option_schema import HELP, LABELS
from badgeforge.config import templates_dir

GERMAN = json.loads((Path(templates_dir()) / "i18n" / "de.json").read_text(encoding="utf-8"))


def schema(env, language: str | None) -> dict:
    headers = env.headers("organizer@example.com")
    if language:
        headers["Accept-Language"] = language
    answer = env.client.get("/api/options", headers=headers)
    assert answer.status_code == 200 and "Accept-Language" in answer.headers.get("Vary", "")
    return {option["name"]: option for group in answer.get_json()["groups"].values() for option in group}


def test_the_german_catalogue_has_every_label_and_help_and_no_other():
    wanted = {f"label.{name}" for name in LABELS} | {f"help.{name}" for name in HELP}
    assert sorted(set(GERMAN) ^ wanted) == []
    assert [key for key, text in GERMAN.items() if not text.strip()] == []


def test_a_german_browser_gets_german_labels_and_help(env):
    options = schema(env, "de-DE,de;q=0.9,en;q=0.5")
    assert options["paper"]["label"] == "Papier" and options["bleed_mm"]["label"] == "Beschnitt (mm)"
    assert options["sides"]["help"] == GERMAN["help.sides"]
    english = set(LABELS.values()) | set(HELP.values())
    same_in_both = {"Design", "Logo"}
    assert [o["label"] for o in options.values() if o["label"] in english - same_in_both] == []
    assert [o["help"] for o in options.values() if o.get("help") in english] == []


def test_english_and_unknown_languages_get_the_schemas_own_texts(env):
    for language in (None, "en-GB", "fr-FR"):
        options = schema(env, language)
        assert {name: o["label"] for name, o in options.items()} == LABELS
        assert {name: o["help"] for name, o in options.items() if "help" in o} == HELP
