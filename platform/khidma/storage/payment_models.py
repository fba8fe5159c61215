"""The tables of fees and payments (revision 0004).

- `submission_fees`: what a request owes, fixed at submit time (amount and rule), so a
  later version of the definition never changes it.
- `payments`: one row per attempt, with its own id and token (one request may take
  several attempts), the amount copied from the fee, the provider's id and state, the
  SADAD bill; `version` guards every state change (`UPDATE … WHERE version = ?`);
  `open_slot` is unique while an attempt is unfinished, so two clicks cannot open two
  attempts of one method; `refunded` only grows through a guarded update that checks
  the amount still refundable.
- `payment_events`: every status seen from the provider (notification, return, poll),
  with the provider's event id unique, so a repeated notification is recognised.
- `refunds`: each refund asked for, with its idempotency key.
- `payment_refunders`: staff allowed to refund.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Identity
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from khidma.payments.states import State
from khidma.storage.models import Base
from khidma.storage.models import BigId
from khidma.storage.models import ContentHash
from khidma.storage.models import Token
from khidma.storage.models import _enum
from khidma.storage.types import new_token
from khidma.storage.types import utcnow

PaymentState = State  # the provider's states (GOV.UK Pay's), see khidma.payments.states


class RefundState(enum.StrEnum):
    PENDING = "pending"  # reserved here, not yet confirmed by the provider
    SUCCESS = "success"
    FAILED = "failed"  # the provider refused; the amount was given back


class SubmissionFee(Base):
    """The fee of one request as quoted at submit time (`khidma.payments.fees`)."""

    __tablename__ = "submission_fees"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    submission_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    amount: Mapped[int] = mapped_column(BigInteger)  # halalas
    currency: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str] = mapped_column(Text)
    definition_hash: Mapped[str] = mapped_column(ContentHash)
    snapshot: Mapped[dict[str, Any]] = mapped_column(default_factory=dict)
    created_at: Mapped[datetime] = mapped_column(default_factory=utcnow)


class Payment(Base):
    """One attempt to pay for one request."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("submission_id", "attempt"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("refunded >= 0 AND refunded <= amount", name="refunded_within_amount"),
        CheckConstraint("method IN ('card', 'bank_account', 'sadad')", name="method_known"),
        Index(None, "finished", "updated_at"),
        Index(None, "submission_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, Identity(), primary_key=True, init=False)
    submission_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("submissions.id", ondelete="CASCADE")
    )
    attempt: Mapped[int]
    method: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)  # halalas, copied from the fee
    token: Mapped[str] = mapped_column(Token, unique=True, default_factory=new_token)
    # our order id at the provider, and the Idempotency-Key of the create call
    order_id: Mapped[str] = mapped_column(String(40), unique=True, default_factory=new_token)
    currency: Mapped[str] = mapped_column(String(3), default="SAR")
    state: Mapped[PaymentState] = mapped_column(
        _enum(PaymentState, "payment_state"), default=PaymentState.CREATED
    )
    finished: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    open_slot: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    provider_id: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    next_url: Mapped[str | None] = mapped_column(Text, default=None)
    bill_number: Mapped[str | None] = mapped_column(String(32), default=None)
    biller_code: Mapped[str | None] = mapped_column(String(16), default=None)
    bill_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    failure_code: Mapped[str | None] = mapped_column(String(32), default=None)
    failure_message: Mapped[str | None] = mapped_column(String(255), default=None)
    refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    # a second success for a request that was already paid: refunded by reconciliation
    duplicate: Mapped[bool] = mapped_column(default=False)
    # the outcome message queued for the citizen (a failure's is held, see service)
    notice_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("outbox_messages.id", ondelete="SET NULL"), default=None
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default_factory=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default_factory=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(default=None)


class PaymentEvent(Base):
    """A status seen from the provider, applied or not."""

    __tablename__ = "payment_events"
    __table_args__ = (Index(None, "payment_id", "received_at"),)

    id: Mapped[int] = mapped_column(BigId, Identity(), primary_key=True, init=False)
    payment_id: Mapped[int] = mapped_column(BigId, ForeignKey("payments.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16))  # notification, return, poll, create
    state: Mapped[str] = mapped_column(String(16))
    applied: Mapped[bool]
    provider_event_id: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    detail: Mapped[dict[str, Any]] = mapped_column(default_factory=dict)
    received_at: Mapped[datetime] = mapped_column(default_factory=utcnow)


class Refund(Base):
    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index(None, "payment_id"),
        Index(None, "state"),
    )

    id: Mapped[int] = mapped_column(BigId, Identity(), primary_key=True, init=False)
    payment_id: Mapped[int] = mapped_column(BigId, ForeignKey("payments.id", ondelete="CASCADE"))
    amount: Mapped[int] = mapped_column(BigInteger)
    # what was left to refund when this refund was reserved (sent to the provider)
    available_before: Mapped[int] = mapped_column(BigInteger)
    idempotency_key: Mapped[str] = mapped_column(String(40), unique=True, default_factory=new_token)
    state: Mapped[RefundState] = mapped_column(
        _enum(RefundState, "refund_state"), default=RefundState.PENDING
    )
    provider_refund_id: Mapped[str | None] = mapped_column(String(64), default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default_factory=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column(default=None)


class PaymentRefunder(Base):
    """A member of staff allowed to refund payments of their agency's requests."""

    __tablename__ = "payment_refunders"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    granted_at: Mapped[datetime] = mapped_column(default_factory=utcnow)
