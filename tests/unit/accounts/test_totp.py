"""RFC 6238 / RFC 4226 test vectors and the code-matching rules."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlparse

from badgeforge.services import totp

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()  # RFC 6238 appendix B, SHA-1 key


def test_hotp_matches_rfc_4226_appendix_d():
    expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
    assert [totp.hotp(RFC_SECRET, i) for i in range(10)] == expected


def test_totp_matches_rfc_6238_appendix_b_sha1_vectors():
    vectors = {59: "94287082", 1111111109: "07081804", 1111111111: "14050471", 1234567890: "89005924",
               2000000000: "69279037", 20000000000: "65353130"}  # fmt: skip
    for seconds, code in vectors.items():
        assert totp.hotp(RFC_SECRET, totp.step_at(seconds), digits=8) == code


def test_a_code_matches_its_step_and_neighbours_only():
    secret = totp.new_secret()
    now = 1_800_000_000
    code = totp.code_at(secret, now)
    assert totp.matching_step(secret, code, now) == totp.step_at(now)
    assert totp.matching_step(secret, code, now + 30) == totp.step_at(now)  # one step of clock drift
    assert totp.matching_step(secret, code, now + 90) is None
    assert totp.matching_step(secret, "12 34", now) is None
    assert totp.matching_step(secret, "١٢٣٤٥٦", now) is None  # non-ASCII digits are not a code


def test_otpauth_uri_carries_the_secret_and_issuer():
    uri = totp.otpauth_uri("ABCDEF", "ada@example.com")
    parsed = urlparse(uri)
    assert parsed.scheme == "otpauth" and parsed.netloc == "totp"
    assert parsed.path == "/BadgeForge:ada@example.com"
    assert parse_qs(parsed.query)["secret"] == ["ABCDEF"]
    assert totp.qr_data_uri(uri).startswith("data:image/svg+xml")


def test_recovery_codes_are_distinct_and_digests_ignore_spacing_and_case():
    codes = totp.new_recovery_codes()
    assert len(set(codes)) == totp.RECOVERY_CODES
    assert totp.recovery_digest(codes[0].upper().replace("-", " ")) == totp.recovery_digest(codes[0])
