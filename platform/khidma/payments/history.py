"""What the pages show of a request's payments: the fee, whether it can be paid now, the
open SADAD bill, and every attempt with its refunds (`payment_view`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from khidma.payments.fees import FeeError
from khidma.payments.fees import FeeQuote
from khidma.payments.gateway import Method
from khidma.payments.notices import receipt_number
from khidma.payments.service import PaymentService
from khidma.payments.states import State
from khidma.storage import payments as store
from khidma.storage.models import Submission
from khidma.storage.payment_models import Payment
from khidma.storage.payment_models import PaymentEvent
from khidma.storage.payment_models import Refund


@dataclass(frozen=True)
class RefundLine:
    amount: int
    state: str
    reason: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class EventLine:
    source: str
    state: str
    applied: bool
    received_at: dt.datetime


@dataclass(frozen=True)
class PaymentLine:
    token: str
    attempt: int
    method: str
    amount: int
    refunded: int
    state: str
    created_at: dt.datetime
    paid_at: dt.datetime | None
    receipt: str | None  # the receipt number of a paid attempt
    bill_number: str | None
    biller_code: str | None
    bill_expires_at: dt.datetime | None
    duplicate: bool
    provider_id: str | None
    refunds: tuple[RefundLine, ...] = ()
    events: tuple[EventLine, ...] = ()

    @property
    def state_key(self) -> str:
        """The word for the state (a SADAD bill waits "to be paid", not "confirmed")."""
        if self.state == State.SUBMITTED and self.method == Method.SADAD:
            return "payments.state.submitted.sadad"
        return f"payments.state.{self.state}"

    @property
    def refundable(self) -> int:
        return self.amount - self.refunded if self.state == State.SUCCESS else 0


@dataclass(frozen=True)
class PaymentView:
    fee: FeeQuote | None
    fee_error: str | None
    awaiting: bool  # the citizen may pay now
    paid: PaymentLine | None
    open_bill: PaymentLine | None
    expired_bill: PaymentLine | None  # the last bill ran out and no other is open
    pending: PaymentLine | None  # a hosted-page attempt not finished yet
    lines: tuple[PaymentLine, ...]


def _line(
    submission: Submission, payment: Payment, refunds: list[Refund], events: list[PaymentEvent]
) -> PaymentLine:
    paid = payment.state == State.SUCCESS
    return PaymentLine(
        token=payment.token,
        attempt=payment.attempt,
        method=payment.method,
        amount=payment.amount,
        refunded=payment.refunded,
        state=str(payment.state),
        created_at=payment.created_at,
        paid_at=payment.paid_at,
        receipt=receipt_number(submission, payment) if paid else None,
        bill_number=payment.bill_number,
        biller_code=payment.biller_code,
        bill_expires_at=payment.bill_expires_at,
        duplicate=payment.duplicate,
        provider_id=payment.provider_id,
        refunds=tuple(RefundLine(r.amount, str(r.state), r.reason, r.created_at) for r in refunds),
        events=tuple(EventLine(e.source, e.state, e.applied, e.received_at) for e in events),
    )


def payment_view(
    session: Session,
    service: PaymentService | None,
    submission: Submission,
    now: dt.datetime,
    *,
    with_events: bool = False,
) -> PaymentView:
    """The payments of `submission`; `service` is the app's `PaymentService` (None when
    online payment is off: the history still shows)."""
    payments = store.payments_of(session, submission.id)
    ids = [p.id for p in payments]
    refunds: dict[int, list[Refund]] = {i: [] for i in ids}
    events: dict[int, list[PaymentEvent]] = {i: [] for i in ids}
    if ids:
        for refund in session.scalars(
            select(Refund).where(Refund.payment_id.in_(ids)).order_by(Refund.id)
        ):
            refunds[refund.payment_id].append(refund)
        if with_events:
            for event in session.scalars(
                select(PaymentEvent)
                .where(PaymentEvent.payment_id.in_(ids))
                .order_by(PaymentEvent.id)
            ):
                events[event.payment_id].append(event)
    lines = tuple(_line(submission, p, refunds[p.id], events[p.id]) for p in payments)
    fee, fee_error, awaiting = None, None, False
    if service is not None:
        try:
            fee = service.fee(session, submission)
        except FeeError as error:
            fee_error = error.code
        awaiting = service.awaiting_payment(session, submission)
    paid = next(
        (line for line in lines if line.state == State.SUCCESS and not line.duplicate), None
    )
    bills = [line for line in lines if line.method == Method.SADAD]
    open_bill = next(
        (
            b
            for b in reversed(bills)
            if not State(b.state).finished
            and b.bill_number
            and (b.bill_expires_at is None or b.bill_expires_at > now)
        ),
        None,
    )
    expired = None
    if open_bill is None and bills and bills[-1].state == State.EXPIRED:
        expired = bills[-1]
    pending = next(
        (
            line
            for line in reversed(lines)
            if line.method != Method.SADAD and not State(line.state).finished
        ),
        None,
    )
    return PaymentView(
        fee, fee_error, awaiting and paid is None, paid, open_bill, expired, pending, lines
    )
