"""What a failed badge mail means for the organizer: final (only an admin's re-drive sends it) or retried later."""

from __future__ import annotations

import pytest

from badgeforge.cli.run_cmd import _mail_error
from badgeforge.services.mail_job import failed_for_good


@pytest.mark.parametrize(
    ("node", "final"),
    [
        ({"status": "failed", "permanent": True, "attempts": 1}, True),
        ({"status": "failed", "attempts": 5}, True),  # the attempts ran out
        ({"status": "failed", "attempts": 2}, False),
        ({"status": "sent", "attempts": 5}, False),
        ({"status": "sending", "permanent": True}, False),
    ],
)
def test_failed_for_good(node, final):
    assert failed_for_good(node, max_attempts=5) is final


def test_a_refused_mail_says_it_will_not_be_retried_and_never_yet():
    error = _mail_error({"status": "failed", "permanent": True, "error": "550 no such user"}, 5)
    assert (error["code"], error["final"]) == ("mail_failed", True)
    assert "will not be retried" in error["message"] and "yet" not in error["message"]
    assert "550 no such user" in error["message"] and "Nothing was charged" in error["message"]


def test_a_deferred_mail_says_it_is_retried():
    error = _mail_error({"status": "failed", "attempts": 1, "error": "451 busy"}, 5)
    assert error["final"] is False
    assert "not sent yet" in error["message"] and "retry" in error["message"] and "451 busy" in error["message"]
