"""Firebase accounts in a real browser: the pages with the bundled Firebase JS SDK against firebase-tools' Auth
emulator (offline), served by a real `badgeforge serve` with BADGEFORGE_AUTH=firebase (local data, accounts in
Auth). The emails Auth would send are read from the emulator's REST list of out-of-band codes."""

from __future__ import annotations

import json
import os
import urllib.request
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from playwright.sync_api import expect

from tests.servers.auth_emulator import PROJECT, XDIST_GROUP, AuthEmulator, firebase_tools_missing, shared_auth_emulator

from .conftest import ROOT, WAIT_MS, serving
from .test_dead_links_and_email import serious_axe_findings

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group(XDIST_GROUP)]
PASSWORD = "firebase-password-1"


@pytest.fixture(scope="module")
def emulator(request):
    """The shared Auth emulator; BADGEFORGE_TEST_AUTH_EMULATOR=host:port reuses one already running (it takes 15-90 s
    to start on a busy machine), e.g. while working on these tests."""
    if not (ROOT / "web" / "vendor" / "firebase" / "firebase.js").is_file():
        pytest.fail("web/vendor/firebase/firebase.js is missing: run scripts/build_web.sh (make test does)")
    running = os.environ.get("BADGEFORGE_TEST_AUTH_EMULATOR", "")
    if running:
        host, _, port = running.rpartition(":")
        return AuthEmulator(host=host, port=int(port), project=PROJECT)
    reason = firebase_tools_missing()
    if reason:
        pytest.skip(reason)
    return shared_auth_emulator(request.config)


@pytest.fixture(scope="module")
def fb_server(emulator, tmp_path_factory):
    emulator.reset()  # accounts of earlier modules (or runs, with a reused emulator) would clash with these
    with serving(
        tmp_path_factory.mktemp("badgeforge-firebase-auth"),
        BADGEFORGE_AUTH="firebase",
        FIREBASE_AUTH_EMULATOR_HOST=emulator.emulator_host,
        GCLOUD_PROJECT=emulator.project,
    ) as running:
        yield running


def rest(emulator, path: str, body: dict | None = None, *, method: str = "POST", owner: bool = False) -> dict:
    """The emulator's Identity Toolkit REST API (what the SDK and firebase-admin call)."""
    url = f"http://{emulator.emulator_host}/{path}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    if owner:
        request.add_header("Authorization", "Bearer owner")  # the emulator's stand-in for admin credentials
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")


def sign_up(emulator, email: str, *, verified: bool = False) -> dict:
    account = rest(
        emulator,
        "identitytoolkit.googleapis.com/v1/accounts:signUp?key=k",
        {"email": email, "password": PASSWORD, "returnSecureToken": True},
    )
    if verified:
        rest(
            emulator,
            f"identitytoolkit.googleapis.com/v1/projects/{emulator.project}/accounts:update",
            {"localId": account["localId"], "emailVerified": True},
            owner=True,
        )
    return account


def oob_codes(emulator, email: str, request_type: str) -> list[dict]:
    """The out-of-band codes Auth would have emailed to `email` (VERIFY_EMAIL, PASSWORD_RESET, EMAIL_SIGNIN), oldest
    first (deleting the accounts does not clear the list: tests take the newest)."""
    listed = rest(emulator, f"emulator/v1/projects/{emulator.project}/oobCodes", method="GET")
    return [c for c in listed.get("oobCodes", []) if c["email"] == email and c["requestType"] == request_type]


