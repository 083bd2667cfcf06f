"""Every LinkSigner makes a URL that fetches the object until it expires, and cannot be edited to another object."""

from __future__ import annotations

from datetime import timedelta

import pytest


def test_signed_url_fetches_the_object(link_signer_under_test):
    harness = link_signer_under_test
    harness.blobs.write_bytes("badges/u1/j1/badges.pdf", b"%PDF-1.7", content_type="application/pdf")
    url = harness.signer.signed_url("badges/u1/j1/badges.pdf", expires=timedelta(hours=1), download_name="b.pdf")
    assert url.startswith(("http://", "https://"))
    assert harness.fetch(url) == b"%PDF-1.7"


def test_edited_url_is_refused(link_signer_under_test):
    harness = link_signer_under_test
    harness.blobs.write_bytes("badges/u1/j1/badges.pdf", b"a", content_type="application/pdf")
    harness.blobs.write_bytes("badges/u2/j9/badges.pdf", b"b", content_type="application/pdf")
    url = harness.signer.signed_url("badges/u1/j1/badges.pdf", expires=timedelta(hours=1))
    with pytest.raises(Exception):  # noqa: B017 - each adapter refuses in its own way (403, PermissionError)
        harness.fetch(url.replace("u1/j1", "u2/j9"))


def test_expired_url_is_refused(link_signer_under_test):
    harness = link_signer_under_test
    harness.blobs.write_bytes("badges/u1/j1/badges.pdf", b"a", content_type="application/pdf")
    url = harness.signer.signed_url("badges/u1/j1/badges.pdf", expires=timedelta(seconds=-10))
    with pytest.raises(Exception):  # noqa: B017
        harness.fetch(url)
