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

from typing import Any, BinaryIO, cast
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from khidma.storage.blobs import BlobNotFound, _verified, blob_key, check_key

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
        if not self.exists(key):
            self.client.put_object(Bucket=self.bucket, Key=self.name(key), Body=data)
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

    def __repr__(self) -> str:
        return f"S3BlobStore({self.bucket!r}, {self.prefix!r})"


def _missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code")) in _MISSING
