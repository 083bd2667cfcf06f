"""The option schema's labels and help in the visitor's language.

badge_renderer.option_schema keeps the English texts beside the options they describe (the renderer stays free of
locale files); templates/i18n/<language>.json holds every other language as "label.<option>" / "help.<option>".
A text missing there stays English, so a new option reaches the form before its translation does.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

ENGLISH = "en"
LANGUAGES = ("en", "de")


@lru_cache(maxsize=4)
def catalogue(templates: str, language: str) -> dict[str, str]:
    """templates/i18n/<language>.json ({} for English, whose texts are the schema's own)."""
    if language == ENGLISH or language not in LANGUAGES:
        return {}
    return json.loads((Path(templates) / "i18n" / f"{language}.json").read_text(encoding="utf-8"))


def in_language(schema: dict[str, Any], language: str, templates: str) -> dict[str, Any]:
    """A copy of the schema whose labels and help speak `language` (English when it has no catalogue)."""
    texts = catalogue(templates, language)
    if not texts:
        return schema
    schema = copy.deepcopy(schema)
    for group in schema["groups"].values():
        for option in group:
            for field in ("label", "help"):
                if field in option:
                    option[field] = texts.get(f"{field}.{option['name']}", option[field])
    return schema
