"""Every Mailer delivers text and HTML alternatives to the address given and says what it sent."""

from __future__ import annotations

from badgeforge.ports import OutgoingMail


def test_send_delivers_both_parts(mailer_under_test):
    mail = OutgoingMail(
        to="ada@example.com",
        subject="Your badges for Conf",
        text="Download: https://example.com/x",
        html="<p>Download: <a href='https://example.com/x'>badges</a></p>",
        from_email="badges@example.com",
        custom_args={"job": "j1"},
    )
    receipt = mailer_under_test.mailer.send(mail)
    assert receipt.provider and receipt.message_id
    delivered = mailer_under_test.delivered()
    assert len(delivered) == 1
    got = delivered[0]
    assert got.to == "ada@example.com" and got.subject == "Your badges for Conf"
    assert "https://example.com/x" in got.text and "<a href" in got.html
