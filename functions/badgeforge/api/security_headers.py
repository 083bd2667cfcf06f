"""The security headers every page and API answer carries: one definition for Hosting and for `badgeforge serve`.

firebase.json must stay static JSON, so it repeats these values; tests/deploy/test_firebase_json.py asserts that
its `**` headers are exactly these (plus Cache-Control). Why the API sends them too: the function URL is reachable
without Hosting, and `badgeforge serve` has no Hosting in front of it at all.
"""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self' https://identitytoolkit.googleapis.com https://securetoken.googleapis.com",
        "frame-src 'self' blob: https://*.firebaseapp.com",  # blob: the desk prints its label PDF from a hidden frame
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    )
)

SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",  # camera: the desk scans ticket QR codes
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
}

HTTPS_ONLY = frozenset({"Strict-Transport-Security"})
"""Sent only over HTTPS: browsers ignore HSTS on plain http (RFC 6797 8.1), and 127.0.0.1 has no certificate."""


def add_security_headers(response: Response) -> Response:
    """after_request hook: add each header the route did not set itself."""
    for name, value in SECURITY_HEADERS.items():
        if name in HTTPS_ONLY and not request.is_secure:
            continue
        response.headers.setdefault(name, value)
    return response


def install(app: Flask) -> None:
    app.after_request(add_security_headers)
