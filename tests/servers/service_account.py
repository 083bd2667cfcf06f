"""A throwaway service account: a fresh RSA key and the key-file dict google.oauth2 reads (never a real account)."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.oauth2 import service_account

EMAIL = "badge-signer@demo-badgeforge.iam.gserviceaccount.com"


@dataclass(frozen=True)
class FakeServiceAccount:
    private_key: rsa.RSAPrivateKey
    credentials: service_account.Credentials

    @property
    def email(self) -> str:
        return self.credentials.service_account_email


def make_service_account(email: str = EMAIL) -> FakeServiceAccount:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "demo-badgeforge",
        "private_key_id": "test-key-1",
        "private_key": pem,
        "client_email": email,
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return FakeServiceAccount(key, service_account.Credentials.from_service_account_info(info))
