"""The tables of the platform, as typed SQLAlchemy 2 models.

Models are dataclasses: constructors take keyword arguments only, and tokens and
timestamps get their values at construction, so `draft.token` is usable before a flush.
Every timestamp is timezone-aware UTC (`UTCDateTime`). Answers are JSON objects stored
next to the service id and the hash of the definition version they were made with; that
version's source is kept in `definition_versions` (a foreign key makes sure of it), so
the rules a request was made under can always be compiled again.

Schema changes go through an Alembic migration in `migrations/versions/`; a test fails
when the models and the migrations disagree.
"""

from __future__ import annotations

import enum
from datetime import date
from datetime import datetime
from typing import Any
from typing import ClassVar

from sqlalchemy import BigInteger
from sqlalchemy import CheckConstraint
from sqlalchemy import Enum
from sqlalchemy import ForeignKey
from sqlalchemy import ForeignKeyConstraint
from sqlalchemy import Identity
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import SmallInteger
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import MappedAsDataclass
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from khidma.storage.types import JSONList
from khidma.storage.types import JSONObject
from khidma.storage.types import UTCDateTime
from khidma.storage.types import new_token
from khidma.storage.types import utcnow

# Stable constraint names: Alembic needs them to alter or drop a constraint later, and
# SQLite batch migrations need them to rebuild a table.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ServiceId = String(64)
ContentHash = String(64)  # sha256, hex
Token = String(32)
Status = String(64)
RoleName = String(16)  # a Role, or "system" for changes no person made

# 64-bit keys for the tables that grow with every request and notification; SQLite wants
# INTEGER for its rowid alias.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Role(enum.StrEnum):
    CITIZEN = "citizen"
    STAFF = "staff"
    AUDITOR = "auditor"
    ADMIN = "admin"


class UserSource(enum.StrEnum):
    LOCAL = "local"
    SSO = "sso"


class Channel(enum.StrEnum):
    SMS = "sms"
    EMAIL = "email"


class CodePurpose(enum.StrEnum):
    SIGNUP = "signup"
    RESET = "reset"
    LOGIN = "login"


def _enum(cls: type[enum.StrEnum], name: str) -> Enum:
    # VARCHAR plus a CHECK rather than a native PostgreSQL ENUM: adding a value is then
    # an ordinary migration on both databases.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(MappedAsDataclass, DeclarativeBase, kw_only=True, eq=False):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONObject,
    }


