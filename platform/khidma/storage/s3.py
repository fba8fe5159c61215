"""An S3-compatible blob store (AWS S3, MinIO, Ceph RGW, …) behind the `BlobStore`
interface, content-addressed like the folder store.

Objects are named `<prefix>ab/cd/<sha256>` — the same fan-out as the folder store, so a
bucket can be filled from a folder with a plain copy. S3 writes are atomic per object (a
reader sees the old object or the new one, never half), so no temporary objects are
needed; an existing key is not written again. Every read is checked against its key.

Credentials come the standard AWS way (environment, `~/.aws`, instance role); the
endpoint and region from `KHIDMA_S3_ENDPOINT_URL` / `KHIDMA_S3_REGION`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from typing import Any
from typing import BinaryIO
from typing import cast
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from khidma.storage.blobs import _KEY
from khidma.storage.blobs import BlobNotFound
from khidma.storage.blobs import StoredBlob
from khidma.storage.blobs import _verified
from khidma.storage.blobs import blob_key
from khidma.storage.blobs import check_key

_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3BlobStore:
    def __init__(self, bucket: str, prefix: str = "", *, client: Any) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = client

    @classmethod
    def from_url(
        cls, url: str, *, endpoint_url: str | None = None, region: str | None = None
    ) -> S3BlobStore:
        """`s3://bucket/optional/prefix`."""
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"KHIDMA_BLOB_URL must look like s3://bucket/prefix, not {url!r}")
        client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            # Timeouts and a few retries: a slow store must not hold a request forever.
            config=Config(
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        )
        return cls(parts.netloc, parts.path, client=client)

    def name(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}{key[:2]}/{key[2:4]}/{key}"

    def put(self, data: bytes) -> str:
        key = blob_key(data)
        name = self.name(key)
        if self.exists(key):
            # Storing the same bytes again renews the object's time (as the folder store
            # does), so the clean-up job's grace period also protects a re-upload. A
            # server-side copy onto itself: no bytes travel.
            self.client.copy_object(
                Bucket=self.bucket,
                Key=name,
                CopySource={"Bucket": self.bucket, "Key": name},
                MetadataDirective="REPLACE",
            )
        else:
            self.client.put_object(Bucket=self.bucket, Key=name, Body=data)
        return key

    def get(self, key: str) -> bytes:
        with self.open(key) as stream:
            return _verified(key, stream.read())

    def open(self, key: str) -> BinaryIO:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.name(key))
        except ClientError as exc:
            if _missing(exc):
                raise BlobNotFound(key) from None
            raise
        return cast(BinaryIO, answer["Body"])

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.name(key))
        except ClientError as exc:
            if _missing(exc):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.name(key))

    def iter_blobs(self) -> Iterator[StoredBlob]:
        """Every blob with when it was last stored (for the clean-up job)."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for entry in page.get("Contents", ()):
                key = entry["Key"].rsplit("/", 1)[-1]
                if _KEY.fullmatch(key):
                    yield StoredBlob(key, entry["LastModified"].astimezone(UTC))

    def stored_at(self, key: str) -> datetime | None:
        try:
            answer = self.client.head_object(Bucket=self.bucket, Key=self.name(key))
        except ClientError as exc:
            if _missing(exc):
                return None
            raise
        moment: datetime = answer["LastModified"]
        return moment.astimezone(UTC)

    def __repr__(self) -> str:
        return f"S3BlobStore({self.bucket!r}, {self.prefix!r})"


def _missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code")) in _MISSING
