"""Which blob store the settings name. Kept apart from `blobs` because the S3 store
builds on `blobs` (keys, errors): choosing between them here keeps the two modules free of
an import cycle, and boto3 is imported only when S3 is configured."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from khidma.storage.blobs import BlobStore
from khidma.storage.blobs import LocalBlobStore


def blob_store(settings: Mapping[str, Any]) -> BlobStore:
    """The store the settings name: `BLOB_URL=s3://bucket/prefix` for an S3-compatible
    store (see `khidma.storage.s3`), else a folder (`BLOB_DIR`)."""
    url = settings.get("BLOB_URL")
    if url:
        from khidma.storage.s3 import S3BlobStore  # boto3 only when S3 is configured

        return S3BlobStore.from_url(
            str(url),
            endpoint_url=settings.get("S3_ENDPOINT_URL"),
            region=settings.get("S3_REGION"),
        )
    return LocalBlobStore(settings["BLOB_DIR"])
