"""Every page (and the badge email) in a real Chromium against one real `badgeforge serve`: 0 serious or critical
axe-core findings at 1280x800 and 390x844, in light and dark; no action off-screen on a phone (tables become
cards); the shared layout's <noscript> message; the strings in the browser's language, with a switch that persists
and locale-aware dates.

Deterministic data: fixed users, examples/attendees.csv (first 3 rows), one finished job. axe-core comes from
tools/node_modules/axe-core and is injected by the test (bypass_csp only for that), never served by the app.
Set BADGEFORGE_SCREENSHOTS=1 to also save docs/screenshots/<page>-desktop.png and <page>-phone.png (light).
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from playwright.sync_api import expect

from badgeforge.adapters.local.links import LocalLinkSigner

from .conftest import ROOT, WAIT_MS, ConsoleLog, InFlight
from .test_dead_links_and_email import mail_to, make_job, serious_axe_findings
from .test_web_flow import SCREENSHOTS, add_user

pytestmark = pytest.mark.e2e

ORGANIZER = "organizer@example.com"
ADMIN = "admin@example.com"
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
CATALOGUES = {lang: json.loads((ROOT / "web" / "i18n" / f"{lang}.json").read_text()) for lang in ("en", "de")}


class Site:
    """The one server of this module with its data made once: two users, a finished job, its email, a dead link."""

    def __init__(self, server, browser) -> None:
        self.server = server
        add_user(server, ORGANIZER, usage=5)
        add_user(server, ADMIN, admin=True)
        context = browser.new_context()
        job = make_job(server, context.new_page(), ORGANIZER, {"event_name": "Summer Summit 2026"})
        context.close()
        self.job = job
        self.email_html = mail_to(server, ORGANIZER).get_body(("html",)).get_content()
        parts = urlsplit(job["link"])
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        secret = (server.home / "link_secret").read_text().strip()
        self.expired_link = LocalLinkSigner(secret, server.url).signed_url(
            unquote(parts.path.removeprefix("/files/")), expires=timedelta(seconds=-5), download_name=query.get("name")
        )
        self.tokens = {ORGANIZER: server.token(ORGANIZER), ADMIN: server.token(ADMIN)}
        status, made = server.api(
            "POST", f"/api/desk/{job['id']}/sessions", self.tokens[ORGANIZER], {"mode": "kiosk", "device": "kiosk-1"}
        )
        assert status == 201, made
        self.kiosk_token = made["token"]  # the kiosk runs on a kiosk session's token, never on a sign-in


@pytest.fixture(scope="module")
def site(server, browser) -> Site:
    return Site(server, browser)


# name -> (path, who is signed in, what shows once the page has loaded its data)
PAGES = {
    "signin": ("/", None, "#signin-form"),
    "index": ("/", ORGANIZER, "#app"),
    "jobs": ("/jobs.html", ORGANIZER, "#jobs tbody tr button"),
    "account": ("/account.html", ORGANIZER, "#totp-start"),
    "admin": ("/admin", ADMIN, "#users tbody tr button"),
    "link": ("/link.html#not-a-download-token", None, "#link-reason:not(:has-text('Checking'))"),
    "reset": ("/reset.html", None, "#reset-form"),
    "verify": ("/verify.html", None, "#verify-status:not(:has-text('Checking'))"),
    "dead-link": (None, ORGANIZER, "#new-link"),
    "desk": ("/desk", ORGANIZER, "#desk-search"),  # shown once a finished job is chosen (settled: its roster)
    "kiosk": ("/kiosk#token={kiosk_token}", None, "#kiosk-q"),
    "studio": ("/studio", ORGANIZER, "#canvas"),
}


def open_page(browser, site: Site, name: str, *, size: str = "desktop", scheme: str = "light", locale: str = "en-US"):
    width, height = SIZES[size]
    context = browser.new_context(
        viewport={"width": width, "height": height}, color_scheme=scheme, locale=locale, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    console = ConsoleLog(page)
    loading = InFlight(page)
    if name == "email":
        page.set_content(site.email_html)
        return context, page, console
    path, who, ready = PAGES[name]
    if who:  # the opaque session token, where signin.js keeps it (the sign-in form itself is tested elsewhere)
        context.add_init_script(f"localStorage.setItem('badgeforge.token', {json.dumps(site.tokens[who])})")
    page.goto(site.expired_link if path is None else site.server.url + path.format(kiosk_token=site.kiosk_token))
    page.locator(ready).first.wait_for()
    loading.settle(page)
    return context, page, console


OFF_SCREEN = """(width) => [...document.querySelectorAll('a, button, input, select, textarea, [tabindex]')]
  .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.width > 0 && (box.left < -0.5 || box.right > width + 0.5))
  .map(([el, box]) => `${el.tagName.toLowerCase()}#${el.id || ''} "${(el.textContent || '').trim().slice(0, 30)}"`
    + ` at ${Math.round(box.left)}..${Math.round(box.right)}`)"""


def dark_background(page) -> bool:
    rgb = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")  # :root carries --bg
    values = [int(v) for v in re.findall(r"\d+", rgb)[:3]]
    return sum(values) / 3 < 80


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", [*PAGES, "email"])
def test_every_page_is_accessible_fits_a_phone_and_has_dark_mode(site, browser, name, size, scheme):
    context, page, console = open_page(browser, site, name, size=size, scheme=scheme)
    try:
        assert serious_axe_findings(page) == [], f"{name} {size} {scheme}"
        width = SIZES[size][0]
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "nothing wider than the screen"
        assert page.evaluate(OFF_SCREEN, width) == [], "every action inside the screen"
        if name != "email":
            assert "<noscript>" in page.content()
            assert dark_background(page) is (scheme == "dark")
            if size == "phone" and name in ("jobs", "admin"):  # cards: the row is as wide as its table, labelled
                cell = page.locator(".table-wrap table tbody tr td").first
                assert cell.evaluate("el => getComputedStyle(el).display") == "block"
                assert cell.get_attribute("data-label")
        assert console.errors == []
        if os.environ.get("BADGEFORGE_SCREENSHOTS") and scheme == "light":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            times = page.locator("#jobs tbody td:first-child, #users tbody td:nth-child(5)")
            page.screenshot(
                path=str(SCREENSHOTS / f"{name}-{size}.png"), full_page=True, mask=[times], mask_color="#c9ced9"
            )
    finally:
        context.close()


# what web/js/i18n.js never translates: marked text, text in its own language, the organizer's data
KEEP = "script, style, [translate=no], body [lang], #first-rows, #mapping select, #sheet"


def english_left(page) -> list[str]:
    """Visible texts that are English catalogue entries although German differs (i.e. left untranslated); the
    organizer's data (the file's rows and columns, the printed sheet) is the file's and stays as it is."""
    texts = page.evaluate(
        """(KEEP) => { const out = []; const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const el = n.parentElement;
          if (!el || el.closest(KEEP) || !el.getClientRects().length) continue;
          const text = n.nodeValue.replace(/\\s+/g, ' ').trim(); if (text) out.push(text); }
        return out; }""",
        KEEP,
    )
    english = {text: key for key, text in CATALOGUES["en"].items() if CATALOGUES["de"][key] != text}
    return [text for text in texts if text in english]


