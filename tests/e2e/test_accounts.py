"""Accounts in a real browser against a real `badgeforge serve`: sign up, verify by the emailed link, reset and
change the password, TOTP two-factor for an admin; links are single-use and expire. Emails are read from the
outbox folder the local mailer writes (the same .eml an SMTP server would get)."""

from __future__ import annotations

import email
import re
import time
from email import policy

import pytest
from playwright.sync_api import expect

from badgeforge.services import totp

from .conftest import PASSWORD, WAIT_MS, serving
from .test_web_flow import add_user

pytestmark = pytest.mark.e2e


def mail_links(server, to: str, subject: str) -> list[str]:
    links = []
    for path in sorted((server.home / "outbox").glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if to in str(message["To"]) and subject in str(message["Subject"]):
            assert message.get_body(preferencelist=("html",)) is not None, "every account email has an HTML part"
            text = message.get_body(preferencelist=("plain",)).get_content()
            links += re.findall(r"https?://\S+#token=[\w-]+", text)
    return links


def script_errors(console) -> list[str]:
    """Console errors but the browser's own notes on refused requests (the tests make some on purpose)."""
    return [e for e in console.errors if "Failed to load resource" not in e]


def sign_in(page, server, address: str, password: str = PASSWORD, path: str = "/") -> None:
    page.goto(server.url + path)
    page.get_by_label("Email", exact=True).fill(address)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_up_verify_by_email_then_sign_in_with_the_starting_usage(server, new_page):
    page, console = new_page()
    page.goto(server.url + "/")
    expect(page.locator("#tagline")).to_contain_text("print-ready name badges")
    page.get_by_role("button", name="Create an account").click()
    page.get_by_label("Email", exact=True).fill("newcomer@example.com")
    page.get_by_label("Choose a password").fill("newcomer-password-1")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#signin-message")).to_contain_text("email is on its way", timeout=WAIT_MS)

    (link,) = mail_links(server, "newcomer@example.com", "Confirm")
    page.goto(link)
    expect(page.locator("#verify-status")).to_contain_text("is confirmed. You have 5 free badge generations")
    assert "token" not in page.url, "the token leaves the address bar"
    page.goto("about:blank")  # a new load, as a second click opens (same page + new #fragment would not reload)
    page.goto(link)
    expect(page.locator("#verify-status")).to_contain_text("was used already")

    sign_in(page, server, "newcomer@example.com", "newcomer-password-1")
    page.locator("#app").wait_for(state="visible")
    expect(page.locator("#usage-left")).to_have_text("5", timeout=WAIT_MS)
    assert page.locator("#unverified").count() == 0
    assert not script_errors(console)


def test_an_unverified_account_sees_why_it_has_no_usage(server, new_page):
    status, _ = server.api("POST", "/api/auth/signup", body={"email": "later@example.com", "password": PASSWORD})
    assert status == 202
    page, _ = new_page()
    sign_in(page, server, "later@example.com")
    page.locator("#app").wait_for(state="visible")
    expect(page.locator("#unverified")).to_contain_text("Please confirm later@example.com")
    expect(page.locator("#usage-left")).to_have_text("0")
    page.get_by_role("button", name="Send the link again").click()
    expect(page.locator("#resend-result")).to_contain_text("email is on its way")
    assert len(mail_links(server, "later@example.com", "Confirm")) == 2


def test_forgotten_password_is_reset_by_a_single_use_link(server, new_page):
    add_user(server, "forgetful@example.com")
    page, console = new_page()
    page.goto(server.url + "/")
    page.get_by_role("button", name="Forgot your password?").click()
    page.get_by_label("Email", exact=True).fill("forgetful@example.com")
    page.get_by_role("button", name="Email me a reset link").click()
    expect(page.locator("#signin-message")).to_contain_text("email is on its way", timeout=WAIT_MS)

    (link,) = mail_links(server, "forgetful@example.com", "Reset")
    page.goto(link)
    page.get_by_label("New password", exact=True).fill("a-fresh-password-2")
    page.get_by_label("New password again").fill("a-fresh-password-2")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.locator("#reset-status")).to_contain_text("new password is saved", timeout=WAIT_MS)

    page.goto("about:blank")
    page.goto(link)
    page.get_by_label("New password", exact=True).fill("a-third-password-3")
    page.get_by_label("New password again").fill("a-third-password-3")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.locator("#reset-error")).to_contain_text("was used already")

    sign_in(page, server, "forgetful@example.com", PASSWORD)
    expect(page.locator("#signin-error")).to_have_text("Wrong email or password.")
    sign_in(page, server, "forgetful@example.com", "a-fresh-password-2")
    page.locator("#app").wait_for(state="visible")
    assert not script_errors(console)


