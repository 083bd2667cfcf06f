"""Finds the strings web/js/*.js shows to people, so a test can hold them to the catalogue (web/i18n/<lang>.json).

A practical rule, not a JavaScript parser: string literals are read with a small scanner (quotes, template
literals with nested ${...}, comments); a literal counts as shown when it sits on a line that shows text
(el(..., {text: ...}), textContent =, aria-label, alt, placeholder, alert/confirm, a status note) or when it is a
template literal that builds a sentence. Catalogue keys (t("…"), tn("…")), URLs, selectors, class names and
developer errors (new Error(...)) are not shown text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SHOWS = re.compile(
    r"""\btext:|\.textContent\s*=|["']aria-label["']\s*[:,]|\.alt\s*=|\bplaceholder:|\b(?:alert|confirm)\("""
    r"""|\bnote\s*=|\bmessage\(|\breplaceChildren\("""
)
DIALOG = re.compile(r"\b(?:alert|confirm)\(")
WORD = re.compile(r"[A-Za-z]{2,}")
SENTENCE = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}|[A-Za-z]{2,}[.:?!]")
TEXT_OBJECT = re.compile(r"\bconst\s+TEXT\s*=\s*\{")


@dataclass(frozen=True)
class Shown:
    """One literal a script shows: where it is, its text with values blanked, and how it is built."""

    file: str
    line: int
    text: str  # the literal's fixed text (a template's ${...} parts removed)
    templated: bool  # a template literal with values: a sentence built in code, which t() must build instead
    dialog: bool  # alert/confirm text never enters the page, so the page's translation cannot reach it

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.text!r}"


@dataclass(frozen=True)
class _Literal:
    start: int
    line: int
    text: str
    templated: bool


def _template(source: str, i: int, line: int, found: list[_Literal]) -> tuple[int, int, str, bool]:
    """Reads a template literal from just after its backtick; returns (index after it, line, fixed text, templated)."""
    text, templated = [], False
    while i < len(source):
        char = source[i]
        if char == "\\":
            text.append(source[i : i + 2])
            i += 2
            continue
        if char == "`":
            return i + 1, line, "".join(text), templated
        if char == "\n":
            line += 1
        if source.startswith("${", i):
            templated = True
            text.append(" ")
            i, line = _code(source, i + 2, line, found, until="}")
            continue
        text.append(char)
        i += 1
    return i, line, "".join(text), templated


def _code(source: str, i: int, line: int, found: list[_Literal], until: str = "") -> tuple[int, int]:
    """Scans code from i, collecting literals, until an unmatched `until` brace (or the end)."""
    depth = 0
    while i < len(source):
        char = source[i]
        if char == "\n":
            line += 1
        elif source.startswith("//", i):
            end = source.find("\n", i)
            i = len(source) if end < 0 else end
            continue
        elif source.startswith("/*", i):
            end = source.find("*/", i)
            line += source.count("\n", i, end)
            i = len(source) if end < 0 else end + 2
            continue
        elif char in "\"'":
            match = re.compile(rf"{char}((?:[^{char}\\\n]|\\.)*){char}").match(source, i)
            if match:
                found.append(_Literal(i, line, match.group(1), False))
                i = match.end()
                continue
        elif char == "`":
            start, first = i, line
            i, line, text, templated = _template(source, i + 1, line, found)
            found.append(_Literal(start, first, text, templated))
            continue
        elif char == "{":
            depth += 1
        elif char == "}":
            if until and depth == 0:
                return i + 1, line
            depth -= 1
        i += 1
    return i, line


def _is_code(text: str) -> bool:
    """Keys, class names, ids, URLs, selectors and attribute values: no sentence a person reads."""
    stripped = text.strip()
    return (
        not WORD.search(stripped)
        or stripped.startswith(("/", "#", "?", "."))
        or bool(re.fullmatch(r"[a-z0-9_.:=&?-]+(?:\s+[a-z0-9_.-]+-[a-z0-9_-]+)*", stripped))
    )


def shown_strings(file: str, source: str) -> list[Shown]:
    """Every literal with words that the script puts in front of people."""
    found: list[_Literal] = []
    _code(source, 0, 1, found)
    lines = source.splitlines()
    shown = []
    for literal in found:
        code_line = lines[literal.line - 1]
        before = source[max(0, literal.start - 12) : literal.start]
        key_or_class = re.search(r"\bt\($|\btn\($|class[\"']?:\s*$", before)
        if key_or_class or re.search(r"new Error\(", code_line) or _is_code(literal.text):
            continue
        on_showing_line = bool(SHOWS.search(code_line))
        sentence = literal.templated and bool(SENTENCE.search(literal.text))
        if on_showing_line or sentence:
            shown.append(Shown(file, literal.line, literal.text, literal.templated, bool(DIALOG.search(code_line))))
    return shown


def text_objects(source: str) -> int:
    """How many module-level TEXT = {...} objects of English sentences a script has (the catalogue holds them)."""
    return len(TEXT_OBJECT.findall(source))
