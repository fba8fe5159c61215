"""Blob stores: content-addressed, atomic, and interchangeable."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from khidma.storage.blobs import (
    BlobCorrupted,
    BlobNotFound,
    BlobStore,
    LocalBlobStore,
    MemoryBlobStore,
)

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40


@pytest.fixture(params=["local", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
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


def test_both_stores_satisfy_the_protocol(tmp_path: Path) -> None:
    assert isinstance(LocalBlobStore(tmp_path), BlobStore)
    assert isinstance(MemoryBlobStore(), BlobStore)


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
