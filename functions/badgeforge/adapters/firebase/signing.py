"""LinkSigner: V4 signed GET URLs for objects in one bucket.

Why two ways to sign: a service-account key file (local runs, CI) signs in-process, but Cloud Functions' runtime
credentials have no private key. There we refresh the runtime's access token and pass it with the service account
email, and google-cloud-storage has IAM `signBlob` sign the URL (the account needs Service Account Token Creator on
itself). V4 URLs live at most 7 days; a longer link needs the download-page link mode instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import google.auth
import google.auth.credentials
from google.auth.transport.requests import Request as AuthRequest
from google.cloud import storage
from google.oauth2 import service_account

from badgeforge.adapters.firebase.gcs_blobs import content_disposition

MAX_V4_TTL = timedelta(days=7)
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


def default_credentials() -> google.auth.credentials.Credentials:
    """Application Default Credentials (the function's runtime service account in Cloud Functions)."""
    credentials, _project = google.auth.default(scopes=[CLOUD_PLATFORM_SCOPE])
    return credentials


class V4LinkSigner:
    """Signed download links; `download_name` becomes the response Content-Disposition of that link."""

    def __init__(
        self,
        bucket: storage.Bucket,
        *,
        credentials: google.auth.credentials.Credentials | None = None,
        credentials_factory: Callable[[], google.auth.credentials.Credentials] = default_credentials,
        service_account_email: str = "",
        refresh_request: Callable[[], object] = AuthRequest,
    ) -> None:
        self._bucket = bucket
        self._credentials = credentials
        self._credentials_factory = credentials_factory
        self._service_account_email = service_account_email
        self._refresh_request = refresh_request
        self._lock = threading.Lock()

    def signed_url(self, path: str, *, expires: timedelta, download_name: str | None = None) -> str:
        if expires > MAX_V4_TTL:
            raise ValueError(
                f"a signed link can live at most 7 days, not {expires}; use the download-page link mode for longer"
            )
        options: dict[str, object] = {"version": "v4", "expiration": expires, "method": "GET"}
        if download_name:
            options["response_disposition"] = content_disposition(download_name)
        options.update(self._signing_options())
        return self._bucket.blob(path).generate_signed_url(**options)

    def _signing_options(self) -> dict[str, object]:
        """Sign with a local key when the credentials hold one, else through IAM signBlob with a fresh token."""
        with self._lock:
            if self._credentials is None:
                self._credentials = self._credentials_factory()
            credentials = self._credentials
            if isinstance(credentials, service_account.Credentials) and not self._service_account_email:
                return {"credentials": credentials}
            if not credentials.valid:  # tokens last an hour; a warm function instance lives longer
                credentials.refresh(self._refresh_request())
            email = self._service_account_email or getattr(credentials, "service_account_email", "")
            if not email or email == "default":
                raise ValueError("cannot tell which service account signs links: set BADGEFORGE_SIGNER_SERVICE_ACCOUNT")
            return {"service_account_email": email, "access_token": credentials.token}
