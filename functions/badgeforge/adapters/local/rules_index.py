"""Which children the database rules index (`.indexOn`), read from database.rules.json.

Why read the deployed rules: the local tree and the test RTDB server then refuse exactly the queries the real
database refuses ("Index not defined"), so a missing index fails in a test, not in production.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).resolve().parents[4] / "database.rules.json"

# (path pattern with "*" for each $variable) -> the children indexed there
Indexes = dict[tuple[str, ...], frozenset[str]]


def indexes_from_rules(rules: Mapping[str, Any]) -> Indexes:
    found: Indexes = {}

    def walk(node: Any, pattern: tuple[str, ...]) -> None:
        if not isinstance(node, Mapping):
            return
        index_on = node.get(".indexOn")
        if index_on:
            names = [index_on] if isinstance(index_on, str) else list(index_on)
            found[pattern] = found.get(pattern, frozenset()) | frozenset(str(n) for n in names)
        for key, child in node.items():
            if not key.startswith("."):
                walk(child, (*pattern, "*" if key.startswith("$") else key))

    walk(rules.get("rules", {}), ())
    return found


def load_indexes(path: Path = RULES_FILE) -> Indexes:
    """The indexes of a rules file; none when it is absent (e.g. a deployed bundle, which never uses SQLite)."""
    try:
        return indexes_from_rules(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {}


def is_indexed(indexes: Indexes, parts: list[str], child: str) -> bool:
    """Whether `child` is indexed on the children of the node at `parts`."""
    for pattern, children in indexes.items():
        if (
            len(pattern) == len(parts)
            and child in children
            and all(p in ("*", s) for p, s in zip(pattern, parts, strict=True))
        ):
            return True
    return False


def not_indexed_message(parts: list[str], child: str) -> str:
    """The real database's words, so the fix (add .indexOn) is obvious wherever it shows up."""
    return f'Index not defined, add ".indexOn": "{child}", for path "/{"/".join(parts)}", to the rules'
