"""Every BlobStore behaves like one Cloud Storage bucket."""

from __future__ import annotations

import pytest

from badgeforge.ports import BlobNotFound, BlobTooLarge


def test_write_then_read_and_info(blob_store):
    info = blob_store.write_bytes(
        "uploads/u1/j1/attendees.csv", b"name\nAda\n", content_type="text/csv", metadata={"design": "classic"}
    )
    assert info.size == 9 and info.content_type == "text/csv"
    assert blob_store.read_bytes("uploads/u1/j1/attendees.csv") == b"name\nAda\n"
    again = blob_store.info("uploads/u1/j1/attendees.csv")
    assert again is not None and again.metadata["design"] == "classic" and again.generation


def test_overwrite_changes_generation(blob_store):
    first = blob_store.write_bytes("a/b.txt", b"1", content_type="text/plain")
    second = blob_store.write_bytes("a/b.txt", b"22", content_type="text/plain")
    assert second.generation != first.generation
    assert blob_store.read_bytes("a/b.txt") == b"22"


def test_missing_object(blob_store):
    assert blob_store.info("nope/x") is None
    with pytest.raises(BlobNotFound):
        blob_store.read_bytes("nope/x")
    blob_store.delete("nope/x")  # deleting a missing object is fine


def test_max_bytes_checked_before_reading(blob_store):
    blob_store.write_bytes("big.csv", b"x" * 100, content_type="text/csv")
    with pytest.raises(BlobTooLarge):
        blob_store.read_bytes("big.csv", max_bytes=99)
    assert blob_store.read_bytes("big.csv", max_bytes=100) == b"x" * 100


def test_write_file_download_and_list(blob_store, tmp_path):
    source = tmp_path / "badges.pdf"
    source.write_bytes(b"%PDF-1.7 fake")
    blob_store.write_file(
        "badges/u1/j1/badges.pdf", source, content_type="application/pdf", download_name="Conf badges.pdf"
    )
    blob_store.write_bytes("badges/u1/j2/badges.pdf", b"%PDF", content_type="application/pdf")
    blob_store.write_bytes("uploads/u1/j1/a.csv", b"n", content_type="text/csv")
    listed = [i.path for i in blob_store.list("badges/u1/")]
    assert listed == ["badges/u1/j1/badges.pdf", "badges/u1/j2/badges.pdf"]
    target = tmp_path / "copy.pdf"
    blob_store.download_to("badges/u1/j1/badges.pdf", target)
    assert target.read_bytes() == b"%PDF-1.7 fake"
    blob_store.delete("badges/u1/j1/badges.pdf")
    assert blob_store.info("badges/u1/j1/badges.pdf") is None


def test_open_read_seeks_and_write_with_streams_an_object(blob_store):
    def writer(handle):
        for part in (b"%PDF-", b"x" * 300_000, b"%%EOF"):
            handle.write(part)

    info = blob_store.write_with("badges/u1/j1/streamed.pdf", writer, content_type="application/pdf")
    assert info.size == 300_010 and info.content_type == "application/pdf"
    with blob_store.open_read("badges/u1/j1/streamed.pdf") as reader:
        assert reader.read(5) == b"%PDF-"
        reader.seek(-5, 2)
        assert reader.read() == b"%%EOF"
        reader.seek(0)
        assert len(reader.read()) == 300_010
    with pytest.raises(BlobNotFound):
        blob_store.open_read("badges/u1/j1/missing.pdf")


def test_write_with_stores_nothing_when_the_writer_fails(blob_store):
    def broken(handle):
        handle.write(b"half")
        raise RuntimeError("renderer died")

    with pytest.raises(RuntimeError):
        blob_store.write_with("badges/u1/j1/broken.pdf", broken, content_type="application/pdf")
    assert blob_store.info("badges/u1/j1/broken.pdf") is None