class User(Base):
    """A person who signs in: citizen (local account or national SSO) or official."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("mobile IS NULL OR mobile LIKE '+%'", name="mobile_e164"),
        CheckConstraint("role <> 'staff' OR agency_id IS NOT NULL", name="staff_agency"),
        Index(None, "mobile"),
    )

    id: Mapped[int] = mapped_column(Identity(), primary_key=True, init=False)
    token: Mapped[str] = mapped_column(Token, unique=True, default_factory=new_token)
    national_id: Mapped[str | None] = mapped_column(String(10), unique=True, default=None)
    username: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    name_ar: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    mobile: Mapped[str | None] = mapped_column(String(16), default=None)  # E.164
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None, repr=False)
    role: Mapped[Role] = mapped_column(_enum(Role, "role"), default=Role.CITIZEN)
    agency_id: Mapped[str | None] = mapped_column(String(64), default=None)
    is_active: Mapped[bool] = mapped_column(default=True)
    # staff only: a supervisor may hand an agency's requests to another member of staff
    is_supervisor: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default_factory=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    date_of_birth: Mapped[date | None] = mapped_column(default=None)
    nationality: Mapped[str | None] = mapped_column(String(64), default=None)
    gender: Mapped[str | None] = mapped_column(String(16), default=None)
    source: Mapped[UserSource] = mapped_column(
        _enum(UserSource, "source"), default=UserSource.LOCAL
    )
    # When the national SSO or the identity-verification service confirmed that the ID
    # number (and so the name) is this person's; None: self-declared (khidma.identity.
    # verification).
    identity_verified_at: Mapped[datetime | None] = mapped_column(default=None)


class DefinitionVersion(Base):
    """The source of one version of one service, so it can be compiled again later."""

    __tablename__ = "definition_versions"
    __table_args__ = (UniqueConstraint("service_id", "hash"),)

    id: Mapped[int] = mapped_column(Identity(), primary_key=True, init=False)
    service_id: Mapped[str] = mapped_column(ServiceId)
    hash: Mapped[str] = mapped_column(ContentHash)
    version: Mapped[str] = mapped_column(String(64))
    source_text: Mapped[str] = mapped_column(Text, repr=False)
    created_at: Mapped[datetime] = mapped_column(default_factory=utcnow)


def _pinned_definition() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["service_id", "definition_hash"],
        ["definition_versions.service_id", "definition_versions.hash"],
    )


class Draft(Base):
    """A request being filled in. `raw` keeps what the user typed that did not validate,
    so the form can show it back beside its error."""

    __tablename__ = "drafts"
    __table_args__ = (_pinned_definition(), Index(None, "user_id", "service_id"))

    id: Mapped[int] = mapped_column(Identity(), primary_key=True, init=False)
    service_id: Mapped[str] = mapped_column(ServiceId)
    definition_hash: Mapped[str] = mapped_column(ContentHash)
    token: Mapped[str] = mapped_column(Token, unique=True, default_factory=new_token)
    # None only for services that do not require signing in (the token protects it)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None
    )
    answers: Mapped[dict[str, Any]] = mapped_column(default_factory=dict)
    raw: Mapped[dict[str, Any]] = mapped_column(default_factory=dict)
    current_step: Mapped[str | None] = mapped_column(String(64), default=None)
    accepted_instructions_at: Mapped[datetime | None] = mapped_column(default=None)
    declarations: Mapped[dict[str, Any]] = mapped_column(default_factory=dict)
    created_at: Mapped[datetime] = mapped_column(default_factory=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default_factory=utcnow, onupdate=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)

    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="draft", init=False, repr=False
    )


class Submission(Base):
    """A submitted request. `reference` ("67/1448") is what people quote; the `token`,
    never the reference, is what protects its URLs."""

    __tablename__ = "submissions"
    __table_args__ = (
        _pinned_definition(),
        UniqueConstraint("service_id", "hijri_year", "reference_seq"),
        UniqueConstraint("service_id", "reference"),
        CheckConstraint("reference_seq >= 1", name="reference_seq_positive"),
        Index(None, "user_id", "submitted_at"),
        # The queue's keyset pages, oldest or newest first: of one service (the first),
        # of one service in one status (the second, also the counts' recount), and
        # across an agency's several services (the third).
        Index(None, "service_id", "submitted_at", "id"),
        Index(None, "service_id", "status", "submitted_at", "id"),
        Index(None, "assigned_to"),
        Index(None, "due_on"),
        Index(None, "submitted_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, Identity(), primary_key=True, init=False)
    service_id: Mapped[str] = mapped_column(ServiceId)
    definition_version: Mapped[str] = mapped_column(String(64))
    definition_hash: Mapped[str] = mapped_column(ContentHash)
    reference_seq: Mapped[int]
    hijri_year: Mapped[int] = mapped_column(SmallInteger)
    reference: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(Status)
    token: Mapped[str] = mapped_column(Token, unique=True, default_factory=new_token)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    answers: Mapped[dict[str, Any]] = mapped_column(default_factory=dict)
    # declaration id → when it was accepted (ISO 8601)
    declarations: Mapped[dict[str, Any]] = mapped_column(default_factory=dict)
    applicant_name: Mapped[str] = mapped_column(String(200), default="")
    submitted_at: Mapped[datetime] = mapped_column(default_factory=utcnow)
    # The back office's state (see `khidma.storage.requests`): every change of status or
    # holder bumps `version`, and is made by an UPDATE guarded on the values read.
    version: Mapped[int] = mapped_column(default=1)
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    due_on: Mapped[date | None] = mapped_column(default=None)  # the SLA's day, if any
    # since when the request waits for the citizen (the SLA clock is paused), else None
    paused_at: Mapped[datetime | None] = mapped_column(default=None)

    events: Mapped[list[StatusEvent]] = relationship(
        back_populates="submission",
        order_by=lambda: (StatusEvent.created_at, StatusEvent.id),
        cascade="all, delete-orphan",
        passive_deletes=True,
        init=False,
        repr=False,
    )
    messages: Mapped[list[Message]] = relationship(
        back_populates="submission",
        order_by=lambda: (Message.created_at, Message.id),
        cascade="all, delete-orphan",
        passive_deletes=True,
        init=False,
        repr=False,
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="submission", passive_deletes=True, init=False, repr=False
    )


class StatusEvent(Base):
    """One step in a submission's history; the first has no `from_status`."""

    __tablename__ = "status_events"
    __table_args__ = (Index(None, "submission_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, Identity(), primary_key=True, init=False)
    submission_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("submissions.id", ondelete="CASCADE"), init=False
    )
    submission: Mapped[Submission] = relationship(back_populates="events", repr=False)
    to_status: Mapped[str] = mapped_column(Status)
    actor_role: Mapped[str] = mapped_column(RoleName)
    from_status: Mapped[str | None] = mapped_column(Status, default=None)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default_factory=utcnow)


