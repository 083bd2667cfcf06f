"""What the desk refuses, as types: each carries a code and a sentence the person at the desk can act on."""

from __future__ import annotations

from typing import Any


class DeskRefused(Exception):
    """A desk request that cannot be done; `status` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.details = code, message, details


class DeskNotFound(DeskRefused):
    status = 404


class DeskNotReady(DeskRefused):
    """The job is not finished (or was deleted): its attendee list is not the one that was printed."""

    status = 409


class TicketTaken(DeskRefused):
    """One attendee per ticket code: this code already belongs to someone."""

    status = 409


class ReprintNeedsConfirmation(DeskRefused):
    """The badge was printed before; the desk shows when and where, and prints again only when asked to."""

    status = 409
