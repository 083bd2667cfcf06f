"""The admin console over 10,000 accounts in Chromium against a real `badgeforge serve`: server-side pages of 50
by email (never bare uids), email-prefix search, "Left / Used / Granted in total" per account (left + used =
granted, never an "allowed" that already has the used ones taken off), and set-to-0 and subtract asking first (a
dismissed question changes nothing)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from badgeforge.adapters.local.tree_db import SqliteTreeDatabase

from .conftest import WAIT_MS, serving
from .test_web_flow import add_user, sign_in

pytestmark = pytest.mark.e2e
USERS = 10_500


def _seed(home: Path) -> None:
    """10,500 accounts straight into the tree (as first sign-ins record them), each with its own usage."""
    db = SqliteTreeDatabase(home / "database.sqlite")
    db.update(
        "users",
        {
            f"uid{i:05d}": {
                "email": f"user{i:05d}@example.org",
                "allowed_usage": 10 + i % 7,
                "used": i % 5,
                "created_at": "2026-01-01T00:00:00+00:00",
            }
            for i in range(USERS)
        },
    )


def test_the_console_pages_and_searches_ten_thousand_accounts(tmp_path, new_page):
    home = tmp_path / "home"
    home.mkdir()
    with serving(home) as server:
        add_user(server, "boss@example.com", admin=True)
        add_user(server, "zed@example.com", usage=5)
        _seed(home)
        page, console = new_page()
        sign_in(page, server, "boss@example.com", "/admin")
        rows = page.locator("#users tbody tr")
        expect(rows).to_have_count(50, timeout=WAIT_MS)
        headers = page.locator("#users thead th").all_inner_texts()
        assert headers[:4] == ["Email", "Left", "Used", "Granted in total"]
        emails = page.locator("#users tbody tr td:first-child")
        first_page = emails.all_inner_texts()
        assert all("@" in email for email in first_page), "every row names its account by email"
        assert not any(re.search(r"\buid\d{5}\b", row) for row in rows.all_inner_texts()), "never a bare uid"
        assert first_page == sorted(first_page), "email order"
        page.get_by_role("button", name="Next page").click()
        expect(emails.first).not_to_have_text(first_page[0], timeout=WAIT_MS)
        second_page = emails.all_inner_texts()
        assert len(second_page) == 50 and second_page[0] > first_page[-1]
        page.get_by_role("button", name="Previous page").click()
        expect(emails.first).to_have_text(first_page[0], timeout=WAIT_MS)

        page.get_by_label("Search by email (its start) or user id").fill("user09876")
        page.get_by_role("button", name="Search").click()
        expect(rows).to_have_count(1, timeout=WAIT_MS)
        row = rows.first
        # user09876: a balance (allowed_usage) of 10 + 9876 % 7 = 16 left, 9876 % 5 = 1 used: 17 granted
        cells = row.locator("td").all_inner_texts()
        assert cells[:4] == ["user09876@example.org", "16", "1", "17"]

        # confirmations, on a real account (the seeded rows have no sign-in record to adjust)
        page.get_by_label("Search by email (its start) or user id").fill("zed@")
        page.get_by_role("button", name="Search").click()
        row = rows.filter(has_text="zed@example.com")
        expect(rows).to_have_count(1, timeout=WAIT_MS)
        expect(row).to_be_visible(timeout=WAIT_MS)
        row.get_by_role("button", name="Adjust usage of zed@example.com").click()
        page.get_by_label("Change").select_option(label="Set what is left to")
        page.get_by_label("Amount").fill("0")
        page.get_by_label("Reason").fill("event cancelled")
        asked: list[str] = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        page.get_by_role("button", name="Apply").click()
        expect(page.locator("#adjust-result")).to_have_text("Nothing was changed.", timeout=WAIT_MS)
        assert asked and "zed@example.com" in asked[0] and "to 0" in asked[0]
        assert row.locator(".usage-left").inner_text() == "5"
        page.get_by_label("Change").select_option(label="Subtract from what is left")
        page.get_by_label("Amount").fill("2")
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        page.get_by_role("button", name="Apply").click()
        expect(page.locator("#adjust-result")).to_contain_text("Saved", timeout=WAIT_MS)
        assert "Subtract 2" in asked[1] and "5 left now" in asked[1]
        expect(row.locator(".usage-left")).to_have_text("3", timeout=WAIT_MS)
        assert row.locator("td").all_inner_texts()[2:4] == ["0", "3"]
        assert console.errors == []
