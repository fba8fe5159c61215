"""Blob stores: content-addressed, atomic, and interchangeable."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

import pytest

from khidma.storage.blob_choice import blob_store
from khidma.storage.blobs import BlobCorrupted
from khidma.storage.blobs import BlobNotFound
from khidma.storage.blobs import BlobStore
from khidma.storage.blobs import LocalBlobStore
from khidma.storage.blobs import MemoryBlobStore
from khidma.storage.s3 import S3BlobStore
from tests.servers import S3Server

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """An S3-compatible server (moto) in its own process, for the whole module."""
    server = S3Server(tmp_path_factory.mktemp("s3"))
    yield server
    server.stop()


@pytest.fixture
def s3_store(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> S3BlobStore:
    """A fresh bucket on the S3-compatible server, reached the way the app does."""
    for name, value in s3_server.env().items():
        monkeypatch.setenv(name, value)
    bucket = f"khidma-{uuid.uuid4().hex[:12]}"
    store = blob_store({"BLOB_URL": f"s3://{bucket}/attachments", "S3_ENDPOINT_URL": s3_server.url})
    assert isinstance(store, S3BlobStore)
    store.client.create_bucket(Bucket=bucket)
    return store


@pytest.fixture(params=["local", "memory", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "s3":
        s3: BlobStore = request.getfixturevalue("s3_store")
        return s3
    return LocalBlobStore(tmp_path / "blobs") if request.param == "local" else MemoryBlobStore()


def test_round_trip_keyed_by_sha256(store: BlobStore) -> None:
    key = store.put(PDF)
    assert key == hashlib.sha256(PDF).hexdigest()
    assert store.exists(key)
    assert store.get(key) == PDF
    with store.open(key) as stream:
        assert stream.read() == PDF


def test_same_bytes_same_blob(store: BlobStore) -> None:
    assert store.put(PDF) == store.put(bytes(PDF))


def test_empty_file(store: BlobStore) -> None:
    assert store.get(store.put(b"")) == b""


def test_delete(store: BlobStore) -> None:
    key = store.put(PDF)
    store.delete(key)
    store.delete(key)  # already gone: fine
    assert not store.exists(key)
    with pytest.raises(BlobNotFound):
        store.get(key)
    with pytest.raises(BlobNotFound):
        store.open(key)


@pytest.mark.parametrize("key", ["../../etc/passwd", "A" * 64, "ab", "0" * 63 + "/"])
def test_keys_that_are_not_sha256_are_refused(store: BlobStore, key: str) -> None:
    for operation in (store.get, store.exists, store.delete, store.open):
        with pytest.raises(ValueError, match="not a blob key"):
            operation(key)


def test_every_store_satisfies_the_protocol(tmp_path: Path, s3_store: S3BlobStore) -> None:
    assert isinstance(LocalBlobStore(tmp_path), BlobStore)
    assert isinstance(MemoryBlobStore(), BlobStore)
    assert isinstance(s3_store, BlobStore)


def test_s3_layout_fans_out_under_the_prefix(s3_store: S3BlobStore) -> None:
    key = s3_store.put(PDF)
    listed = s3_store.client.list_objects_v2(Bucket=s3_store.bucket)["Contents"]
    assert [o["Key"] for o in listed] == [f"attachments/{key[:2]}/{key[2:4]}/{key}"]


def test_s3_store_detects_corruption(s3_store: S3BlobStore) -> None:
    key = s3_store.put(PDF)
    s3_store.client.put_object(Bucket=s3_store.bucket, Key=s3_store.name(key), Body=b"tampered")
    with pytest.raises(BlobCorrupted):
        s3_store.get(key)


def test_blob_url_must_name_a_bucket() -> None:
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        blob_store({"BLOB_URL": "https://example.org/bucket"})
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        blob_store({"BLOB_URL": "s3:///nobucket"})


def test_local_layout_fans_out_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    key = store.put(PDF)
    assert (tmp_path / key[:2] / key[2:4] / key).read_bytes() == PDF
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [key]


def test_local_store_detects_corruption(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    key = store.put(PDF)
    store.path(key).write_bytes(b"tampered")
    with pytest.raises(BlobCorrupted):
        store.get(key)


def test_failed_write_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = LocalBlobStore(tmp_path)

    def broken_replace(source: str, target: Path) -> None:
        raise OSError("disk full")

    replace: Callable[[str, Path], None] = broken_replace
    monkeypatch.setattr("khidma.storage.blobs.os.replace", replace)
    with pytest.raises(OSError, match="disk full"):
        store.put(PDF)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert not store.exists(hashlib.sha256(PDF).hexdigest())


def test_listing_names_every_blob_with_when_it_was_stored(store: BlobStore) -> None:
    from khidma.delivery.cleanup import ListableBlobStore

    assert isinstance(store, ListableBlobStore)
    first, second = store.put(PDF), store.put(b"second")
    listed = {blob.key: blob.stored_at for blob in store.iter_blobs()}
    assert set(listed) == {first, second}
    assert listed[first] == store.stored_at(first)
    assert listed[first].tzinfo is not None
    store.delete(first)
    assert store.stored_at(first) is None
    assert [blob.key for blob in store.iter_blobs()] == [second]