def _english_pattern(text: str) -> re.Pattern[str]:
    """An English catalogue text as a pattern: its {placeholders} stand for any value a script put there."""
    parts = re.split(r"\{\w+\}", text)
    return re.compile(".+?".join(re.escape(part) for part in parts), re.S)


ENGLISH_BUILT = [
    _english_pattern(text)
    for key, text in CATALOGUES["en"].items()
    if "{" in text and CATALOGUES["de"][key] != text and len(re.sub(r"\{\w+\}", "", text).strip()) > 3
]


def english_built(page) -> list[str]:
    """Visible texts (and the preview's alt) a script built from an English catalogue text with values."""
    texts = page.evaluate(
        """(KEEP) => [...document.querySelectorAll('body *')].filter((el) => el.getClientRects().length
          && !el.closest(KEEP))
          .flatMap((el) => [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.nodeValue)
            .concat(el.getAttribute('alt') || []))
          .map((text) => text.replace(/\\s+/g, ' ').trim()).filter(Boolean)""",
        KEEP,
    )
    return [text for text in texts if any(pattern.fullmatch(text) for pattern in ENGLISH_BUILT)]


def test_a_german_organizer_gets_the_script_built_texts_in_german(site, browser):
    """The form after a file is chosen: detected rows, the preview, the sheet summary, the usage note."""
    context, page, console = open_page(browser, site, "index", locale="de-DE")
    try:
        page.locator("#csv-file").set_input_files(str(ROOT / "examples" / "attendees.csv"))
        expect(page.locator("#preview-status")).to_contain_text("Badge 1 von", timeout=WAIT_MS)
        expect(page.locator("#detected-summary")).to_contain_text("Teilnehmende")
        expect(page.locator("#sheet-summary")).to_contain_text("pro Bogen")
        expect(page.locator("#usage-note")).to_contain_text("Verbraucht 1 Generation")
        expect(page.locator("label[for=opt-paper]")).to_have_text("Papier")  # the API's labels: Accept-Language
        assert english_built(page) == [] and english_left(page) == []
        assert page.locator("#preview-image").get_attribute("alt").startswith("Vorschau der Vorderseite")
        assert console.errors == []
    finally:
        context.close()


