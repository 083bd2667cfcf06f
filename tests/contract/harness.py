"""What a contract-test factory returns when the port alone cannot show the effect (mail delivered, link works).

Import these from tests/contract/firebase_adapters.py: `from tests.contract.harness import MailerUnderTest, ...`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from badgeforge.ports import BlobStore, LinkSigner, Mailer


@dataclass(frozen=True)
class DeliveredMail:
    """One message as the receiving side saw it."""

    to: str
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class MailerUnderTest:
    """A Mailer plus `delivered()`: every message the far side received so far, oldest first."""

    mailer: Mailer
    delivered: Callable[[], list[DeliveredMail]]


@dataclass(frozen=True)
class LinkSignerUnderTest:
    """A LinkSigner, the BlobStore its links point into, and `fetch(url) -> bytes` (raises on a refused link)."""

    signer: LinkSigner
    blobs: BlobStore
    fetch: Callable[[str], bytes]
