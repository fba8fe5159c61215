"""The tables of the trust features (revision 0005).

- `audit_entries`: the tamper-evident audit log (see `audit`). Each entry carries the
  hash of the one before (`prev_hash`, unique, so two appends can never both follow the
  same entry) and its own hash over its canonical JSON; `seq` is its place in the chain.
  `details` is stored as the exact canonical JSON text that was hashed, so what is
  verified is what is stored, byte for byte.
- `documents`: every PDF the platform issued about a request (see `documents`): which
  event it reflects, in which language, when it was issued, and the SHA-256 of the
  bytes kept in the blob store. One row per (submission, event, language): a document is
  drawn once and served as stored.

(`audit_log`, in `models`, stays the account-security log that sessions are checked
against: every sign-in and sign-out of citizens too, not chained.)
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy import ForeignKey
from sqlalchemy import Identity
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from khidma.storage.models import Base
from khidma.storage.models import BigId
from khidma.storage.models import ContentHash
from khidma.storage.models import RoleName
from khidma.storage.models import Status
from khidma.storage.types import new_token
from khidma.storage.types import utcnow


class AuditEntry(Base):
    """One entry of the hash-chained audit log."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index(None, "object_type", "object_id"),
        Index(None, "actor_user_id", "at"),
        Index(None, "at"),
    )

    id: Mapped[int] = mapped_column(BigId, Identity(), primary_key=True, init=False)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(120))
    actor_role: Mapped[str] = mapped_column(RoleName)
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(ContentHash, unique=True)
    hash: Mapped[str] = mapped_column(ContentHash, unique=True)
    actor_user_id: Mapped[int | None] = mapped_column(default=None)


class Document(Base):
    """A PDF issued about a submission, kept in the blob store under its SHA-256."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("submission_id", "event", "lang"),
        Index(None, "sha256"),
    )

    id: Mapped[int] = mapped_column(BigId, Identity(), primary_key=True, init=False)
    submission_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("submissions.id", ondelete="CASCADE")
    )
    event: Mapped[str] = mapped_column(String(32))  # "submitted" or "final"
    lang: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(Status)
    issued_at: Mapped[datetime]
    sha256: Mapped[str] = mapped_column(ContentHash)
    size: Mapped[int] = mapped_column(BigInteger)
    # named so the blob clean-up job (delivery.cleanup) keeps what it names
    blob_key: Mapped[str] = mapped_column(String(255))
    # what the QR code carries beside the reference: a short public code to look it up
    code: Mapped[str] = mapped_column(String(32), unique=True, default_factory=new_token)
    created_at: Mapped[datetime] = mapped_column(default_factory=utcnow)
