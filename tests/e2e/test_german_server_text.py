"""A German organizer (Chromium with locale de-DE against a real `badgeforge serve`): everything the server writes on
the page reads in German — the sign-in refusal, the gallery's design names and descriptions, the label sheets and
sides, a file error, the preview's row warnings and the finished job's warnings — and no sentence of the server's
English catalogue (templates/i18n/messages.en.json) is left on the page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, ROOT, WAIT_MS
from .test_web_flow import add_user

pytestmark = pytest.mark.e2e
CATALOGUES = ROOT / "templates" / "i18n"


def english_sentences() -> list[str]:
    """The longest literal piece of every English entry whose German entry differs (names like "Modern" are equal)."""
    english = json.loads((CATALOGUES / "messages.en.json").read_text(encoding="utf-8"))
    german = json.loads((CATALOGUES / "messages.de.json").read_text(encoding="utf-8"))
    found = []
    for key, entry in english.items():
        forms = [entry] if isinstance(entry, str) else list(entry.values())
        same = json.dumps(german[key], ensure_ascii=False)
        for form in forms:
            literal = max(re.split(r"\{[^}]*\}", form), key=len).strip(" .:;,'(")
            if len(literal) >= 12 and literal not in same:
                found.append(literal)
    return found


def assert_no_english(text: str) -> None:
    left = [sentence for sentence in english_sentences() if sentence in text]
    assert left == [], left


def sign_in_german(page, server, address: str) -> None:
    page.goto(server.url + "/")
    form = page.locator("#signin-form")
    form.locator("input[type=email]").fill(address)
    form.locator("input[type=password]").fill("not the password")
    page.locator("#signin-submit").click()
    expect(page.locator("#signin-error")).to_have_text("E-Mail-Adresse oder Passwort ist falsch.", timeout=WAIT_MS)
    form.locator("input[type=password]").fill(PASSWORD)
    page.locator("#signin-submit").click()
    page.locator("#app").wait_for(state="visible")


def test_a_german_organizer_reads_the_servers_messages_in_german(server, browser, tmp_path: Path):
    add_user(server, "deutsch@example.com")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE", accept_downloads=True)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        sign_in_german(page, server, "deutsch@example.com")

        # the gallery and the form's choices come from the renderer's data, answered in German
        expect(page.locator("#design-classic-card")).to_contain_text("Klassisch", timeout=WAIT_MS)
        expect(page.locator("#design-classic-card")).to_contain_text("Weißes Namensschild mit einem Farbband")
        expect(page.locator("#design-pass-card")).to_contain_text("Pass im Hochformat mit eigener Rückseite")
        presets = page.locator("select#preset option, #field-preset option").all_inner_texts()
        assert "HERMA 4412 Namensschild-Etiketten, 80 x 50 mm, 10 pro A4-Bogen" in presets, presets[:5]
        sides = page.locator("select#sides option, #field-sides option").all_inner_texts()
        assert "Beidseitig (Duplex)" in sides, sides

        # a file the organizer can fix in the browser: the error says what is wrong in German
        bad = tmp_path / "ohne-namen.csv"
        bad.write_text("city,country\nParis,FR\n")
        page.locator("#csv-file").set_input_files(str(bad))
        expect(page.locator("#csv-error")).to_contain_text("Es wurde keine Spalte mit Namen gefunden", timeout=WAIT_MS)
        assert_no_english(page.locator("#csv-error").inner_text())

        # row warnings: a shortened organisation, a character no font has, a ticket code used twice
        long_name = "Sehr lange Organisationsbezeichnung " * 6
        rows = [
            f"Ada Lovelace,{long_name},T-1",
            "Grace Hopper,Navy,T-1",
            "Snow \u2603 Person,Kälte GmbH,T-3",
        ]
        good = tmp_path / "teilnehmer.csv"
        good.write_text("name,company,ticket_id\n" + "\n".join(rows) + "\n")
        page.locator("#csv-file").set_input_files(str(good))
        expect(page.locator("#warnings")).to_contain_text(
            "wurde gekürzt, damit es auf das Namensschild passt", timeout=WAIT_MS
        )
        warnings = page.locator("#warnings").inner_text()
        assert "Der Ticketcode „T-1“ steht schon in Zeile 2" in warnings, warnings
        assert_no_english(warnings)

        page.locator("#submit").click()
        expect(page.locator("#job-warnings")).to_contain_text("wurde gekürzt", timeout=120_000)
        job_warnings = page.locator("#job-warnings").inner_text()
        assert "Ticketcode" in job_warnings, job_warnings
        assert_no_english(page.locator("main").inner_text())

        # the jobs list names the job's state in German too
        page.goto(server.url + "/jobs.html")
        status = page.locator("#jobs tbody tr .badge-status").first
        expect(status).to_have_text("fertig", timeout=WAIT_MS)
    finally:
        context.close()
