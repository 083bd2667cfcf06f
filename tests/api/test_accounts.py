"""Self-service accounts on the real local adapters: sign-up, verification, reset, change, two-factor.

The emails are read back from the real outbox folder; the clock is a stand-in only so expiry can be tested
without waiting (everything else is the local SQLite directory, tree and mailer).
"""

from __future__ import annotations

import dataclasses
import email
import re
from datetime import timedelta
from email import policy

import pytest

from badgeforge.api import create_app
from badgeforge.services import totp
from tests.clocks import HeldClock

from .conftest import PASSWORD

NEW = "newcomer@example.com"
NEW_PASSWORD = "a long new password"


@pytest.fixture
def accounts(env):
    """(client, services, clock): the env's adapters behind an app whose clock the test moves."""
    clock = HeldClock()
    services = dataclasses.replace(env.services, clock=clock)
    app = create_app(services, submitter=env.submitter)
    app.testing = True
    return app.test_client(), services, clock


def mails(services, to: str) -> list[email.message.EmailMessage]:
    found = []
    for path in sorted((services.settings.home / "outbox").glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if to in str(message["To"]):
            found.append(message)
    return found


def token_from(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    token = re.search(r"#token=([\w-]+)", text).group(1)
    assert token in html, "the HTML part carries the same link"
    return token


def sign_up(client, address: str = NEW, password: str = NEW_PASSWORD):
    return client.post("/api/auth/signup", json={"email": address, "password": password})


def bearer(client, address: str, password: str) -> dict[str, str]:
    answer = client.post("/api/auth/signin", json={"email": address, "password": password}).get_json()
    return {"Authorization": f"Bearer {answer['token']}"}


def test_sign_up_verify_grants_the_starting_usage_once(accounts):
    client, services, _ = accounts
    assert sign_up(client).status_code == 202
    headers = bearer(client, NEW, NEW_PASSWORD)
    me = client.get("/api/me", headers=headers).get_json()
    assert me["email_verified"] is False and me["usage_left"] == 0, "no usage before the address is verified"
    (message,) = mails(services, NEW)
    assert "Confirm" in message["Subject"]
    token = token_from(message)
    verified = client.post("/api/auth/verify", json={"token": token})
    assert verified.status_code == 200 and verified.get_json() == {"email": NEW, "granted": 3}
    me = client.get("/api/me", headers=headers).get_json()
    assert me["email_verified"] is True and me["usage_left"] == 3
    again = client.post("/api/auth/verify", json={"token": token})
    assert again.status_code == 410 and again.get_json()["error"]["code"] == "link_used"
    assert client.get("/api/me", headers=headers).get_json()["usage_left"] == 3
    log = services.db.get(f"usage_log/{me['uid']}") or {}
    assert [entry["delta"] for entry in log.values()] == [3]


def test_usage_from_an_upload_tried_before_verifying_is_not_lost(accounts):
    client, services, _ = accounts
    sign_up(client)
    uid = services.users.find_by_email(NEW).uid
    services.db.set(f"users/{uid}", {"email": NEW, "allowed_usage": 0, "created_at": "x"})  # as a refused upload
    client.post("/api/auth/verify", json={"token": token_from(mails(services, NEW)[0])})
    assert services.db.get(f"users/{uid}/allowed_usage") == 3


def test_verification_links_expire(accounts):
    client, services, clock = accounts
    sign_up(client)
    clock.at += services.settings.verify_ttl + timedelta(seconds=1)
    late = client.post("/api/auth/verify", json={"token": token_from(mails(services, NEW)[0])})
    assert late.status_code == 410 and late.get_json()["error"]["code"] == "link_expired"
    assert services.users.find_by_email(NEW).email_verified is False
    assert client.post("/api/auth/verify", json={"token": "made-up"}).get_json()["error"]["code"] == "bad_link"


def test_sign_up_with_a_taken_address_answers_the_same_and_mails_the_owner(accounts, env):
    client, services, _ = accounts
    answer = sign_up(client, "organizer@example.com")
    assert answer.status_code == 202 and answer.get_json() == sign_up(client, "someone@example.com").get_json()
    (message,) = mails(services, "organizer@example.com")
    assert "already have" in message["Subject"]
    assert bearer(client, "organizer@example.com", PASSWORD), "the old password still works"


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"email": NEW, "password": "short"}, "weak_password", "password"),
        ({"email": NEW, "password": "x" * 300}, "password_too_long", "password"),
        ({"email": "not-an-address", "password": NEW_PASSWORD}, "bad_email", "email"),
        ({"email": NEW}, "missing_field", "password"),
    ],
)
def test_sign_up_refuses_bad_input_with_the_field(accounts, body, code, field):
    client, services, _ = accounts
    answer = client.post("/api/auth/signup", json=body)
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == code and answer.get_json()["error"]["field"] == field
    assert services.users.find_by_email(NEW) is None and not mails(services, NEW)


