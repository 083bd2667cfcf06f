"""Firebase adapters: Cloud Storage, V4 signed links, Realtime Database, SendGrid, Firebase Auth.

`build(settings)` is called once per process by badgeforge.config.build_services in firebase mode. Emulators are
honoured through the usual variables: STORAGE_EMULATOR_HOST (http://host:port), FIREBASE_DATABASE_EMULATOR_HOST and
FIREBASE_AUTH_EMULATOR_HOST (host:port). Settings fields read: project_id, bucket, database_url,
sendgrid_api_key, signer_service_account, and (optional) sendgrid_host.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from google.cloud import storage

    from badgeforge.config import Settings
    from badgeforge.ports import MailReceipt, OutgoingMail


class MissingMailKey:
    """Stands in for the mailer when no SendGrid key was given, so functions that never mail still start; a send
    fails as temporary with the reason, and the sweep sends once the secret is set."""

    def send(self, mail: OutgoingMail) -> MailReceipt:
        from badgeforge.ports import MailTemporaryError

        raise MailTemporaryError("SENDGRID_API_KEY is not set: add the secret and redeploy; the sweep will resend")


def storage_client(project_id: str) -> storage.Client:
    """Runtime credentials in the cloud; anonymous ones against STORAGE_EMULATOR_HOST."""
    from google.cloud import storage

    emulator = os.environ.get("STORAGE_EMULATOR_HOST", "").strip()
    if emulator:
        from google.auth.credentials import AnonymousCredentials

        endpoint = emulator if "://" in emulator else f"http://{emulator}"
        return storage.Client(
            project=project_id, credentials=AnonymousCredentials(), client_options={"api_endpoint": endpoint}
        )
    return storage.Client(project=project_id)


def build(settings: Settings, *, app_name: str | None = None) -> dict[str, Any]:
    """The five adapters and the clock, sharing one named firebase_admin App and one storage client."""
    from badgeforge.adapters.firebase.app import APP_NAME, named_app
    from badgeforge.adapters.firebase.auth_users import FirebaseUserDirectory
    from badgeforge.adapters.firebase.gcs_blobs import GcsBlobStore
    from badgeforge.adapters.firebase.rtdb import FirebaseTreeDatabase
    from badgeforge.adapters.firebase.sendgrid_mail import SENDGRID_HOST, SendGridMailer
    from badgeforge.adapters.firebase.signing import V4LinkSigner
    from badgeforge.adapters.firebase.tasks import CloudTaskQueue
    from badgeforge.adapters.local.clock import SystemClock
    from badgeforge.deployment import REGION

    app = named_app(
        project_id=settings.project_id,
        database_url=settings.database_url,
        bucket=settings.bucket,
        name=app_name or APP_NAME,
    )
    bucket = storage_client(settings.project_id).bucket(settings.bucket)
    api_key = settings.sendgrid_api_key
    sendgrid_host = getattr(settings, "sendgrid_host", "") or SENDGRID_HOST
    return {
        "blobs": GcsBlobStore(bucket),
        "links": V4LinkSigner(bucket, service_account_email=settings.signer_service_account),
        "db": FirebaseTreeDatabase(app),
        "mailer": SendGridMailer(api_key, host=sendgrid_host) if api_key else MissingMailKey(),
        "users": FirebaseUserDirectory(app),
        "clock": SystemClock(),
        "tasks": CloudTaskQueue(app, REGION),
    }
