"""Payments in the database: every change one guarded statement in the caller's
transaction.

`apply_status` is the ONE way a provider status reaches a payment. It records the status
as an event (a provider event id seen before makes it a no-op), decides with
`states.may_follow` whether it moves the payment forward, and moves it with
`UPDATE payments … WHERE id = ? AND version = ?`; a lost race re-reads and decides
again. Only the transaction whose update won calls `on_change`, which queues the
citizen's message and moves the workflow in the same transaction, so a notification
racing the citizen's return changes the state once and sends one message.

A refund first reserves its amount with `UPDATE … SET refunded = refunded + :amount
WHERE … amount - refunded >= :amount`, so two refunds can never add up to more than was
paid; a refund the provider refuses gives its amount back, once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from khidma.payments.fees import FeeQuote
from khidma.payments.fees import as_snapshot
from khidma.payments.fees import from_snapshot
from khidma.payments.gateway import ProviderPayment
from khidma.payments.states import State
from khidma.payments.states import may_follow
from khidma.storage.models import Submission
from khidma.storage.payment_models import Payment
from khidma.storage.payment_models import PaymentEvent
from khidma.storage.payment_models import PaymentRefunder
from khidma.storage.payment_models import Refund
from khidma.storage.payment_models import RefundState
from khidma.storage.payment_models import SubmissionFee

__all__ = [
    "Applied",
    "OnChange",
    "apply_status",
    "attach_provider",
    "can_refund",
    "fee_of",
    "finish_refund",
    "grant_refund",
    "open_attempt",
    "paid_payment",
    "payments_of",
    "record_fee",
    "reserve_refund",
    "revoke_refund",
]


@dataclass(frozen=True)
class Applied:
    """What `apply_status` did: `changed` when this call moved the payment (from
    `before` to `after`); `duplicate` when the provider's event had been seen."""

    payment_id: int
    before: State
    after: State
    changed: bool
    duplicate: bool = False


OnChange = Callable[[Session, Payment, State, State], None]


# --------------------------------------------------------------------------- fees