def test_invite_only_refuses_sign_up_and_the_config_says_how_to_get_access(env):
    services = dataclasses.replace(
        env.services, settings=dataclasses.replace(env.services.settings, signup="invite", access_contact="ops@x.org")
    )
    client = create_app(services, submitter=env.submitter).test_client()
    refused = sign_up(client)
    assert refused.status_code == 403 and "ask ops@x.org" in refused.get_json()["error"]["message"]
    config = client.get("/api/auth/config").get_json()
    assert config["signup"] == "invite" and "ops@x.org" in config["access"]


def test_account_mails_per_address_are_capped(accounts):
    client, services, _ = accounts
    sign_up(client)
    for _ in range(4):
        assert client.post("/api/auth/resend-verification", json={"email": NEW}).status_code == 202
    capped = client.post("/api/auth/resend-verification", json={"email": NEW})
    assert capped.status_code == 429 and len(mails(services, NEW)) == 5


def test_reset_password_is_single_use_and_ends_sessions(accounts):
    client, services, clock = accounts
    old = bearer(client, "organizer@example.com", PASSWORD)
    assert client.post("/api/auth/reset-request", json={"email": "organizer@example.com"}).status_code == 202
    assert client.post("/api/auth/reset-request", json={"email": "nobody@example.com"}).status_code == 202
    assert not mails(services, "nobody@example.com")
    token = token_from(mails(services, "organizer@example.com")[0])
    weak = client.post("/api/auth/reset", json={"token": token, "password": "short"})
    assert weak.status_code == 400, "a weak choice does not spend the link"
    assert client.post("/api/auth/reset", json={"token": token, "password": NEW_PASSWORD}).status_code == 200
    assert client.get("/api/me", headers=old).status_code == 401, "old sessions end with a new password"
    reused = client.post("/api/auth/reset", json={"token": token, "password": "another long password"})
    assert reused.status_code == 410 and reused.get_json()["error"]["code"] == "link_used"
    assert bearer(client, "organizer@example.com", NEW_PASSWORD)
    client.post("/api/auth/reset-request", json={"email": "organizer@example.com"})
    clock.at += services.settings.reset_ttl + timedelta(seconds=1)
    late = client.post("/api/auth/reset", json={"token": token_from(mails(services, "organizer@example.com")[-1]),
                                                "password": "yet another password"})  # fmt: skip
    assert late.status_code == 410 and late.get_json()["error"]["code"] == "link_expired"


