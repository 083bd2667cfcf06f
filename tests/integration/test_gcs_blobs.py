"""GcsBlobStore: google-cloud-storage against gcp-storage-emulator started in the test."""

from __future__ import annotations

import logging
import os

import pytest

from badgeforge.adapters.firebase.gcs_blobs import GcsBlobStore, content_disposition
from badgeforge.ports import BlobNotFound, BlobStore, BlobTooLarge

pytestmark = pytest.mark.integration

CHUNK = 256 * 1024


@pytest.fixture
def store(gcs_emulator) -> GcsBlobStore:
    return GcsBlobStore(gcs_emulator.bucket("demo-badgeforge.appspot.com"), chunk_size=CHUNK)


def test_is_a_blob_store(store):
    assert isinstance(store, BlobStore)
    assert store.bucket == "demo-badgeforge.appspot.com"


def test_upload_sets_type_download_name_and_metadata(store, gcs_emulator):
    info = store.write_bytes(
        "badges/u1/j1/badges.pdf",
        b"%PDF-1.7",
        content_type="application/pdf",
        download_name="Café Conf – badges.pdf",
        metadata={"job": "j1", "badges": "12"},
    )
    assert (info.path, info.size, info.content_type) == ("badges/u1/j1/badges.pdf", 8, "application/pdf")
    assert info.generation and info.updated is not None
    # Read back through a fresh client: what the server stored, not what the Blob object remembers.
    blob = gcs_emulator.client().bucket(store.bucket).get_blob("badges/u1/j1/badges.pdf")
    assert blob.content_type == "application/pdf"
    assert blob.metadata == {"job": "j1", "badges": "12"}
    assert blob.content_disposition == (
        "attachment; filename=\"Caf_ Conf _ badges.pdf\"; filename*=UTF-8''Caf%C3%A9%20Conf%20%E2%80%93%20badges.pdf"
    )


def test_content_disposition_escapes_quotes_and_slashes():
    header = content_disposition('a"b\\c/d.pdf')
    assert header.startswith('attachment; filename="a_b_c/d.pdf"; ')
    assert header.endswith("filename*=UTF-8''a%22b%5Cc%2Fd.pdf")


def test_read_checks_size_before_downloading(store):
    store.write_bytes("uploads/u1/j1/a.csv", b"x" * 100, content_type="text/csv")
    with pytest.raises(BlobTooLarge, match="100 bytes"):
        store.read_bytes("uploads/u1/j1/a.csv", max_bytes=99)
    assert store.read_bytes("uploads/u1/j1/a.csv", max_bytes=100) == b"x" * 100
    assert store.read_bytes("uploads/u1/j1/a.csv") == b"x" * 100


def test_missing_objects(store, tmp_path):
    assert store.info("nope") is None
    with pytest.raises(BlobNotFound):
        store.read_bytes("nope")
    with pytest.raises(BlobNotFound):
        store.download_to("nope", tmp_path / "x")
    store.delete("nope")


def test_resumable_upload_of_a_file_larger_than_a_chunk(gcs_emulator, tmp_path, caplog):
    # google-cloud-storage switches from one multipart request to resumable chunks above 8 MiB.
    store = GcsBlobStore(gcs_emulator.bucket("demo-badgeforge.appspot.com"), chunk_size=4 * CHUNK)
    source = tmp_path / "big.pdf"
    payload = os.urandom(8 * 1024 * 1024 + 12345)
    source.write_bytes(payload)
    caplog.set_level(logging.DEBUG, logger="urllib3.connectionpool")
    info = store.write_file("badges/u1/j1/badges.pdf", source, content_type="application/pdf", download_name="b.pdf")
    assert info.size == len(payload)
    assert "uploadType=resumable" in caplog.text and "uploadType=multipart" not in caplog.text
    target = tmp_path / "out" / "copy.pdf"
    store.download_to("badges/u1/j1/badges.pdf", target)
    assert target.read_bytes() == payload


def test_list_by_prefix_and_delete(store):
    for path in ("badges/u1/j2/b.pdf", "badges/u1/j1/b.pdf", "badges/u10/j1/b.pdf", "uploads/u1/j1/a.csv"):
        store.write_bytes(path, b"1", content_type="application/octet-stream")
    assert [i.path for i in store.list("badges/u1/")] == ["badges/u1/j1/b.pdf", "badges/u1/j2/b.pdf"]
    store.delete("badges/u1/j1/b.pdf")
    assert [i.path for i in store.list("badges/u1/")] == ["badges/u1/j2/b.pdf"]


def test_overwrite_gets_a_new_generation(store):
    first = store.write_bytes("a.txt", b"1", content_type="text/plain")
    second = store.write_bytes("a.txt", b"22", content_type="text/plain")
    assert first.generation != second.generation
    assert store.info("a.txt").generation == second.generation


def test_chunk_size_must_suit_the_api(gcs_emulator):
    with pytest.raises(ValueError, match="256 KiB"):
        GcsBlobStore(gcs_emulator.bucket("b"), chunk_size=1000)