def fill_sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_sign_up_then_verify_by_the_emailed_code_before_any_usage(fb_server, emulator, new_page):
    page, console = new_page()
    page.goto(fb_server.url + "/")
    page.get_by_role("button", name="Create an account").click()
    page.get_by_label("Email", exact=True).fill("fresh@example.com")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.locator("#app").wait_for(state="visible")
    expect(page.locator("#unverified")).to_contain_text("Please confirm fresh@example.com")
    expect(page.locator("#usage-left")).to_have_text("0", timeout=WAIT_MS)  # no generations before verification

    code = oob_codes(emulator, "fresh@example.com", "VERIFY_EMAIL")[-1]
    # The action URL of Auth's email templates points at our page (docs/deploy.md): it applies the code
    page.goto(f"{fb_server.url}/verify.html?mode=verifyEmail&oobCode={code['oobCode']}&apiKey=k")
    expect(page.locator("#verify-status")).to_contain_text("your email is confirmed")
    assert "oobCode" not in page.url, "the one-time code leaves the address bar"
    page.goto(fb_server.url + "/")
    page.locator("#app").wait_for(state="visible")
    expect(page.locator("#usage-left")).to_have_text("5", timeout=WAIT_MS)
    assert page.locator("#unverified").count() == 0
    assert [e for e in console.errors if "Failed to load resource" not in e] == []


def test_a_password_reset_by_email_then_sign_in_with_the_new_one(fb_server, emulator, new_page):
    sign_up(emulator, "forgetful@example.com")
    page, _ = new_page()
    page.goto(fb_server.url + "/")
    page.get_by_role("button", name="Forgot your password?").click()
    page.get_by_label("Email", exact=True).fill("forgetful@example.com")
    page.get_by_role("button", name="Email me a reset link").click()
    expect(page.locator("#signin-message")).to_contain_text("is on its way")

    code = oob_codes(emulator, "forgetful@example.com", "PASSWORD_RESET")[-1]
    page.goto(f"{fb_server.url}/verify.html?mode=resetPassword&oobCode={code['oobCode']}&apiKey=k")
    page.wait_for_url("**/reset.html**")
    page.get_by_label("New password", exact=True).fill("a-new-password-2")
    page.get_by_label("New password again").fill("a-new-password-2")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.locator("#reset-status")).to_contain_text("saved for forgetful@example.com")

    page.goto(fb_server.url + "/")
    fill_sign_in(page, "forgetful@example.com", PASSWORD)
    expect(page.locator("#signin-error")).to_have_text("Wrong email or password.")
    fill_sign_in(page, "forgetful@example.com", "a-new-password-2")
    page.locator("#app").wait_for(state="visible")


@pytest.mark.parametrize("handler", ["auth", "ours"])
def test_an_emailed_sign_in_link_signs_in(fb_server, emulator, new_page, handler):
    """Through Auth's own action link (the emulator's, which redirects to the continue URL as Auth's does), or through
    our verify.html when the templates' action URL points at it (docs/deploy.md)."""
    address = f"linked-{handler}@example.com"
    page, _ = new_page()
    page.goto(fb_server.url + "/jobs.html")
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.get_by_label("Email", exact=True).fill(address)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.locator("#signin-message")).to_contain_text(f"A sign-in link for {address}")

    code = oob_codes(emulator, address, "EMAIL_SIGNIN")[-1]
    if handler == "auth":
        page.goto(code["oobLink"])
    else:
        continue_url = parse_qs(urlparse(code["oobLink"]).query)["continueUrl"][0]
        query = {"mode": "signIn", "oobCode": code["oobCode"], "apiKey": "k", "continueUrl": continue_url}
        page.goto(f"{fb_server.url}/verify.html?{urlencode(query)}")
    page.wait_for_url("**/jobs.html?**")  # back on the page the link was asked from
    expect(page.locator("#signin-title")).to_have_text("Finish signing in")
    page.get_by_label("Email", exact=True).fill(address)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.locator("#app").wait_for(state="visible")
    expect(page.locator("#who")).to_contain_text(address)
    assert "oobCode" not in page.url
    # an email link proves the address: the starting usage is there at once
    expect(page.locator("#usage-left")).to_have_text("5", timeout=WAIT_MS)