def record_fee(session: Session, submission_id: int, fee: FeeQuote) -> SubmissionFee:
    """Keep the fee quoted for a request (call it in the submit transaction). The first
    quote kept stays: calling again returns it unchanged."""
    found = session.get(SubmissionFee, submission_id)
    if found is not None:
        return found
    row = SubmissionFee(
        submission_id=submission_id,
        amount=fee.amount,
        currency=fee.currency,
        kind=fee.kind,
        rule=fee.rule,
        definition_hash=fee.definition_hash,
        snapshot=as_snapshot(fee),
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # kept meanwhile by another transaction
        return session.get_one(SubmissionFee, submission_id, populate_existing=True)
    return row


def fee_of(session: Session, submission_id: int) -> SubmissionFee | None:
    return session.get(SubmissionFee, submission_id)


def kept_fee(session: Session, submission: Submission) -> FeeQuote | None:
    """The fee kept with the request at submit time, if it has one (what every output
    shows and what the citizen owes)."""
    if submission.id is None:
        return None
    session.flush()
    row = fee_of(session, submission.id)
    return from_snapshot(row.snapshot) if row is not None else None


# --------------------------------------------------------------------------- attempts


def payments_of(session: Session, submission_id: int) -> Sequence[Payment]:
    """Every attempt of a request, oldest first."""
    return session.scalars(
        select(Payment).where(Payment.submission_id == submission_id).order_by(Payment.attempt)
    ).all()


def paid_payment(session: Session, submission_id: int) -> Payment | None:
    """The attempt that paid for the request (the first success), if any."""
    return session.scalar(
        select(Payment)
        .where(
            Payment.submission_id == submission_id,
            Payment.state == State.SUCCESS,
            Payment.duplicate.is_(False),
        )
        .order_by(Payment.paid_at, Payment.id)
        .limit(1)
    )


def _slot(submission_id: int, method: str) -> str:
    return f"{submission_id}:{method}"


def open_attempt(
    session: Session,
    submission: Submission,
    method: str,
    amount: int,
    *,
    now: dt.datetime,
    user_id: int | None = None,
) -> tuple[Payment, bool]:
    """(attempt, created): the unfinished attempt of this method for the request, or a new
    one. Two clicks (even in two processes) get the same attempt: `open_slot` is unique."""
    slot = _slot(submission.id, method)
    for _ in range(5):
        found = session.scalar(select(Payment).where(Payment.open_slot == slot))
        if found is not None:
            return found, False
        last = session.scalar(
            select(func.max(Payment.attempt)).where(Payment.submission_id == submission.id)
        )
        payment = Payment(
            submission_id=submission.id,
            attempt=(last or 0) + 1,
            method=method,
            amount=amount,
            open_slot=slot,
            created_by=user_id,
            created_at=now,
            updated_at=now,
        )
        try:
            with session.begin_nested():
                session.add(payment)
        except IntegrityError:  # another click won the slot or the attempt number
            continue
        return payment, True
    raise RuntimeError(f"could not open a payment attempt for submission {submission.id}")


def attach_provider(session: Session, payment_id: int, status: ProviderPayment) -> None:
    """Record the provider's id, hosted page and SADAD bill of an attempt (idempotent:
    the create call is repeated with the same key, and answers the same payment)."""
    values: dict[str, object] = {"provider_id": status.id, "next_url": status.next_url}
    if status.bill is not None:
        values.update(
            bill_number=status.bill.bill_number,
            biller_code=status.bill.biller_code,
            bill_expires_at=status.bill.expires_at,
        )
    result = session.execute(
        update(Payment)
        .where(
            Payment.id == payment_id,
            or_(Payment.provider_id.is_(None), Payment.provider_id == status.id),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise RuntimeError(f"payment {payment_id} belongs to another provider payment")


# --------------------------------------------------------------------------- the one way in


def apply_status(
    session: Session,
    payment_id: int,
    status: ProviderPayment,
    *,
    source: str,
    now: dt.datetime,
    event_id: str | None = None,
    on_change: OnChange | None = None,
) -> Applied:
    """Apply a status read from the provider (`source`: notification, return, poll or
    create) to a payment, once. See the module docstring."""
    # Appliers of one payment take turns on its row (PostgreSQL; SQLite's write sessions
    # already do). Without it two of them deadlock: each event row's foreign key holds a
    # share lock on the payment that the other's update (of `open_slot`, a unique key)
    # waits for.
    session.execute(select(Payment.id).where(Payment.id == payment_id).with_for_update())
    event = PaymentEvent(
        payment_id=payment_id,
        source=source,
        state=status.state.value,
        applied=False,
        provider_event_id=event_id,
        detail={"provider_id": status.id, "amount": status.amount, "code": status.failure_code},
        received_at=now,
    )
    try:
        with session.begin_nested():
            session.add(event)
    except IntegrityError:  # this provider event was seen before: a retry or a replay
        current = session.scalar(select(Payment.state).where(Payment.id == payment_id))
        state = State(current) if current is not None else status.state
        return Applied(payment_id, state, state, changed=False, duplicate=True)
    new = status.state
    while True:
        row = session.execute(
            select(Payment.state, Payment.version, Payment.amount).where(Payment.id == payment_id)
        ).one()
        before = State(row.state)
        if new is State.SUCCESS and status.amount != row.amount:
            new = State.ERROR  # never call paid what does not match the amount owed
        if not may_follow(before, new):
            return Applied(payment_id, before, before, changed=False)
        values: dict[str, object] = {
            "state": new,
            "finished": new.finished,
            "version": row.version + 1,
            "updated_at": now,
            "failure_code": status.failure_code if new is not State.SUCCESS else None,
            "failure_message": (status.failure_message or "")[:255] or None,
        }
        if new is State.ERROR and status.state is State.SUCCESS:
            values.update(
                failure_code="amount_mismatch",
                failure_message=f"provider says {status.amount} halalas",
            )
        if new.finished:
            values["open_slot"] = None
        if new is State.SUCCESS:
            values.update(paid_at=now, failure_message=None)
        if status.next_url is not None or new.finished:
            values["next_url"] = None if new.finished else status.next_url
        result = session.execute(
            update(Payment)
            .where(Payment.id == payment_id, Payment.version == row.version)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            break
    event.applied = True
    payment = session.get_one(Payment, payment_id, populate_existing=True)
    if on_change is not None:
        on_change(session, payment, before, new)
    return Applied(payment_id, before, new, changed=True)


# --------------------------------------------------------------------------- refunds


def reserve_refund(
    session: Session,
    payment_id: int,
    amount: int,
    *,
    now: dt.datetime,
    requested_by: int | None = None,
    reason: str | None = None,
) -> Refund | None:
    """Reserve `amount` halalas of a successful payment for a refund, or None when that is
    more than is still refundable (or the payment is not paid)."""
    if amount <= 0:
        return None
    result = session.execute(
        update(Payment)
        .where(
            Payment.id == payment_id,
            Payment.state == State.SUCCESS,
            Payment.amount - Payment.refunded >= amount,
        )
        .values(refunded=Payment.refunded + amount, version=Payment.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    payment = session.get_one(Payment, payment_id, populate_existing=True)
    refund = Refund(
        payment_id=payment_id,
        amount=amount,
        available_before=payment.amount - payment.refunded + amount,
        requested_by=requested_by,
        reason=reason,
        created_at=now,
    )
    session.add(refund)
    session.flush()
    return refund


def finish_refund(
    session: Session,
    refund_id: int,
    *,
    ok: bool,
    now: dt.datetime,
    provider_refund_id: str | None = None,
    error: str | None = None,
) -> bool:
    """Settle a pending refund: confirmed, or refused (its amount goes back to the
    refundable amount). False when it was settled already."""
    state = RefundState.SUCCESS if ok else RefundState.FAILED
    result = session.execute(
        update(Refund)
        .where(Refund.id == refund_id, Refund.state == RefundState.PENDING)
        .values(state=state, provider_refund_id=provider_refund_id, error=error, settled_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    if not ok:
        refund = session.get_one(Refund, refund_id, populate_existing=True)
        session.execute(
            update(Payment)
            .where(Payment.id == refund.payment_id, Payment.refunded >= refund.amount)
            .values(refunded=Payment.refunded - refund.amount, version=Payment.version + 1)
            .execution_options(synchronize_session=False)
        )
    return True


def can_refund(session: Session, user_id: int) -> bool:
    return session.get(PaymentRefunder, user_id) is not None


def grant_refund(session: Session, user_id: int, granted_by: int | None = None) -> None:
    if session.get(PaymentRefunder, user_id) is None:
        session.add(PaymentRefunder(user_id=user_id, granted_by=granted_by))


def revoke_refund(session: Session, user_id: int) -> None:
    found = session.get(PaymentRefunder, user_id)
    if found is not None:
        session.delete(found)
