"""Contract-test registry: every port's checks run against every registered adapter.

HOW TO REGISTER AN ADAPTER
A factory is a callable `factory(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> object`. It builds a
fresh, empty adapter for one test; it may start servers (bind 127.0.0.1, free port) and must register their clean-up
with `request.addfinalizer(...)` (or reuse a session fixture via `request.getfixturevalue(name)`).
Wrap each in `pytest.param(factory, id="<name>", marks=[...])` so the id shows in test names and marks
(e.g. pytest.mark.integration, skipif) apply.

The lists, and what each factory returns:
    BLOB_STORE_FACTORIES        a BlobStore (empty bucket)
    TREE_DB_FACTORIES           a TreeDatabase (empty tree)
    MAILER_FACTORIES            tests.contract.harness.MailerUnderTest(mailer, delivered)
    USER_DIRECTORY_FACTORIES    a UserDirectory (no accounts)
    LINK_SIGNER_FACTORIES       tests.contract.harness.LinkSignerUnderTest(signer, blobs, fetch)

Extra factories come from the optional module tests/contract/firebase_adapters.py, which may define any of the
same five names as lists; they are appended to the local ones here. If that module fails to import, the error is
raised (a broken registration must not silently skip its tests).
"""

from __future__ import annotations

import email
import importlib.util
from contextlib import ExitStack
from email import policy
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from badgeforge.adapters.local.blobs import FolderBlobStore
from badgeforge.adapters.local.links import LocalLinkSigner
from badgeforge.adapters.local.mailer import OutboxMailer, SmtpMailer
from badgeforge.adapters.local.tree_db import SqliteTreeDatabase
from badgeforge.adapters.local.users import LocalUserDirectory
from tests.contract.harness import DeliveredMail, LinkSignerUnderTest, MailerUnderTest
from tests.contract.smtp_server import running_smtp_server


def local_blob_store(request: pytest.FixtureRequest, tmp_path: Path) -> FolderBlobStore:
    return FolderBlobStore(tmp_path / "storage", "contract-bucket")


def local_tree_db(request: pytest.FixtureRequest, tmp_path: Path) -> SqliteTreeDatabase:
    db = SqliteTreeDatabase(tmp_path / "tree.sqlite")
    request.addfinalizer(db.close)
    return db


def local_outbox_mailer(request: pytest.FixtureRequest, tmp_path: Path) -> MailerUnderTest:
    outbox = tmp_path / "outbox"

    def delivered() -> list[DeliveredMail]:
        return _delivered_from_eml([path.read_bytes() for path in sorted(outbox.glob("*.eml"))])

    return MailerUnderTest(OutboxMailer(outbox), delivered)


def _delivered_from_eml(raw_messages: list[bytes]) -> list[DeliveredMail]:
    found = []
    for raw in raw_messages:
        message = email.message_from_bytes(raw, policy=policy.default)
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        found.append(
            DeliveredMail(
                to=str(message["To"]),
                subject=str(message["Subject"]),
                text=text.get_content() if text else "",
                html=html.get_content() if html else "",
            )
        )
    return found


def local_smtp_mailer(request: pytest.FixtureRequest, tmp_path: Path) -> MailerUnderTest:
    stack = ExitStack()
    request.addfinalizer(stack.close)
    server = stack.enter_context(running_smtp_server())
    mailer = SmtpMailer(f"smtp://127.0.0.1:{server.port}", timeout=5)  # no AUTH on the test server
    return MailerUnderTest(mailer, lambda: _delivered_from_eml(server.messages))


def local_user_directory(request: pytest.FixtureRequest, tmp_path: Path) -> LocalUserDirectory:
    return LocalUserDirectory(tmp_path / "users.sqlite")


def local_link_signer(request: pytest.FixtureRequest, tmp_path: Path) -> LinkSignerUnderTest:
    blobs = FolderBlobStore(tmp_path / "storage", "contract-bucket")
    signer = LocalLinkSigner("contract-secret", "http://127.0.0.1:9")

    def fetch(url: str) -> bytes:
        # What `badgeforge serve` does for /files/...: check the signature, then read the object.
        parsed = urlparse(url)
        query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        path = unquote(parsed.path.removeprefix("/files/"))
        if not signer.verify(path, query.get("exp", ""), query.get("sig", ""), query.get("name", "")):
            raise PermissionError("link refused")
        return blobs.read_bytes(path)

    return LinkSignerUnderTest(signer, blobs, fetch)


BLOB_STORE_FACTORIES = [pytest.param(local_blob_store, id="local-folder")]
TREE_DB_FACTORIES = [pytest.param(local_tree_db, id="local-sqlite")]
MAILER_FACTORIES = [
    pytest.param(local_outbox_mailer, id="local-outbox"),
    pytest.param(local_smtp_mailer, id="local-smtp"),
]
USER_DIRECTORY_FACTORIES = [pytest.param(local_user_directory, id="local-sqlite")]
LINK_SIGNER_FACTORIES = [pytest.param(local_link_signer, id="local-hmac")]


def _load_extra_factories() -> None:
    path = Path(__file__).with_name("firebase_adapters.py")
    if not path.exists():
        return
    spec = importlib.util.spec_from_file_location("tests.contract.firebase_adapters", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in (
        "BLOB_STORE_FACTORIES",
        "TREE_DB_FACTORIES",
        "MAILER_FACTORIES",
        "USER_DIRECTORY_FACTORIES",
        "LINK_SIGNER_FACTORIES",
    ):
        globals()[name].extend(getattr(module, name, []))


_load_extra_factories()


@pytest.fixture(params=BLOB_STORE_FACTORIES)
def blob_store(request, tmp_path):
    return request.param(request, tmp_path)


@pytest.fixture(params=TREE_DB_FACTORIES)
def tree_db(request, tmp_path):
    return request.param(request, tmp_path)


@pytest.fixture(params=MAILER_FACTORIES)
def mailer_under_test(request, tmp_path) -> MailerUnderTest:
    return request.param(request, tmp_path)


@pytest.fixture(params=USER_DIRECTORY_FACTORIES)
def user_directory(request, tmp_path):
    return request.param(request, tmp_path)


@pytest.fixture(params=LINK_SIGNER_FACTORIES)
def link_signer_under_test(request, tmp_path) -> LinkSignerUnderTest:
    return request.param(request, tmp_path)