class Attachment(Base):
    """An uploaded file: metadata here, bytes in the blob store under `blob_key`.

    It belongs to a draft while the request is being filled in and to the submission
    afterwards. Deleting a draft leaves its attachments with neither (`draft_id` is set
    to NULL), so a clean-up job can find them and delete blobs no other row uses; blobs
    are content-addressed and may be shared.
    """

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("size >= 0", name="size_not_negative"),
        Index(None, "draft_id"),
        Index(None, "submission_id"),
        Index(None, "blob_key"),
    )

    id: Mapped[int] = mapped_column(BigId, Identity(), primary_key=True, init=False)
    field_id: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(ContentHash)
    blob_key: Mapped[str] = mapped_column(String(255))
    token: Mapped[str] = mapped_column(Token, unique=True, default_factory=new_token)
    kind: Mapped[str] = mapped_column(String(32), default="")
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    draft_id: Mapped[int | None] = mapped_column(
        ForeignKey("drafts.id", ondelete="SET NULL"), init=False
    )
    draft: Mapped[Draft | None] = relationship(
        back_populates="attachments", default=None, repr=False
    )
    submission_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("submissions.id", ondelete="CASCADE"), init=False
    )
    submission: Mapped[Submission | None] = relationship(
        back_populates="attachments", default=None, repr=False
    )
    item_index: Mapped[int | None] = mapped_column(default=None)  # row of a repeated group
    # a file the citizen sent with a reply (a message), not with the form
    message_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("messages.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default_factory=utcnow)


class Message(Base):
    """A note between the applicant and the agency about one submission."""

    __tablename__ = "messages"
    __table_args__ = (Index(None, "submission_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, Identity(), primary_key=True, init=False)
    submission_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("submissions.id", ondelete="CASCADE"), init=False
    )
    submission: Mapped[Submission] = relationship(back_populates="messages", repr=False)
    author_role: Mapped[str] = mapped_column(RoleName)
    body: Mapped[str] = mapped_column(Text)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    requests_documents: Mapped[bool] = mapped_column(default=False)
    # the documents staff ask for, one upload slot each in the citizen's reply
    documents: Mapped[list[str]] = mapped_column(JSONList, default_factory=list)
    created_at: Mapped[datetime] = mapped_column(default_factory=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(default=None)


class OutboxMessage(Base):
    """A notification to deliver (see `outbox`).

    Queued while `next_attempt_at` is set (due from then on); sent once `sent_at` is
    set (`gateway_ref`: the gateway's id for it); given up once `given_up_at` is set
    (`last_error` says why). `html_body`, for e-mails only, is sent beside `body`.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index(None, "next_attempt_at"),
        Index(None, "submission_id"),
        Index(None, "given_up_at"),
    )

    id: Mapped[int] = mapped_column(BigId, Identity(), primary_key=True, init=False)
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "channel"))
    recipient: Mapped[str] = mapped_column(String(254))
    body: Mapped[str] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(String(255), default=None)
    event: Mapped[str | None] = mapped_column(String(64), default=None)
    submission_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("submissions.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default_factory=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default_factory=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    html_body: Mapped[str | None] = mapped_column(Text, default=None, repr=False)
    given_up_at: Mapped[datetime | None] = mapped_column(default=None)
    gateway_ref: Mapped[str | None] = mapped_column(String(128), default=None)


class Rating(Base):
    """Satisfaction with a service, at most one per submission."""

    __tablename__ = "ratings"
    __table_args__ = (
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars_range"),
        Index(None, "service_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Identity(), primary_key=True, init=False)
    service_id: Mapped[str] = mapped_column(ServiceId)
    stars: Mapped[int] = mapped_column(SmallInteger)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    submission_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("submissions.id", ondelete="CASCADE"), unique=True, default=None
    )
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default_factory=utcnow)


class ReferenceCounter(Base):
    """The last reference number given for a service in a Hijri year (see `references`)."""

    __tablename__ = "reference_counters"

    service_id: Mapped[str] = mapped_column(ServiceId, primary_key=True)
    hijri_year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)


class VerificationCode(Base):
    """A one-time code sent by SMS; only its hash is stored."""

    __tablename__ = "verification_codes"
    __table_args__ = (Index(None, "mobile", "purpose", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, Identity(), primary_key=True, init=False)
    mobile: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[CodePurpose] = mapped_column(_enum(CodePurpose, "purpose"))
    code_hash: Mapped[str] = mapped_column(String(255), repr=False)
    expires_at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None
    )
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default_factory=utcnow)
    # When what the checked code allowed was done (a reset's new password): once only.
    spent_at: Mapped[datetime | None] = mapped_column(default=None)


class AuditLog(Base):
    """Who looked at or changed what, and from where."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index(None, "object_type", "object_id"),
        # Whether a session has ended (`identity.accounts.ended_since`), every request.
        Index(None, "user_id", "action", "created_at"),
        Index(None, "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, Identity(), primary_key=True, init=False)
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    ip: Mapped[str | None] = mapped_column(String(45), default=None)
    created_at: Mapped[datetime] = mapped_column(default_factory=utcnow)
