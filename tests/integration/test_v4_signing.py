"""V4LinkSigner: URLs signed with a throwaway service-account key, checked like GCS would, fetched from the emulator.

The IAM signBlob endpoint (https://iamcredentials.googleapis.com) cannot run here and google-cloud-storage has no
way to point it elsewhere, so the IAM-path test swaps only the HTTP transport inside google.cloud.storage._signing
for a recorder that signs with the local key; everything else (the URL, the request body, the headers) is real.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from google.cloud.storage import _signing

from badgeforge.adapters.firebase.gcs_blobs import GcsBlobStore
from badgeforge.adapters.firebase.signing import V4LinkSigner
from badgeforge.ports import LinkSigner
from tests.servers.service_account import make_service_account
from tests.servers.v4_signature import SignedUrlRefused, verify_v4_url

pytestmark = pytest.mark.integration

PATH = "badges/u1/j1/badges.pdf"


@pytest.fixture(scope="module")
def account():
    return make_service_account()


@pytest.fixture
def bucket(gcs_emulator):
    bucket = gcs_emulator.bucket("demo-badgeforge.appspot.com")
    GcsBlobStore(bucket).write_bytes(PATH, b"%PDF-1.7 badges", content_type="application/pdf")
    return bucket


def test_local_key_signature_verifies_and_fetches(bucket, account):
    signer = V4LinkSigner(bucket, credentials=account.credentials)
    assert isinstance(signer, LinkSigner)
    url = signer.signed_url(PATH, expires=timedelta(hours=2), download_name="Café badges.pdf")
    params = verify_v4_url(url, account.private_key.public_key())
    assert params["X-Goog-Algorithm"] == "GOOG4-RSA-SHA256"
    assert params["X-Goog-Expires"] == "7200"
    assert params["X-Goog-SignedHeaders"] == "host"
    assert params["X-Goog-Credential"].startswith(account.email + "/")
    assert "filename*=UTF-8''Caf%C3%A9%20badges.pdf" in params["response-content-disposition"]
    assert urlsplit(url).path == f"/{bucket.name}/{PATH}"
    response = requests.get(url, timeout=10)  # the emulator serves it (it checks no signature itself)
    assert response.status_code == 200 and response.content == b"%PDF-1.7 badges"


def test_edited_or_expired_urls_fail_verification(bucket, account):
    signer = V4LinkSigner(bucket, credentials=account.credentials)
    url = signer.signed_url(PATH, expires=timedelta(minutes=5))
    public = account.private_key.public_key()
    with pytest.raises(SignedUrlRefused, match="signature"):
        verify_v4_url(url.replace("u1/j1", "u2/j9"), public)
    with pytest.raises(SignedUrlRefused, match="signature"):
        verify_v4_url(url.replace("X-Goog-Expires=300", "X-Goog-Expires=600"), public)
    with pytest.raises(SignedUrlRefused, match="expired"):
        verify_v4_url(url, public, now=datetime.now(UTC) + timedelta(minutes=6))
    other = make_service_account()
    with pytest.raises(SignedUrlRefused, match="signature"):
        verify_v4_url(url, other.private_key.public_key())


def test_longer_than_seven_days_is_refused_clearly(bucket, account):
    signer = V4LinkSigner(bucket, credentials=account.credentials)
    assert signer.signed_url(PATH, expires=timedelta(days=7))
    with pytest.raises(ValueError, match="at most 7 days"):
        signer.signed_url(PATH, expires=timedelta(days=7, seconds=1))


class RecordingIamTransport:
    """Stands in for google.auth.transport.requests.Request inside _signing: records the signBlob call and
    answers as IAM would, signing the payload with the account's key."""

    def __init__(self, private_key):
        self._key = private_key
        self.calls: list[dict] = []

    def __call__(self, url, method, body, headers):
        payload = base64.b64decode(json.loads(body)["payload"])
        self.calls.append({"url": url, "method": method, "headers": headers, "payload": payload})
        signature = self._key.sign(payload, padding.PKCS1v15(), hashes.SHA256())
        data = json.dumps({"keyId": "k", "signedBlob": base64.b64encode(signature).decode()}).encode()
        return SimpleNamespace(status=200, data=data)


class RuntimeCredentials:
    """What Cloud Functions hands out: a token that needs refreshing, an email, and no private key."""

    def __init__(self):
        self.token = None
        self.refreshes = 0
        self.service_account_email = "default"

    @property
    def valid(self):
        return self.token is not None

    def refresh(self, request):
        self.refreshes += 1
        self.token = f"ya29.token-{self.refreshes}"
        self.service_account_email = "runtime@demo-badgeforge.iam.gserviceaccount.com"


def test_runtime_credentials_sign_through_iam_sign_blob(bucket, account, monkeypatch):
    transport = RecordingIamTransport(account.private_key)
    monkeypatch.setattr(_signing, "requests", SimpleNamespace(Request=lambda: transport))
    runtime = RuntimeCredentials()
    signer = V4LinkSigner(bucket, credentials_factory=lambda: runtime, refresh_request=lambda: "request")

    url = signer.signed_url(PATH, expires=timedelta(days=7), download_name="b.pdf")
    signer.signed_url(PATH, expires=timedelta(hours=1))

    assert runtime.refreshes == 1  # the token is reused while valid
    email = "runtime@demo-badgeforge.iam.gserviceaccount.com"
    (first, _second) = transport.calls
    assert (
        first["url"] == f"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/{email}:signBlob?alt=json"
    )
    assert first["method"] == "POST"
    assert first["headers"]["Authorization"] == "Bearer ya29.token-1"
    assert first["payload"].startswith(b"GOOG4-RSA-SHA256\n")
    params = verify_v4_url(url, account.private_key.public_key())
    assert params["X-Goog-Credential"].startswith(email + "/")
    assert params["X-Goog-Expires"] == str(7 * 24 * 3600)


def test_configured_signer_account_wins_and_expired_token_is_refreshed(bucket, account, monkeypatch):
    transport = RecordingIamTransport(account.private_key)
    monkeypatch.setattr(_signing, "requests", SimpleNamespace(Request=lambda: transport))
    runtime = RuntimeCredentials()
    signer = V4LinkSigner(
        bucket, credentials=runtime, service_account_email="links@demo.iam.gserviceaccount.com", refresh_request=dict
    )
    signer.signed_url(PATH, expires=timedelta(hours=1))
    runtime.token = None  # expired
    url = signer.signed_url(PATH, expires=timedelta(hours=1))
    assert runtime.refreshes == 2
    assert transport.calls[1]["headers"]["Authorization"] == "Bearer ya29.token-2"
    assert "links@demo.iam.gserviceaccount.com" in transport.calls[1]["url"]
    assert parse_qs(urlsplit(url).query)["X-Goog-Credential"][0].startswith("links@demo.iam.gserviceaccount.com/")


def test_unknown_signer_account_is_a_clear_error(bucket):
    class NoEmail(RuntimeCredentials):
        def refresh(self, request):
            self.token = "t"

    signer = V4LinkSigner(bucket, credentials=NoEmail(), refresh_request=dict)
    with pytest.raises(ValueError, match="BADGEFORGE_SIGNER_SERVICE_ACCOUNT"):
        signer.signed_url(PATH, expires=timedelta(hours=1))