def test_change_password_on_the_account_page(server, new_page):
    add_user(server, "changer@example.com")
    page, _ = new_page()
    sign_in(page, server, "changer@example.com", path="/account.html")
    page.locator("#app").wait_for(state="visible")
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password", exact=True).fill("changed-password-4")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#password-error")).to_contain_text("current password is not right")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("changed-password-4")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#password-status")).to_contain_text("password is changed")
    assert server.api("POST", "/api/auth/signin", body={"email": "changer@example.com", "password": PASSWORD})[0] == 401
    body = {"email": "changer@example.com", "password": "changed-password-4"}
    assert server.api("POST", "/api/auth/signin", body=body)[0] == 200


def test_admin_turns_on_totp_and_must_give_a_code_at_sign_in(server, new_page):
    add_user(server, "guard@example.com", admin=True)
    page, console = new_page()
    sign_in(page, server, "guard@example.com", path="/account.html")
    page.locator("#app").wait_for(state="visible")
    expect(page.locator("#totp-state")).to_have_text("Two-factor is off.")
    page.locator("#totp-start").get_by_label("Your password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Set up two-factor").click()
    page.locator("#totp-qr").wait_for(state="visible")
    assert page.locator("#totp-qr").evaluate("img => img.naturalWidth") > 0, "the QR image decodes"
    secret = page.locator("#totp-secret").inner_text()
    # the previous step's code (still inside the drift window), so the sign-in below may use the current one
    page.locator("#totp-confirm").get_by_label("Code from the app").fill(totp.code_at(secret, time.time() - 30))
    page.get_by_role("button", name="Turn on two-factor").click()
    expect(page.locator("#totp-state")).to_contain_text("Two-factor is on (10 recovery codes left)")
    assert page.locator("#recovery-codes li").count() == 10
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Email", exact=True)).to_be_visible()  # signed out: the page reloaded to its sign-in

    sign_in(page, server, "guard@example.com", path="/admin")
    page.get_by_label("Code", exact=True).fill("000000" if totp.code_at(secret, time.time()) != "000000" else "111111")
    page.get_by_role("button", name="Verify code").click()
    expect(page.locator("#signin-error")).to_contain_text("code is not right")
    assert page.locator("#who").inner_text() == ""
    page.get_by_label("Code", exact=True).fill(totp.code_at(secret, time.time()))
    page.get_by_role("button", name="Verify code").click()
    expect(page.locator("#who")).to_contain_text("guard@example.com", timeout=WAIT_MS)
    assert not script_errors(console)


@pytest.fixture(scope="module")
def short_links_server(tmp_path_factory):
    home = tmp_path_factory.mktemp("badgeforge-short-links")
    with serving(home, BADGEFORGE_VERIFY_TTL_SECONDS="2", BADGEFORGE_RESET_TTL_SECONDS="2") as running:
        yield running


def test_links_expire(short_links_server, new_page):
    server = short_links_server
    assert server.api("POST", "/api/auth/signup", body={"email": "slow@example.com", "password": PASSWORD})[0] == 202
    assert server.api("POST", "/api/auth/reset-request", body={"email": "slow@example.com"})[0] == 202
    time.sleep(2.5)
    page, _ = new_page()
    (verify,) = mail_links(server, "slow@example.com", "Confirm")
    page.goto(verify)
    expect(page.locator("#verify-status")).to_contain_text("has expired")
    (reset,) = mail_links(server, "slow@example.com", "Reset")
    page.goto(reset)
    page.get_by_label("New password", exact=True).fill("too-late-password")
    page.get_by_label("New password again").fill("too-late-password")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.locator("#reset-error")).to_contain_text("has expired")


def test_an_invite_only_install_says_how_to_get_access(tmp_path, new_page):
    env = {
        "BADGEFORGE_SIGNUP": "invite",
        "BADGEFORGE_DEFAULT_USAGE": "0",
        "BADGEFORGE_ACCESS_CONTACT": "ops@example.org",
    }
    with serving(tmp_path, **env) as server:
        page, console = new_page()
        page.goto(server.url + "/")
        expect(page.locator("#signin-access")).to_have_text(
            "BadgeForge here is by invitation: ask ops@example.org for an account."
        )
        assert page.get_by_role("button", name="Create an account").count() == 0
        status, body = server.api("POST", "/api/auth/signup", body={"email": "x@example.com", "password": PASSWORD})
        assert status == 403 and body["error"]["code"] == "invite_only"
        assert not script_errors(console)