def test_change_password_on_the_account_page(fb_server, emulator, new_page):
    sign_up(emulator, "changer@example.com", verified=True)
    page, _ = new_page()
    page.goto(fb_server.url + "/account.html")
    fill_sign_in(page, "changer@example.com")
    page.locator("#app").wait_for(state="visible")
    expect(page.locator("#totp-state")).to_have_text("Two-factor is off.")
    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_label("New password", exact=True).fill("changed-password-3")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#password-error")).to_have_text("Wrong email or password.")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("changed-password-3")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#password-status")).to_contain_text("Your password is changed")
    status, _ = 0, None
    token = rest(
        emulator,
        "identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=k",
        {"email": "changer@example.com", "password": "changed-password-3", "returnSecureToken": True},
    )["idToken"]
    status, me = fb_server.api("GET", "/api/me", token)
    assert (status, me["email"], me["email_verified"]) == (200, "changer@example.com", True)


def test_totp_enrolment_is_offered_and_the_emulator_refuses_it(fb_server, emulator, new_page):
    """Auth's TOTP MFA through the SDK's TotpMultiFactorGenerator. firebase-tools' Auth emulator implements only SMS
    second factors: mfaEnrollment:start without phoneEnrollmentInfo is refused. This test pins that refusal (when
    the emulator learns TOTP it fails, and the enrolment can be tested end to end) and that the page says so."""
    sign_up(emulator, "careful-admin@example.com", verified=True)
    page, _ = new_page()
    page.goto(fb_server.url + "/account.html")
    fill_sign_in(page, "careful-admin@example.com")
    page.locator("#app").wait_for(state="visible")
    page.locator("#totp-start-password").fill(PASSWORD)
    with page.expect_response(lambda r: "mfaEnrollment:start" in r.url) as started:
        page.get_by_role("button", name="Set up two-factor").click()
    refusal = started.value.json()["error"]["message"]
    assert started.value.status == 400 and "Missing phoneEnrollmentInfo" in refusal, refusal
    expect(page.locator("#totp-error")).not_to_be_empty()
    expect(page.locator("#totp-confirm")).to_be_hidden()


def test_google_sign_in_through_the_emulators_identity_provider(fb_server, emulator, new_page):
    """The button runs the SDK's signInWithPopup. Before it opens the emulator's fake Google pop-up, the SDK loads
    Google's gapi script from apis.google.com for its helper frame (the emulator's helper frame loads it too), and
    that host is unreachable offline: the page must then say so in words. The account side is checked through the
    emulator's signInWithIdp (a fake Google ID token): the API accepts its ID token with the address verified
    (Google vouches for it), so the starting usage is there at once."""
    page, _ = new_page()
    page.goto(fb_server.url + "/")
    with page.expect_request(lambda r: r.url.startswith("https://apis.google.com/js/api.js")):
        page.get_by_role("button", name="Sign in with Google").click()
    expect(page.locator("#signin-error")).to_have_text(
        "Google sign-in could not start (Google's sign-in script did not load). Try again, or sign in with your email.",
        timeout=WAIT_MS,
    )

    id_token = json.dumps({"sub": "google-123", "email": "googler@example.com", "email_verified": True})
    signed_in = rest(
        emulator,
        "identitytoolkit.googleapis.com/v1/accounts:signInWithIdp?key=k",
        {
            "postBody": f"id_token={id_token}&providerId=google.com",
            "requestUri": fb_server.url,
            "returnSecureToken": True,
        },
    )
    status, me = fb_server.api("GET", "/api/me", signed_in["idToken"])
    assert (status, me["email"], me["email_verified"], me["usage_left"]) == (200, "googler@example.com", True, 5)


def test_forged_and_missing_tokens_are_refused(fb_server):
    assert fb_server.api("GET", "/api/me", "not-a-token")[0] == 401
    assert fb_server.api("GET", "/api/me")[0] == 401