def test_the_admin_console_builds_its_texts_in_german(site, browser):
    context, page, console = open_page(browser, site, "admin", locale="de-DE")
    try:
        expect(page.locator("#stuck-lease")).not_to_be_empty()
        assert english_built(page) == [] and english_left(page) == []
        button = page.locator("#users tbody tr button").first
        assert button.get_attribute("aria-label").startswith("Kontingent von ")
        assert console.errors == []
    finally:
        context.close()


@pytest.mark.parametrize(
    "name", ["signin", "index", "jobs", "account", "admin", "dead-link", "desk", "kiosk", "studio"]
)
def test_a_german_browser_gets_every_page_in_german(site, browser, name):
    context, page, console = open_page(browser, site, name, locale="de-DE")
    try:
        expect(page.locator("html")).to_have_attribute("lang", "de")
        if name != "kiosk":  # the kiosk shows no menu (self-service)
            expect(page.get_by_role("navigation", name="Hauptmenü")).to_be_visible()
        assert english_left(page) == []
        assert page.title().startswith("BadgeForge — ") and page.title() != "BadgeForge — my badges"
        assert console.errors == []
    finally:
        context.close()


def test_the_language_switch_persists_and_dates_follow_the_language(site, browser):
    context, page, console = open_page(browser, site, "jobs", locale="de-DE")
    try:
        started = page.locator("#jobs tbody tr td").first
        expect(started).to_have_text(re.compile(r"^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$"))  # 01.12.2026, 12:05
        expect(page.get_by_role("heading", level=1)).to_have_text("Meine Namensschilder")
        page.get_by_label("Sprache").select_option("en")
        expect(page.get_by_role("heading", level=1)).to_have_text("My badges")
        page.reload()
        page.locator("#jobs tbody tr button").first.wait_for()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("heading", level=1)).to_have_text("My badges")
        expect(page.locator("#jobs tbody tr td").first).to_have_text(re.compile(r"^[A-Z][a-z]{2} \d{1,2}, \d{4}"))
        assert console.errors == []
    finally:
        context.close()


def test_without_javascript_every_page_says_what_it_needs(site, browser):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        for path in ("/", "/jobs.html", "/account.html", "/admin", "/link.html", "/reset.html", "/verify.html"):
            page.goto(site.server.url + path)
            expect(page.locator(".noscript")).to_be_visible()
            expect(page.locator(".noscript")).to_contain_text("turn JavaScript on")
    finally:
        context.close()


def test_serve_answers_the_built_pages(site):
    """What serve answers is the build of web/pages/ in the layout: the very files Hosting serves from web/."""
    from badgeforge import web_build

    for source in web_build.page_sources():
        name = web_build.output_of(source).name
        with urllib.request.urlopen(f"{site.server.url}/{name}", timeout=30) as answer:
            assert answer.read().decode() == web_build.render(source), name


def test_the_organizers_data_is_never_translated(site, browser):
    """A column named "Email" is the file's, not a UI string: the German page shows it as the file has it."""
    context, page, console = open_page(browser, site, "index", locale="de-DE")
    try:
        page.locator("#csv-file").set_input_files(str(ROOT / "examples" / "attendees.csv"))
        expect(page.locator("#first-rows")).to_contain_text("Email", timeout=WAIT_MS)
        expect(page.get_by_role("heading", name="1. Teilnehmerliste (CSV)")).to_be_visible()
        assert "E-Mail" not in page.locator("#first-rows").inner_text()
        assert console.errors == []
    finally:
        context.close()
