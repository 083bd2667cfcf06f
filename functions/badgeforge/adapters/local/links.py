"""Local download links: http://<public base>/files/<path>?exp=..&sig=.. signed with HMAC; the web server checks them.

Why HMAC rather than file://: the link in the local email behaves like the cloud one (expires, cannot be edited).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from datetime import timedelta
from urllib.parse import quote, urlencode

# The one spelling signed_url writes: ASCII digits, no sign, no leading zero, no spaces or underscores. Why: int()
# also reads " 0123", "+123", "1_23" and Arabic-Indic digits, so one signature would open many distinct URLs.
_CANONICAL_EXP = re.compile(r"[1-9][0-9]{0,15}")


class LocalLinkSigner:
    """LinkSigner for the local web server (`badgeforge serve` serves /files/...)."""

    def __init__(self, secret: str, base_url: str) -> None:
        self._secret = secret.encode()
        self.base_url = base_url.rstrip("/")

    def _signature(self, path: str, expires_at: int, download_name: str) -> str:
        message = f"{path}\n{expires_at}\n{download_name}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def signed_url(self, path: str, *, expires: timedelta, download_name: str | None = None) -> str:
        expires_at = int(time.time() + expires.total_seconds())
        query = {"exp": str(expires_at), "sig": self._signature(path, expires_at, download_name or "")}
        if download_name:
            query["name"] = download_name
        return f"{self.base_url}/files/{quote(path)}?{urlencode(query)}"

    def verify(self, path: str, exp: str, sig: str, download_name: str = "", *, now: float | None = None) -> bool:
        """True when the signature matches and the link has not expired (used by the local /files/ route).

        Compared as bytes: `hmac.compare_digest` raises on non-ASCII str, and the query string is the visitor's.
        """
        if not _CANONICAL_EXP.fullmatch(exp):
            return False
        expires_at = int(exp)
        if (time.time() if now is None else now) > expires_at:
            return False
        expected = self._signature(path, expires_at, download_name).encode("ascii")
        return hmac.compare_digest(expected, sig.encode("utf-8", errors="replace"))