@pytest.mark.parametrize("width", [1280, 390])
def test_the_firebase_sign_in_forms_and_account_page_have_no_serious_axe_findings(fb_server, emulator, browser, width):
    """The CSP is bypassed here only so axe's script can be injected; the other tests run under the real CSP."""
    context = browser.new_context(viewport={"width": width, "height": 844}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(fb_server.url + "/")
        expect(page.locator("#signin-google")).to_be_visible()
        findings = serious_axe_findings(page)
        page.get_by_role("button", name="Create an account").click()
        findings += serious_axe_findings(page)
        page.get_by_role("button", name="I have an account").click()
        page.get_by_role("button", name="Email me a sign-in link").click()
        findings += serious_axe_findings(page)
        address = f"axe-{width}@example.com"
        sign_up(emulator, address, verified=True)
        page.goto(fb_server.url + "/account.html")
        fill_sign_in(page, address)
        expect(page.locator("#totp-state")).to_have_text("Two-factor is off.")
        findings += serious_axe_findings(page)
        assert findings == []
    finally:
        context.close()


def test_a_german_visitor_gets_the_firebase_forms_and_their_answers_in_german(fb_server, emulator, browser):
    """The texts the Firebase scripts add (Google's button, the emailed-link form, Auth's error sentences, sentences
    with the address in them, the account page's two-factor state) come from the German catalogue."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    try:
        page = context.new_page()
        page.goto(fb_server.url + "/")
        expect(page.locator("#signin-google")).to_have_text("Mit Google anmelden")
        page.locator("#signin-email").fill("nobody-de@example.com")
        page.locator("#signin-password").fill("not-the-password-1")
        page.locator("#signin-form button[type=submit]").click()
        expect(page.locator("#signin-error")).to_have_text("E-Mail-Adresse oder Passwort ist falsch.")

        page.get_by_role("button", name="Anmeldelink per E-Mail senden").click()
        expect(page.locator("#signin-title")).to_have_text("Mit einem Link anmelden")
        page.locator("#signin-email").fill("linked-de@example.com")
        page.get_by_role("button", name="Anmeldelink per E-Mail senden").click()
        expect(page.locator("#signin-message")).to_contain_text("Anmeldelink für linked-de@example.com ist unterwegs")

        sign_up(emulator, "konto-de@example.com", verified=True)
        page.goto(fb_server.url + "/account.html")
        page.locator("#signin-email").fill("konto-de@example.com")
        page.locator("#signin-password").fill(PASSWORD)
        page.locator("#signin-form button[type=submit]").click()
        expect(page.locator("#totp-state")).to_have_text("Die Zwei-Faktor-Anmeldung ist aus.")
    finally:
        context.close()


def test_invite_only_says_how_to_get_access_and_offers_no_way_to_sign_up(emulator, tmp_path, new_page):
    """BADGEFORGE_SIGNUP=invite with no starting usage: `/` says whom to ask; neither a sign-up form nor a way in
    that would create an account (Google, emailed links) is offered, and an account made anyway starts with none."""
    with serving(
        tmp_path,
        BADGEFORGE_AUTH="firebase",
        FIREBASE_AUTH_EMULATOR_HOST=emulator.emulator_host,
        GCLOUD_PROJECT=emulator.project,
        BADGEFORGE_SIGNUP="invite",
        BADGEFORGE_DEFAULT_USAGE="0",
        BADGEFORGE_ACCESS_CONTACT="events@example.com",
    ) as invite_server:
        page, _ = new_page(390, 844)
        page.goto(invite_server.url + "/")
        expect(page.locator("#signin-access")).to_have_text(
            "BadgeForge here is by invitation: ask events@example.com for an account."
        )
        expect(page.get_by_role("button", name="Forgot your password?")).to_be_visible()
        for name in ("Create an account", "Email me a sign-in link", "Sign in with Google"):
            assert page.get_by_role("button", name=name).count() == 0, name
        token = sign_up(emulator, "uninvited@example.com", verified=True)["idToken"]
        status, me = invite_server.api("GET", "/api/me", token)
        assert (status, me["email_verified"], me["usage_left"]) == (200, True, 0)


def test_totp_enrolment_and_sign_in_as_the_page_drives_them(fb_server, emulator, new_page):
    """The page's side of Auth's TOTP (enrol on the account page, then the code step at sign-in), with Auth's four
    TOTP answers MOCKED in the browser, because the emulator refuses TOTP (see the test above). The shapes are Auth's
    (mfaEnrollment:start/finalize, an MFA-pending signInWithPassword, mfaSignIn:finalize); every ID token handed to
    the page is a real one from the emulator, so the API's verification is real."""
    address = "totp-admin@example.com"
    sign_up(emulator, address, verified=True)
    real = rest(
        emulator,
        "identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=k",
        {"email": address, "password": PASSWORD, "returnSecureToken": True},
    )
    tokens = {"idToken": real["idToken"], "refreshToken": real["refreshToken"]}
    factor = {
        "mfaEnrollmentId": "totp-1",
        "displayName": "Authenticator app",
        "enrolledAt": "2026-12-01T12:00:00Z",
        "totpInfo": {},
    }
    seen: dict[str, dict] = {}
    enrolled = {"on": False}

    def answer(route, name, body):
        seen[name] = json.loads(route.request.post_data or "{}")
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    def lookup(route):  # the real account, plus the factor once "enrolled"
        response = route.fetch()
        data = response.json()
        if enrolled["on"]:
            for user in data.get("users", []):
                user["mfaInfo"] = [factor]
        route.fulfill(response=response, body=json.dumps(data))

    def finalize_enrolment(route):
        enrolled["on"] = True
        answer(route, "enrol", tokens)

    page, _ = new_page()
    base = f"http://{emulator.emulator_host}/identitytoolkit.googleapis.com"
    start = {
        "totpSessionInfo": {
            "sharedSecretKey": "JBSWY3DPEHPK3PXP",
            "verificationCodeLength": 6,
            "hashingAlgorithm": "SHA1",
            "periodSec": 30,
            "sessionInfo": "session-1",
            "finalizeEnrollmentTime": "2026-12-01T12:10:00Z",
        }
    }
    page.route(f"{base}/v2/accounts/mfaEnrollment:start*", lambda route: answer(route, "start", start))
    page.route(f"{base}/v2/accounts/mfaEnrollment:finalize*", finalize_enrolment)
    page.route(f"{base}/v1/accounts:lookup*", lookup)

    page.goto(fb_server.url + "/account.html")
    fill_sign_in(page, address)
    expect(page.locator("#totp-state")).to_have_text("Two-factor is off.")
    page.locator("#totp-start-password").fill(PASSWORD)
    page.get_by_role("button", name="Set up two-factor").click()
    expect(page.locator("#totp-secret")).to_contain_text("JBSWY3DPEHPK3PXP")
    uri = page.locator("#totp-uri").get_attribute("href")
    assert uri.startswith("otpauth://totp/") and "secret=JBSWY3DPEHPK3PXP" in uri and "issuer=BadgeForge" in uri
    page.locator("#totp-code").fill("123456")
    page.get_by_role("button", name="Turn on two-factor").click()
    expect(page.locator("#totp-state")).to_have_text("Two-factor is on.")
    assert seen["enrol"]["totpVerificationInfo"] == {"sessionInfo": "session-1", "verificationCode": "123456"}

    # Signing in again: the password step answers "second factor required", the page asks for the code
    page.get_by_role("button", name="Sign out").click()
    pending = {"localId": real["localId"], "email": address, "mfaPendingCredential": "pending-1", "mfaInfo": [factor]}
    page.route(f"{base}/v1/accounts:signInWithPassword*", lambda route: answer(route, "password", pending))
    page.route(f"{base}/v2/accounts/mfaSignIn:finalize*", lambda route: answer(route, "code", tokens))
    fill_sign_in(page, address)
    expect(page.locator("#signin-title")).to_have_text("Two-factor code")
    page.get_by_label("Code", exact=True).fill("654321")
    page.get_by_role("button", name="Verify code").click()
    page.locator("#app").wait_for(state="visible")
    assert seen["code"]["mfaPendingCredential"] == "pending-1" and seen["code"]["mfaEnrollmentId"] == "totp-1"
    assert seen["code"]["totpVerificationInfo"] == {"verificationCode": "654321"}
