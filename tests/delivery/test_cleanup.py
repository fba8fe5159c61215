"""The worker's clean-up job: expired drafts go with their attachments, then blobs that
no row refers to, except recent ones (an upload in progress is never deleted)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from khidma.delivery.cleanup import blob_key_columns
from khidma.delivery.cleanup import clean_up
from khidma.storage import Attachment
from khidma.storage import Database
from khidma.storage import Draft
from khidma.storage import LocalBlobStore
from khidma.storage import MemoryBlobStore
from khidma.storage import Submission
from khidma.storage.blobs import blob_key
from khidma.storage.types import utcnow
from tests.delivery.conftest import NOW

SERVICE, HASH = "traffic_violation_objection", "a" * 64  # what `database` stores
TTL, GRACE = timedelta(days=30), timedelta(hours=24)
LONG_AGO = NOW - timedelta(days=60)


def draft(
    database: Database, *, expires: timedelta | None, updated: timedelta = timedelta(0)
) -> int:
    with database.session(write=True) as session:
        row = Draft(
            service_id=SERVICE,
            definition_hash=HASH,
            expires_at=NOW + expires if expires is not None else None,
        )
        session.add(row)
        session.flush()
        row.updated_at = NOW - updated
        session.flush()
        return row.id


def attach(
    database: Database, blobs: MemoryBlobStore, data: bytes, *, draft_id: int | None = None,
    submission_id: int | None = None,
) -> str:  # fmt: skip
    key = blobs.put(data)
    blobs.set_stored_at(key, LONG_AGO)
    with database.session(write=True) as session:
        row = Attachment(
            field_id="f", filename="f.pdf", content_type="application/pdf", size=len(data),
            sha256=key, blob_key=key, created_at=LONG_AGO,
        )  # fmt: skip
        session.add(row)
        session.flush()
        session.execute(
            text("UPDATE attachments SET draft_id = :d, submission_id = :s WHERE id = :id"),
            {"d": draft_id, "s": submission_id, "id": row.id},
        )
    return key


def count(database: Database, model: type) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def run(database: Database, blobs: object) -> tuple[int, int, int, int]:
    result = clean_up(database, blobs, draft_ttl=TTL, grace=GRACE, now=NOW)
    return result.drafts, result.attachments, result.blobs, result.blobs_kept


def test_expired_drafts_go_with_their_files_live_ones_stay(database: Database) -> None:
    blobs = MemoryBlobStore()
    expired = draft(database, expires=-timedelta(minutes=1))
    stale = draft(database, expires=None, updated=TTL + timedelta(days=1))  # no expiry set
    live = draft(database, expires=timedelta(days=1))
    fresh = draft(database, expires=None, updated=timedelta(days=1))
    gone = attach(database, blobs, b"%PDF-expired", draft_id=expired)
    attach(database, blobs, b"%PDF-stale", draft_id=stale)
    kept = attach(database, blobs, b"%PDF-live", draft_id=live)
    attach(database, blobs, b"%PDF-fresh", draft_id=fresh)
    shared = attach(database, blobs, b"%PDF-shared", draft_id=expired)
    attach(database, blobs, b"%PDF-shared", draft_id=live)  # the same file in a live draft

    assert run(database, blobs) == (2, 3, 2, 0)
    with database.session() as session:
        assert sorted(session.scalars(select(Draft.id))) == sorted([live, fresh])
    assert not blobs.exists(gone)
    assert blobs.exists(kept) and blobs.exists(shared)
    assert run(database, blobs) == (0, 0, 0, 0)  # nothing left to do


def test_blobs_of_submissions_stay(
    database: Database, new_submission: Callable[..., Submission]
) -> None:
    blobs = MemoryBlobStore()
    with database.session(write=True) as session:
        submission = new_submission(1, 1448)
        session.add(submission)
        session.flush()
        submission_id = submission.id
    key = attach(database, blobs, b"%PDF-submitted", submission_id=submission_id)
    assert run(database, blobs) == (0, 0, 0, 0)
    assert blobs.exists(key)


def test_attachments_that_belong_to_nothing_go_after_the_grace_period(
    database: Database,
) -> None:
    blobs = MemoryBlobStore()
    key = attach(database, blobs, b"%PDF-orphan")  # its draft was deleted elsewhere
    assert run(database, blobs) == (0, 1, 1, 0)
    assert not blobs.exists(key) and count(database, Attachment) == 0


def test_an_upload_in_progress_is_never_deleted(database: Database) -> None:
    blobs = MemoryBlobStore()
    uploading = blobs.put(b"%PDF-being-uploaded")  # bytes stored, the row not committed yet
    old = blobs.put(b"%PDF-abandoned")
    blobs.set_stored_at(old, utcnow() - timedelta(days=60))
    result = clean_up(database, blobs, draft_ttl=TTL, grace=GRACE)
    assert (result.blobs, result.blobs_kept) == (1, 1)
    assert blobs.exists(uploading) and not blobs.exists(old)


def test_storing_the_same_bytes_again_renews_the_blob(database: Database, tmp_path: Path) -> None:
    # An abandoned file, uploaded again by someone else while the sweep runs.
    store = LocalBlobStore(tmp_path / "blobs")
    key = store.put(b"%PDF-again")
    old = (NOW - timedelta(days=10)).timestamp()
    os.utime(store.path(key), (old, old))
    assert [b.key for b in store.iter_blobs()] == [key]
    assert store.stored_at(key) == NOW - timedelta(days=10)
    store.put(b"%PDF-again")
    renewed = store.stored_at(key)
    assert renewed is not None and renewed > NOW
    result = clean_up(database, store, draft_ttl=TTL, grace=GRACE)
    assert (result.blobs, result.blobs_kept) == (0, 1) and store.exists(key)
    os.utime(store.path(key), (old, old))
    assert clean_up(database, store, draft_ttl=TTL, grace=GRACE).blobs == 1
    assert not store.exists(key) and list(store.iter_blobs()) == []


def test_every_column_named_blob_key_protects_its_blobs(database: Database) -> None:
    # Another feature's table (e.g. stored PDFs) holding blob keys, unknown to this code.
    blobs = MemoryBlobStore()
    with database.session(write=True) as session:
        session.execute(
            text("CREATE TABLE signed_pdfs (id INTEGER PRIMARY KEY, pdf_blob_key VARCHAR(64))")
        )
    key = blobs.put(b"%PDF-signed")
    blobs.set_stored_at(key, LONG_AGO)
    with database.session(write=True) as session:
        session.execute(text("INSERT INTO signed_pdfs VALUES (1, :k)"), {"k": key})
    assert ("signed_pdfs", "pdf_blob_key") in blob_key_columns(database)
    assert run(database, blobs) == (0, 0, 0, 0) and blobs.exists(key)


def test_without_tables_nothing_is_swept(tmp_path: Path) -> None:
    empty = Database.sqlite(tmp_path)
    empty.engine.connect().close()
    blobs = MemoryBlobStore()
    key = blobs.put(b"%PDF-x")
    blobs.set_stored_at(key, LONG_AGO)
    from khidma.delivery.cleanup import delete_unused_blobs

    assert delete_unused_blobs(empty, blobs, older_than=NOW) == (0, 0)
    assert blobs.exists(key)
    empty.dispose()


def test_a_store_that_cannot_be_listed_is_left_alone(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    class Unlistable:
        pass

    assert run(database, Unlistable()) == (0, 0, 0, 0)
    assert "cannot be listed" in caplog.text


def test_blob_key_is_the_sha256() -> None:
    assert blob_key(b"x") == MemoryBlobStore().put(b"x")
