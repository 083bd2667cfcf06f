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


GOOGLE_SIGN_IN_SCRIPTS = ("https://apis.google.com",)
"""Firebase Auth's Google pop-up loads gapi from here to talk to its helper frame; only pages with Firebase sign-in
allow it (local accounts keep script-src 'self')."""


DATABASE_SOURCES = (
    "wss://*.firebaseio.com",
    "https://*.firebaseio.com",
    "wss://*.firebasedatabase.app",
    "https://*.firebasedatabase.app",
)
"""The Realtime Database the job pages listen to (us-central1 databases are on firebaseio.com, others on
firebasedatabase.app); the SDK opens a WebSocket there."""


def with_sources(
    policy: str, extra: tuple[str, ...] = (), scripts: tuple[str, ...] = (), connect: tuple[str, ...] = ()
) -> str:
    """The policy with `extra` origins allowed for fetches and frames (the Auth emulator under `badgeforge serve`),
    `scripts` for scripts and `connect` for fetches only."""
    added = {"connect-src": (*connect, *extra), "frame-src": extra, "script-src": scripts}
    parts = []
    for part in policy.split("; "):
        more = added.get(part.split(" ", 1)[0], ())
        parts.append(" ".join((part, *more)))
    return "; ".join(parts)


def firebase_auth_policy(extra: tuple[str, ...] = ()) -> str:
    """The CSP of pages that sign in with Firebase Auth (Hosting's firebase.json carries exactly this)."""
    return with_sources(CONTENT_SECURITY_POLICY, extra, GOOGLE_SIGN_IN_SCRIPTS, DATABASE_SOURCES)


def add_security_headers(response: Response, headers: dict[str, str] = SECURITY_HEADERS) -> Response:
    """after_request hook: add each header the route did not set itself."""
    for name, value in headers.items():
        if name in HTTPS_ONLY and not request.is_secure:
            continue
        response.headers.setdefault(name, value)
    return response


def install(app: Flask, *, firebase_auth: bool = False, extra_sources: tuple[str, ...] = ()) -> None:
    policy = firebase_auth_policy(extra_sources) if firebase_auth else CONTENT_SECURITY_POLICY
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": policy}
    app.after_request(lambda response: add_security_headers(response, headers))
