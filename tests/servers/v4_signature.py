"""Checks a V4 signed Cloud Storage URL the way the service does, since gcp-storage-emulator checks none.

Rebuilds the canonical request from the URL (method GET, path, sorted query without the signature, the signed
`host` header, UNSIGNED-PAYLOAD), hashes it into the GOOG4-RSA-SHA256 string-to-sign and verifies the hex signature
with the service account's RSA public key; then checks X-Goog-Date + X-Goog-Expires against `now`.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


class SignedUrlRefused(PermissionError):
    """The URL's signature does not match, or it has expired (real GCS answers 400/403)."""


def _quote(value: str) -> str:
    return quote(value, safe="~-._")


def verify_v4_url(url: str, public_key: rsa.RSAPublicKey, *, now: datetime | None = None) -> dict[str, str]:
    """Raise SignedUrlRefused unless `url` is validly signed and unexpired; return its query parameters."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    params = dict(pairs)
    signature = params.pop("X-Goog-Signature", "")
    if params.get("X-Goog-Algorithm") != "GOOG4-RSA-SHA256" or not signature:
        raise SignedUrlRefused("not a V4 signed URL")
    signed_headers = params["X-Goog-SignedHeaders"]
    if signed_headers != "host":
        raise SignedUrlRefused(f"unexpected signed headers {signed_headers!r}")
    canonical_query = "&".join(f"{_quote(k)}={_quote(v)}" for k, v in sorted(params.items()))
    canonical_request = "\n".join(
        ["GET", parts.path, canonical_query, f"host:{parts.netloc}\n", signed_headers, "UNSIGNED-PAYLOAD"]
    )
    scope = params["X-Goog-Credential"].split("/", 1)[1]
    string_to_sign = "\n".join(
        ["GOOG4-RSA-SHA256", params["X-Goog-Date"], scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    try:
        public_key.verify(bytes.fromhex(signature), string_to_sign.encode(), padding.PKCS1v15(), hashes.SHA256())
    except Exception as err:
        raise SignedUrlRefused("signature does not match") from err
    signed_at = datetime.strptime(params["X-Goog-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    if (now or datetime.now(UTC)) >= signed_at + timedelta(seconds=int(params["X-Goog-Expires"])):
        raise SignedUrlRefused("expired")
    return params
