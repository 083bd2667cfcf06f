"""The static pages come from one layout: web/pages/<page>.html.j2 + templates/pages/layout.html.j2 -> web/<page>.html.

Real parts: the real page sources and layout, rendered by badgeforge.web_build (Jinja), parsed with html.parser.
"""

from __future__ import annotations

import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from badgeforge import web_build
from badgeforge.api.dead_links import REASONS, render_page
from badgeforge.config import templates_dir

PAGES = ["account", "admin", "desk", "index", "jobs", "kiosk", "link", "reset", "studio", "verify"]


class Outline(HTMLParser):
    """What the layout promises on every page: counts of the shared parts, inline scripts, the page's script."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}
        self.scripts: list[str] = []
        self.inline_scripts = 0
        self.inline_handlers: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        key = f"{tag}.{values['class']}" if values.get("class") else tag
        key = f"{tag}[{values['aria-label']}]" if tag == "nav" and values.get("aria-label") else key
        for name in {tag, key}:
            self.tags[name] = self.tags.get(name, 0) + 1
        self.inline_handlers += [name for name, _ in attrs if name.startswith("on")]
        if tag == "script":
            self._in_script = True
            if values.get("src"):
                self.scripts.append(values["src"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1


def outline(html: str) -> Outline:
    parsed = Outline()
    parsed.feed(html)
    return parsed


def test_every_page_has_one_module_and_the_build_writes_each():
    assert [p.name.split(".")[0] for p in web_build.page_sources()] == PAGES
    for source in web_build.page_sources():
        text = source.read_text()
        assert text.startswith('{% extends "layout.html.j2" %}'), f"{source.name} must extend the shared layout"
        assert "<head" not in text and "<header" not in text, f"{source.name} copies the layout's head or header"


@pytest.mark.parametrize("page", PAGES)
def test_each_built_page_has_the_shared_head_header_noscript_and_footer(page):
    parsed = outline(web_build.render(Path(f"{page}.html.j2")))
    for part in ("html", "head", "title", "header.site", "nav[Main]", "main", "footer.site", "noscript"):
        assert parsed.tags.get(part) == 1, f"{page}: expected one {part}"
    assert parsed.tags.get("h1") == 1, f"{page}: one h1"
    assert parsed.inline_scripts == 0 and parsed.inline_handlers == [], "the CSP forbids inline script"
    assert all(src.startswith("/js/") for src in parsed.scripts) and parsed.scripts, "the page's own module"


def test_the_dead_link_page_shares_the_layout():
    for state in REASONS:
        parsed = outline(render_page(state, "job-1"))
        for part in ("head", "header.site", "nav[Main]", "main", "footer.site", "noscript"):
            assert parsed.tags.get(part) == 1, f"{state}: expected one {part}"
        assert parsed.inline_scripts == 0


def test_stale_pages_are_rebuilt_and_fresh_ones_left_alone(tmp_path):
    web = tmp_path / "web"
    shutil.copytree(web_build.WEB / "pages", web / "pages")
    templates = Path(templates_dir())
    assert len(web_build.stale(web, templates)) == len(PAGES), "nothing built yet"
    assert len(web_build.ensure_built(web, templates)) == len(PAGES)
    assert web_build.stale(web, templates) == [] and web_build.ensure_built(web, templates) == []
    source = web / "pages" / "jobs.html.j2"
    later = (web / "jobs.html").stat().st_mtime + 5
    os.utime(source, (later, later))
    source.write_text(source.read_text().replace("<h1>My badges</h1>", "<h1>My badges!</h1>"))
    os.utime(source, (later, later))
    assert web_build.stale(web, templates) != []
    web_build.ensure_built(web, templates)
    assert "<h1>My badges!</h1>" in (web / "jobs.html").read_text()


def test_serve_rebuilds_a_stale_page_before_serving(tmp_path):
    from flask import Flask

    from badgeforge.api.app import _serve_pages

    web = tmp_path / "web"
    shutil.copytree(web_build.WEB / "pages", web / "pages")
    app = Flask(__name__)
    _serve_pages(app, web)
    answer = app.test_client().get("/jobs.html")
    assert answer.status_code == 200 and b'<header class="site">' in answer.data
