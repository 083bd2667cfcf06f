"""The visible strings of a page, as a reader (or a screen reader) meets them: text nodes outside script/style and
the attributes that are read out (alt, aria-label, placeholder, title). Skips what must not be translated: elements
marked translate="no" or with their own lang (language names in the switch), and strings without a letter ("…")."""

from __future__ import annotations

import re
from html.parser import HTMLParser

READ_ATTRIBUTES = ("alt", "aria-label", "placeholder", "title")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
LETTER = re.compile(r"[^\W\d_]")


def normalise(text: str) -> str:
    return " ".join(text.split())


class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, skipped)

    def _skipping(self) -> bool:
        return any(skipped for _, skipped in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skipped = tag in ("script", "style") or values.get("translate") == "no" or ("lang" in values and tag != "html")
        if not skipped and not self._skipping():
            for name in READ_ATTRIBUTES:
                if values.get(name):
                    self._add(values[name] or "")
        if tag not in VOID:
            self._stack.append((tag, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self._stack:
            self._stack.pop()

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self._add(data)

    def _add(self, text: str) -> None:
        text = normalise(text)
        if LETTER.search(text):
            self.found.append(text)


def visible_texts(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    parser.close()
    return parser.found