def test_change_password_needs_the_current_one_and_keeps_this_session_only(accounts):
    client, _, _ = accounts
    this, other = (bearer(client, "organizer@example.com", PASSWORD) for _ in range(2))
    wrong = client.post(
        "/api/account/password", headers=this, json={"current_password": "nope", "new_password": NEW_PASSWORD}
    )
    assert wrong.status_code == 403 and wrong.get_json()["error"]["field"] == "current_password"
    changed = client.post(
        "/api/account/password", headers=this, json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 200
    assert client.get("/api/me", headers=this).status_code == 200
    assert client.get("/api/me", headers=other).status_code == 401
    refused = client.post("/api/auth/signin", json={"email": "organizer@example.com", "password": PASSWORD})
    assert refused.status_code == 401


def test_sign_out_ends_the_session_on_the_server(accounts):
    client, _, _ = accounts
    headers = bearer(client, "organizer@example.com", PASSWORD)
    assert client.post("/api/auth/signout", headers=headers).status_code == 200
    assert client.get("/api/me", headers=headers).status_code == 401


def test_the_session_token_says_nothing_about_the_account(accounts, env):
    client, _, _ = accounts
    token = bearer(client, "organizer@example.com", PASSWORD)["Authorization"].split()[1]
    import base64

    payload = token.split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert env.organizer.uid.encode() not in decoded and b"organizer" not in decoded


def enable_totp(client, clock, headers) -> tuple[str, list[str]]:
    setup = client.post("/api/account/totp/setup", headers=headers, json={"password": PASSWORD}).get_json()
    assert setup["otpauth_uri"].startswith("otpauth://totp/") and setup["qr"].startswith("data:image/svg+xml")
    wrong = client.post("/api/account/totp/enable", headers=headers, json={"code": "000000"})
    assert wrong.status_code == 400
    code = totp.code_at(setup["secret"], clock.at.timestamp())
    codes = client.post("/api/account/totp/enable", headers=headers, json={"code": code}).get_json()
    return setup["secret"], codes["recovery_codes"]


def test_totp_is_asked_at_sign_in_and_codes_are_single_use(accounts):
    client, _, clock = accounts
    headers = bearer(client, "admin@example.com", PASSWORD)
    secret, recovery = enable_totp(client, clock, headers)
    assert client.get("/api/account", headers=headers).get_json()["totp_enabled"] is True
    first = client.post("/api/auth/signin", json={"email": "admin@example.com", "password": PASSWORD}).get_json()
    assert first.keys() == {"second_factor", "challenge"}, "no session before the code"
    assert client.get("/api/me", headers={"Authorization": f"Bearer {first['challenge']}"}).status_code == 401
    step2 = "/api/auth/signin/second-factor"
    wrong = client.post(step2, json={"challenge": first["challenge"], "code": "123456"})
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "wrong_code"
    clock.at += timedelta(seconds=30)
    code = totp.code_at(secret, clock.at.timestamp())
    ok = client.post(step2, json={"challenge": first["challenge"], "code": code})
    assert ok.status_code == 200
    assert client.get("/api/me", headers={"Authorization": f"Bearer {ok.get_json()['token']}"}).status_code == 200
    again = client.post("/api/auth/signin", json={"email": "admin@example.com", "password": PASSWORD}).get_json()
    replay = client.post(step2, json={"challenge": again["challenge"], "code": code})
    assert replay.status_code == 401, "a code's time step is spent once"
    spent = client.post(step2, json={"challenge": first["challenge"], "code": recovery[0]})
    assert spent.status_code == 401, "a challenge is spent by its sign-in"
    by_recovery = client.post(step2, json={"challenge": again["challenge"], "code": recovery[0].upper()})
    assert by_recovery.status_code == 200
    third = client.post("/api/auth/signin", json={"email": "admin@example.com", "password": PASSWORD}).get_json()
    assert client.post(step2, json={"challenge": third["challenge"], "code": recovery[0]}).status_code == 401
    clock.at += timedelta(minutes=6)
    late = client.post(
        step2, json={"challenge": third["challenge"], "code": totp.code_at(secret, clock.at.timestamp())}
    )
    assert late.get_json()["error"]["code"] == "challenge_expired"


def test_totp_disable_needs_password_and_code(accounts):
    client, _, clock = accounts
    headers = bearer(client, "admin@example.com", PASSWORD)
    secret, _ = enable_totp(client, clock, headers)
    clock.at += timedelta(seconds=30)
    code = totp.code_at(secret, clock.at.timestamp())
    disable = "/api/account/totp/disable"
    assert client.post(disable, headers=headers, json={"password": "x", "code": code}).status_code == 403
    assert client.post(disable, headers=headers, json={"password": PASSWORD, "code": code}).status_code == 200
    plain = client.post("/api/auth/signin", json={"email": "admin@example.com", "password": PASSWORD}).get_json()
    assert "token" in plain


def test_a_mail_failure_is_a_clear_503_and_the_link_can_be_sent_again(accounts):
    """The mailer is a stand-in here only because an outbox folder cannot fail on demand."""
    client, services, _ = accounts
    from badgeforge.ports import MailTemporaryError

    class DownMailer:
        def send(self, mail):
            raise MailTemporaryError("smtp down")

    down = create_app(dataclasses.replace(services, mailer=DownMailer())).test_client()
    failed = sign_up(down)
    assert failed.status_code == 503 and failed.get_json()["error"]["code"] == "mail_failed"
    assert client.post("/api/auth/resend-verification", json={"email": NEW}).status_code == 202
    assert client.post("/api/auth/verify", json={"token": token_from(mails(services, NEW)[0])}).status_code == 200


def test_a_busy_directory_answers_503_not_a_traceback(accounts, monkeypatch):
    client, services, _ = accounts
    from badgeforge.ports import DirectoryBusy

    def busy(*args, **kwargs):
        raise DirectoryBusy("Too many sign-ins are being checked right now; try again in a few seconds.")

    monkeypatch.setattr(services.users, "create", busy)  # the scrypt slots are full: simulated, not waited for
    answer = sign_up(client)
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "2"
