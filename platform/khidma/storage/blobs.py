"""Where attachment bytes live. Rows in `attachments` hold the metadata and a blob key.

Stores are content-addressed: the key is the SHA-256 of the bytes (hex), so storing the
same file twice stores it once, and a key can be checked against what it names. Because
blobs may be shared, delete one only when no attachment row refers to its key.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from typing import Protocol
from typing import runtime_checkable

_KEY = re.compile(r"[0-9a-f]{64}")


class BlobNotFound(KeyError):
    """No blob under that key."""


class BlobCorrupted(RuntimeError):
    """The stored bytes no longer match their key."""


@runtime_checkable
class BlobStore(Protocol):
    """What the platform needs from a blob store (local folder, S3-compatible, memory)."""

    def put(self, data: bytes) -> str:
        """Store `data`; return its key. Storing the same bytes again is a no-op."""
        ...

    def get(self, key: str) -> bytes:
        """The bytes under `key`, checked against it. Raises BlobNotFound, BlobCorrupted."""
        ...

    def open(self, key: str) -> BinaryIO:
        """A binary stream of the blob, for sending large files. Raises BlobNotFound."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove the blob; removing a missing one is not an error."""
        ...


def blob_key(data: bytes) -> str:
    """The key content-addressed stores give `data`: its SHA-256, hex."""
    return hashlib.sha256(data).hexdigest()


def check_key(key: str) -> str:
    """`key` if it is a well-formed blob key; refuses anything else (e.g. a path)."""
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ValueError(f"not a blob key (64 lower-case hex digits): {key!r}")
    return key


def _verified(key: str, data: bytes) -> bytes:
    if blob_key(data) != key:
        raise BlobCorrupted(f"blob {key} does not match its content")
    return data


@dataclass(frozen=True)
class StoredBlob:
    key: str
    stored_at: datetime  # when it was last stored: storing the same bytes again renews it


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


class LocalBlobStore:
    """Blobs as files under `root`, fanned out by the first two byte pairs of the key
    (`root/ab/cd/abcd…`) so no folder grows too large.

    Writes are atomic: the bytes go to a temporary file in the target folder, are
    flushed to disk, then renamed into place, so a reader never sees half a file and a
    crash leaves at most a stray temporary file (named `.tmp-*`).
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key[2:4] / key

    def put(self, data: bytes) -> str:
        key = blob_key(data)
        target = self.path(key)
        if target.exists():
            # Storing it again makes it young again, so the clean-up job's grace period
            # protects this upload too, even if the blob had lost every reference.
            with contextlib.suppress(FileNotFoundError):
                os.utime(target)
                return key
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        _fsync_directory(target.parent)
        return key

    def get(self, key: str) -> bytes:
        try:
            data = self.path(key).read_bytes()
        except FileNotFoundError:
            raise BlobNotFound(key) from None
        return _verified(key, data)

    def open(self, key: str) -> BinaryIO:
        try:
            return self.path(key).open("rb")
        except FileNotFoundError:
            raise BlobNotFound(key) from None

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def iter_blobs(self) -> Iterator[StoredBlob]:
        """Every blob with when it was last stored (for the clean-up job)."""
        for first in sorted(self.root.iterdir()):
            for second in sorted(first.iterdir()) if first.is_dir() else ():
                for path in sorted(second.iterdir()) if second.is_dir() else ():
                    if _KEY.fullmatch(path.name):
                        with contextlib.suppress(FileNotFoundError):
                            yield StoredBlob(path.name, _mtime(path))

    def stored_at(self, key: str) -> datetime | None:
        try:
            return _mtime(self.path(key))
        except FileNotFoundError:
            return None

    def __repr__(self) -> str:
        return f"LocalBlobStore({str(self.root)!r})"


class MemoryBlobStore:
    """Blobs in a dictionary: for tests, and nothing else."""

    def __init__(self) -> None:
        self._blobs: dict[str, bytes] = {}
        self._stored_at: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def put(self, data: bytes) -> str:
        key = blob_key(data)
        with self._lock:
            self._blobs.setdefault(key, bytes(data))
            self._stored_at[key] = datetime.now(UTC)
        return key

    def get(self, key: str) -> bytes:
        try:
            return _verified(key, self._blobs[check_key(key)])
        except KeyError:
            raise BlobNotFound(key) from None

    def open(self, key: str) -> BinaryIO:
        return io.BytesIO(self.get(key))

    def exists(self, key: str) -> bool:
        return check_key(key) in self._blobs

    def delete(self, key: str) -> None:
        with self._lock:
            self._blobs.pop(check_key(key), None)
            self._stored_at.pop(key, None)

    def iter_blobs(self) -> Iterator[StoredBlob]:
        with self._lock:
            stored = sorted(self._stored_at.items())
        yield from (StoredBlob(key, at) for key, at in stored)

    def stored_at(self, key: str) -> datetime | None:
        return self._stored_at.get(check_key(key))

    def set_stored_at(self, key: str, at: datetime) -> None:
        """Age a blob (tests of the clean-up job)."""
        self._stored_at[check_key(key)] = at

    def __len__(self) -> int:
        return len(self._blobs)


def _fsync_directory(path: Path) -> None:
    # Makes the rename itself durable; not possible (nor needed) on every platform.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
