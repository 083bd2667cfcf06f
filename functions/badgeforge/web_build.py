"""Builds the static pages: web/pages/<page>.html.j2 + templates/pages/layout.html.j2 -> web/<page>.html.

Why a build step and not server-side rendering: Firebase Hosting serves web/ as plain files, and `badgeforge serve`
must show the very same files. Why the output sits in web/ itself (git-ignored): Hosting's `public` folder, the
emulator tests and the scripts that add files to web/ (css, js, vendored libraries) keep one folder; the sources
(pages/) are left out of Hosting by firebase.json's `ignore`. Run by `make web` (so `make run|test|deploy`), and by
`badgeforge serve` and the test suite when a source is newer than its page (`ensure_built`).

    python -m badgeforge.web_build [--check]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import jinja2

from badgeforge.config import templates_dir

REPO = Path(__file__).resolve().parents[2]
WEB = REPO / "web"


def page_sources(web: Path = WEB) -> list[Path]:
    """One module per page: web/pages/<page>.html.j2, each extending the shared layout."""
    return sorted((web / "pages").glob("*.html.j2"))


def output_of(source: Path, web: Path = WEB) -> Path:
    return web / source.name.removesuffix(".j2")


def _environment(web: Path, templates: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([web / "pages", templates / "pages"]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render(source: Path, web: Path = WEB, templates: Path | None = None) -> str:
    environment = _environment(web, templates or templates_dir())
    return environment.get_template(source.name).render()


def _write_atomically(path: Path, text: str) -> None:
    """Readers (a running serve, a parallel test worker) see the old page or the new one, never half of one."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def build(web: Path = WEB, templates: Path | None = None) -> list[Path]:
    """Render every page; returns the pages written."""
    written = []
    for source in page_sources(web):
        target = output_of(source, web)
        _write_atomically(target, render(source, web, templates))
        written.append(target)
    return written


def _inputs(web: Path, templates: Path) -> list[Path]:
    return [*page_sources(web), *sorted((templates / "pages").glob("*.j2")), Path(__file__)]


def stale(web: Path = WEB, templates: Path | None = None) -> list[Path]:
    """The pages that are missing or older than any of their inputs (the page, the layout, this builder)."""
    templates = templates or templates_dir()
    newest = max((p.stat().st_mtime for p in _inputs(web, templates)), default=0.0)
    outputs = [output_of(source, web) for source in page_sources(web)]
    return [out for out in outputs if not out.exists() or out.stat().st_mtime < newest]


def ensure_built(web: Path = WEB, templates: Path | None = None) -> list[Path]:
    """Build when stale (cheap to call at every start); returns the pages written (none when fresh)."""
    return build(web, templates) if stale(web, templates) else []


def main(argv: list[str]) -> int:
    if "--check" in argv:
        out_of_date = stale()
        for page in out_of_date:
            print(f"web_build: {page.relative_to(REPO)} is out of date; run `make web`", file=sys.stderr)
        return 1 if out_of_date else 0
    written = build()
    print(f"web_build: built {len(written)} pages into {WEB.relative_to(REPO)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
