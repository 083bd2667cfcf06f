"""SendGridMailer: the real sendgrid client against the local recording server."""

from __future__ import annotations

import pytest

from badgeforge.adapters.firebase.sendgrid_mail import SendGridMailer
from badgeforge.ports import Mailer, MailPermanentError, MailTemporaryError, OutgoingMail

pytestmark = pytest.mark.integration

MAIL = OutgoingMail(
    to="ada@example.com",
    subject="Your badges are ready",
    text="Download: https://example.com/x",
    html="<p><a href='https://example.com/x'>Download</a></p>",
    from_email="badges@example.com",
    from_name="BadgeForge",
    custom_args={"uid": "u1", "job": "j1"},
)


@pytest.fixture
def pauses() -> list[float]:
    return []


@pytest.fixture
def mailer(sendgrid_server, pauses) -> SendGridMailer:
    return SendGridMailer(
        "SG.test-key", host=sendgrid_server.host_url, timeout_seconds=0.5, pauses=(0.1, 0.4), sleep=pauses.append
    )


def test_is_a_mailer(mailer):
    assert isinstance(mailer, Mailer)


def test_202_returns_the_message_id_and_sends_everything(mailer, sendgrid_server):
    receipt = mailer.send(MAIL)
    assert receipt.provider == "sendgrid"
    assert receipt.message_id == "msg-1"
    (request,) = sendgrid_server.requests
    assert request.path == "/v3/mail/send"
    assert request.authorization == "Bearer SG.test-key"
    body = request.body
    assert body["from"] == {"email": "badges@example.com", "name": "BadgeForge"}
    assert body["personalizations"][0]["to"] == [{"email": "ada@example.com"}]
    assert body["subject"] == "Your badges are ready"
    assert [c["type"] for c in body["content"]] == ["text/plain", "text/html"]
    assert body["content"][1]["value"] == MAIL.html
    assert body["custom_args"] == {"uid": "u1", "job": "j1"}
    assert body["tracking_settings"]["click_tracking"]["enable"] is False


@pytest.mark.parametrize("answer", ["500", "503"])
def test_temporary_failures_are_retried_then_succeed(mailer, sendgrid_server, pauses, answer):
    sendgrid_server.script(answer, answer)
    receipt = mailer.send(MAIL)
    assert receipt.message_id == "msg-3"
    assert len(sendgrid_server.requests) == 3
    assert pauses == [0.1, 0.4]


def test_429_waits_at_least_retry_after(mailer, sendgrid_server, pauses):
    sendgrid_server.script("429", "500")  # the recorder's 429 says Retry-After: 1
    assert mailer.send(MAIL).message_id == "msg-3"
    assert pauses == [1.0, 0.4]


def test_retries_are_bounded_then_temporary_error(mailer, sendgrid_server, pauses):
    sendgrid_server.script("500", "429", "503", "202")
    with pytest.raises(MailTemporaryError, match=r"503.*after 3 attempts"):
        mailer.send(MAIL)
    assert len(sendgrid_server.requests) == 3


@pytest.mark.parametrize("answer", ["400", "401", "413"])
def test_other_4xx_is_permanent_and_not_retried(mailer, sendgrid_server, answer):
    sendgrid_server.script(answer)
    with pytest.raises(MailPermanentError, match=f"SendGrid answered {answer}") as caught:
        mailer.send(MAIL)
    assert "SG.test-key" not in str(caught.value)
    assert len(sendgrid_server.requests) == 1


def test_400_reason_carries_sendgrids_message(mailer, sendgrid_server):
    sendgrid_server.script("400")
    with pytest.raises(MailPermanentError, match="The to array is required"):
        mailer.send(MAIL)


def test_a_hanging_server_times_out_and_is_retried(mailer, sendgrid_server):
    sendgrid_server.script("hang")
    assert mailer.send(MAIL).message_id == "msg-2"
    assert len(sendgrid_server.requests) == 2


def test_always_hanging_is_a_temporary_error(mailer, sendgrid_server):
    sendgrid_server.script("hang", "hang", "hang")
    with pytest.raises(MailTemporaryError, match="after 3 attempts"):
        mailer.send(MAIL)


def test_unreachable_server_is_temporary(pauses):
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    mailer = SendGridMailer("SG.k", host=f"http://127.0.0.1:{port}", timeout_seconds=0.5, sleep=pauses.append)
    with pytest.raises(MailTemporaryError, match="unreachable"):
        mailer.send(MAIL)


def test_missing_api_key_is_refused_up_front():
    with pytest.raises(ValueError, match="SENDGRID_API_KEY"):
        SendGridMailer("")
