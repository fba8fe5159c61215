"""Payments of requests: start an attempt, take the citizen's return, take a provider's
notification, refund, reconcile.

The provider is called outside any database transaction (it may be slow); every change
to a payment then goes through `khidma.storage.payments.apply_status` in one write
transaction, whose `on_change` (`_changed` here) queues the citizen's message and moves
the workflow in that same transaction. The return from the hosted page is never taken as
proof: it only makes us ask the provider again.

Messages: a success sends the "payment received" message; a SADAD bill issued sends the
bill (number, biller code, amount, expiry); an attempt that ends otherwise sends "not
completed" (or "bill expired") — held for `FAILURE_NOTICE_DELAY` and withdrawn if the
request is paid meanwhile (a late capture, or another attempt), so one outcome reaches
the citizen as one message.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from khidma.definitions.model import ServiceDefinition
from khidma.formatting import RIYADH
from khidma.payments import notices
from khidma.payments.fees import FeeError
from khidma.payments.fees import FeeQuote
from khidma.payments.fees import from_snapshot
from khidma.payments.fees import quote
from khidma.payments.gateway import GatewayError
from khidma.payments.gateway import GatewayUnavailable
from khidma.payments.gateway import Method
from khidma.payments.gateway import PaymentGateway
from khidma.payments.gateway import PaymentRequest
from khidma.payments.gateway import ProviderPayment
from khidma.payments.settings import PaymentSettings
from khidma.payments.states import State
from khidma.payments.workflow import advance_on_payment
from khidma.storage import payments as store
from khidma.storage.db import Database
from khidma.storage.models import Submission
from khidma.storage.payment_models import Payment
from khidma.storage.payment_models import Refund
from khidma.storage.payment_models import RefundState
from khidma.storage.types import utcnow

log = logging.getLogger("khidma.payments")

FAILURE_NOTICE_DELAY = dt.timedelta(minutes=15)
RECONCILE_AFTER = dt.timedelta(minutes=2)  # leave the normal return/notification a head start

DefinitionLookup = Callable[[str, str], ServiceDefinition | None]


class Urls(Protocol):
    """The platform's addresses the provider and the messages need (absolute)."""

    def return_url(self, payment: Payment) -> str:
        """Where the hosted page sends the payer back."""
        ...

    def notification_url(self) -> str | None:
        """Where the provider posts notifications (None: configured at the provider)."""
        ...

    def request_link(self, submission: Submission) -> str:
        """The request's page, for links in messages."""
        ...


class NoUrls:
    def return_url(self, payment: Payment) -> str:
        return ""

    def notification_url(self) -> str | None:
        return None

    def request_link(self, submission: Submission) -> str:
        return ""


OnPaid = Callable[[Session, ServiceDefinition | None, Submission, Payment, dt.datetime], object]


class PaymentError(Exception):
    """A payment could not be started. `code`: `not_due`, `already_paid`, `method`,
    `fee`, `unavailable` (provider unreachable; nothing was taken), `refused`."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code


class RefundError(Exception):
    """A refund was not made. `code`: `over` (more than refundable; `refundable` says how
    much is), `refused` (the provider said no; `detail`), `pending` (sent, unconfirmed)."""

    def __init__(self, code: str, refundable: int = 0, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code, self.refundable, self.detail = code, refundable, detail


@dataclass
class ReconcileReport:
    polled: int = 0
    settled: int = 0  # payments whose state changed
    recreated: int = 0  # attempts whose create call is repeated (no answer the first time)
    refunds_retried: int = 0
    duplicates_refunded: int = 0
    errors: list[str] = field(default_factory=list)


class PaymentService:
    def __init__(
        self,
        database: Database,
        gateway: PaymentGateway,
        definitions: DefinitionLookup,
        settings: PaymentSettings,
        *,
        urls: Urls | None = None,
        on_paid: OnPaid | None = advance_on_payment,
        failure_notice_delay: dt.timedelta = FAILURE_NOTICE_DELAY,
    ) -> None:
        self.database = database
        self.gateway = gateway
        self.definitions = definitions
        self.settings = settings
        self.urls: Urls = urls or NoUrls()
        self.on_paid = on_paid
        self.failure_notice_delay = failure_notice_delay

    # ------------------------------------------------------------------ what is owed
    def fee(self, session: Session, submission: Submission) -> FeeQuote | None:
        """The request's fee: the quote kept at submit time, else worked out now from its
        pinned definition version (on the day it was submitted). Raises `FeeError`."""
        kept = store.fee_of(session, submission.id)
        if kept is not None:
            return from_snapshot(kept.snapshot)
        definition = self.definitions(submission.service_id, submission.definition_hash)
        if definition is None:
            raise FeeError("definition", f"no definition for {submission.service_id}")
        day = submission.submitted_at.astimezone(RIYADH).date()
        return quote(definition, submission.answers, today=day)

    def awaiting_payment(self, session: Session, submission: Submission) -> bool:
        """Whether the citizen may pay now: the request's status waits for payment, a fee
        is due, and no attempt has paid it."""
        definition = self.definitions(submission.service_id, submission.definition_hash)
        status = definition.workflow.status(submission.status) if definition else None
        if status is None or status.waiting_for != "payment":
            return False
        try:
            fee = self.fee(session, submission)
        except FeeError:
            return True  # shown, and refused with a clear message when tried
        return fee is not None and fee.due and store.paid_payment(session, submission.id) is None

    # ------------------------------------------------------------------ starting
    def start(
        self,
        submission_id: int,
        method: str,
        *,
        user_id: int | None,
        now: dt.datetime | None = None,
    ) -> Payment:
        """Open (or find) the attempt of `method` and create it at the provider. A double
        click gets the same attempt and the same provider payment (idempotency key)."""
        moment = now or utcnow()
        with self.database.session(write=True) as session:
            submission = session.get_one(Submission, submission_id)
            definition = self.definitions(submission.service_id, submission.definition_hash)
            if store.paid_payment(session, submission.id) is not None:
                raise PaymentError("already_paid")
            if not self.awaiting_payment(session, submission):
                raise PaymentError("not_due")
            try:
                fee = self.fee(session, submission)
            except FeeError as error:
                raise PaymentError("fee", str(error)) from None
            assert fee is not None
            if method not in fee.methods or method not in Method.__members__.values():
                raise PaymentError("method")
            store.record_fee(session, submission.id, fee)
            payment, _ = store.open_attempt(
                session, submission, method, fee.amount, now=moment, user_id=user_id
            )
            if payment.provider_id is not None and self._usable(payment, moment):
                return payment
            request = self._request(payment, submission, definition)
        return self._create(payment.id, request, moment)

    def _usable(self, payment: Payment, now: dt.datetime) -> bool:
        if payment.method == Method.SADAD:
            return payment.bill_expires_at is None or payment.bill_expires_at > now
        return payment.next_url is not None

    def _request(
        self,
        payment: Payment,
        submission: Submission,
        definition: ServiceDefinition | None,
    ) -> PaymentRequest:
        method = Method(payment.method)
        title = definition.title.ar if definition else submission.service_id
        return PaymentRequest(
            amount=payment.amount,
            method=method,
            reference=payment.order_id,
            description=f"{title} — {submission.reference}",
            idempotency_key=payment.order_id,
            return_url=self.urls.return_url(payment) if method.hosted else None,
            notification_url=self.urls.notification_url(),
            biller_code=self.settings.biller_code if method is Method.SADAD else None,
            # the expiry is fixed by the attempt's creation, so a repeated create call
            # (same idempotency key) asks for exactly the same bill
            sadad_expires_at=(
                payment.created_at.replace(microsecond=0)
                + dt.timedelta(days=self.settings.bill_days)
                if method is Method.SADAD
                else None
            ),
        )

    def _create(self, payment_id: int, request: PaymentRequest, now: dt.datetime) -> Payment:
        try:
            status = self.gateway.create(request)
        except GatewayUnavailable as error:
            log.warning("payment %s: provider unavailable: %s", payment_id, error)
            raise PaymentError("unavailable", str(error)) from None
        except GatewayError as error:
            log.error("payment %s: provider refused: %s", payment_id, error)
            failed = ProviderPayment(
                id="",
                state=State.ERROR,
                amount=request.amount,
                method=request.method,
                reference=request.reference,
                failure_code=error.code,
                failure_message=str(error),
            )
            with self.database.session(write=True) as session:
                store.apply_status(
                    session, payment_id, failed, source="create", now=now, on_change=None
                )
            raise PaymentError("refused", str(error)) from None
        with self.database.session(write=True) as session:
            store.attach_provider(session, payment_id, status)
            store.apply_status(
                session, payment_id, status, source="create", now=now, on_change=self._changed
            )
            return session.get_one(Payment, payment_id, populate_existing=True)

    # ------------------------------------------------------------------ news from the provider
    def refresh(
        self, payment_id: int, *, source: str = "return", now: dt.datetime | None = None
    ) -> tuple[Payment, bool]:
        """Ask the provider for the payment's status and apply it. (payment, confirmed):
        `confirmed` is False when the provider could not be asked."""
        with self.database.session() as session:
            payment = session.get_one(Payment, payment_id)
        if payment.provider_id is None:
            return payment, False
        try:
            status = self.gateway.status(payment.provider_id)
        except GatewayError as error:
            log.warning("payment %s: no status from the provider: %s", payment_id, error)
            return payment, False
        return self.apply(payment_id, status, source=source, now=now), True

    def apply(
        self,
        payment_id: int,
        status: ProviderPayment,
        *,
        source: str,
        event_id: str | None = None,
        now: dt.datetime | None = None,
    ) -> Payment:
        with self.database.session(write=True) as session:
            store.apply_status(
                session,
                payment_id,
                status,
                source=source,
                now=now or utcnow(),
                event_id=event_id,
                on_change=self._changed,
            )
            return session.get_one(Payment, payment_id, populate_existing=True)

    def notification(
        self, headers: Mapping[str, str], body: bytes, now: dt.datetime | None = None
    ) -> str:
        """Take a provider notification: verify it (`NotificationRefused` if it is not
        the provider's or not fresh), then apply it. Returns `applied`, `unchanged`,
        `duplicate` or `unknown` (a payment we do not have)."""
        moment = now or utcnow()
        notice = self.gateway.verify_notification(headers, body, now=moment)
        with self.database.session(write=True) as session:
            payment = session.scalar(
                select(Payment).where(Payment.provider_id == notice.payment.id)
            )
            if payment is None:
                payment = session.scalar(
                    select(Payment).where(Payment.order_id == notice.payment.reference)
                )
                if payment is None:
                    log.warning(
                        "notification %s for unknown payment %s", notice.event_id, notice.payment.id
                    )
                    return "unknown"
                store.attach_provider(session, payment.id, notice.payment)
            applied = store.apply_status(
                session,
                payment.id,
                notice.payment,
                source="notification",
                now=moment,
                event_id=notice.event_id,
                on_change=self._changed,
            )
        if applied.duplicate:
            return "duplicate"
        return "applied" if applied.changed else "unchanged"

    # ------------------------------------------------------------------ the one side effect
    def _changed(self, session: Session, payment: Payment, before: State, after: State) -> None:
        submission = session.get_one(Submission, payment.submission_id)
        definition = self.definitions(submission.service_id, submission.definition_hash)
        now = payment.updated_at
        link = self.urls.request_link(submission)
        if after is State.SUCCESS:
            self._paid(session, definition, submission, payment, now, link)
        elif after.finished:
            bill = payment.method == Method.SADAD and after is State.EXPIRED
            messages = notices.queue(
                session,
                "payment_failed",
                definition,
                submission,
                payment,
                words="bill_expired" if bill else "failed",
                link=link,
                due=now + self.failure_notice_delay,
            )
            if messages:
                payment.notice_id = messages[0].id
        elif after is State.SUBMITTED and payment.method == Method.SADAD and payment.bill_number:
            notices.queue(
                session,
                "payment_due",
                definition,
                submission,
                payment,
                words="bill",
                link=link,
                yaml_event="payment_due",
            )

    def _paid(
        self,
        session: Session,
        definition: ServiceDefinition | None,
        submission: Submission,
        payment: Payment,
        now: dt.datetime,
        link: str,
    ) -> None:
        earlier = session.scalar(
            select(Payment.id).where(
                Payment.submission_id == submission.id,
                Payment.id != payment.id,
                Payment.state == State.SUCCESS,
                Payment.duplicate.is_(False),
            )
        )
        if earlier is not None:  # paid twice (two methods, or a late capture): refund this one
            payment.duplicate = True
            log.warning(
                "payment %s pays request %s a second time: it will be refunded",
                payment.id,
                submission.reference,
            )
            return
        held = session.scalars(
            select(Payment.notice_id).where(
                Payment.submission_id == submission.id, Payment.notice_id.is_not(None)
            )
        ).all()
        for message_id in held:
            if message_id is not None:
                notices.withdraw(session, message_id, "the request was paid")
        notices.queue(
            session,
            "payment_received",
            definition,
            submission,
            payment,
            words="received",
            link=link,
            yaml_event="payment_received",
        )
        if self.on_paid is not None:
            self.on_paid(session, definition, submission, payment, now)

    # ------------------------------------------------------------------ refunds
    def refund(
        self,
        payment_id: int,
        amount: int,
        *,
        user_id: int | None,
        reason: str | None = None,
        now: dt.datetime | None = None,
    ) -> Refund:
        """Refund `amount` halalas of a paid attempt. The amount is reserved first, so
        two refunds racing cannot exceed what was paid."""
        moment = now or utcnow()
        with self.database.session(write=True) as session:
            refund = store.reserve_refund(
                session, payment_id, amount, now=moment, requested_by=user_id, reason=reason
            )
            if refund is None:
                payment = session.get_one(Payment, payment_id, populate_existing=True)
                left = payment.amount - payment.refunded if payment.state is State.SUCCESS else 0
                raise RefundError("over", refundable=left)
        return self._send_refund(refund.id, moment)

    def _send_refund(self, refund_id: int, now: dt.datetime) -> Refund:
        with self.database.session() as session:
            refund = session.get_one(Refund, refund_id)
            payment = session.get_one(Payment, refund.payment_id)
        assert payment.provider_id is not None
        try:
            done = self.gateway.refund(
                payment.provider_id,
                refund.amount,
                refund_amount_available=refund.available_before,
                idempotency_key=refund.idempotency_key,
            )
        except GatewayUnavailable as error:
            log.warning("refund %s: provider unavailable, retried later: %s", refund_id, error)
            raise RefundError("pending", detail=str(error)) from None
        except GatewayError as error:
            with self.database.session(write=True) as session:
                store.finish_refund(session, refund_id, ok=False, now=now, error=str(error))
            raise RefundError("refused", detail=error.code) from None
        with self.database.session(write=True) as session:
            if store.finish_refund(
                session, refund_id, ok=True, now=now, provider_refund_id=done.id
            ):
                submission = session.get_one(Submission, payment.submission_id)
                definition = self.definitions(submission.service_id, submission.definition_hash)
                notices.queue(
                    session,
                    "payment_refunded",
                    definition,
                    submission,
                    payment,
                    words="refunded",
                    link=self.urls.request_link(submission),
                    amount=refund.amount,
                )
            return session.get_one(Refund, refund_id, populate_existing=True)

    # ------------------------------------------------------------------ reconciliation
    def reconcile(
        self,
        *,
        now: dt.datetime | None = None,
        min_age: dt.timedelta = RECONCILE_AFTER,
        limit: int = 200,
    ) -> ReconcileReport:
        """Settle what the notifications did not: poll unfinished attempts older than
        `min_age` (a lost notification), repeat create calls that got no answer (same
        idempotency key), retry unconfirmed refunds, refund second payments. Safe to run
        in several workers at once: every change is idempotent."""
        moment = now or utcnow()
        report = ReconcileReport()
        cutoff = moment - min_age
        with self.database.session() as session:
            waiting = session.scalars(
                select(Payment)
                .where(Payment.finished.is_(False), Payment.updated_at <= cutoff)
                .order_by(Payment.updated_at)
                .limit(limit)
            ).all()
            refunds = session.scalars(
                select(Refund.id)
                .where(Refund.state == RefundState.PENDING, Refund.created_at <= cutoff)
                .limit(limit)
            ).all()
            doubles = session.scalars(
                select(Payment.id)
                .where(Payment.duplicate.is_(True), Payment.refunded < Payment.amount)
                .limit(limit)
            ).all()
        for payment in waiting:
            report.polled += 1
            try:
                before = payment.state
                if payment.provider_id is None:
                    after = self._recreate(payment, moment)
                    report.recreated += 1
                else:
                    after, _ = self.refresh(payment.id, source="poll", now=moment)
                if after.state != before:
                    report.settled += 1
            except (GatewayError, PaymentError) as error:
                report.errors.append(f"payment {payment.id}: {error}")
        for refund_id in refunds:
            report.refunds_retried += 1
            try:
                self._send_refund(refund_id, moment)
            except RefundError as error:
                report.errors.append(f"refund {refund_id}: {error}")
        for payment_id in doubles:
            try:
                self._refund_duplicate(payment_id, moment)
                report.duplicates_refunded += 1
            except RefundError as error:
                report.errors.append(f"duplicate payment {payment_id}: {error}")
        return report

    def _recreate(self, payment: Payment, now: dt.datetime) -> Payment:
        with self.database.session() as session:
            submission = session.get_one(Submission, payment.submission_id)
        definition = self.definitions(submission.service_id, submission.definition_hash)
        return self._create(payment.id, self._request(payment, submission, definition), now)

    def _refund_duplicate(self, payment_id: int, now: dt.datetime) -> None:
        with self.database.session() as session:
            payment = session.get_one(Payment, payment_id)
            pending = session.scalar(
                select(Refund.id).where(
                    Refund.payment_id == payment_id, Refund.state == RefundState.PENDING
                )
            )
        if pending is not None:
            return  # retried with the other pending refunds
        self.refund(
            payment_id,
            payment.amount - payment.refunded,
            user_id=None,
            reason="second payment of a paid request",
            now=now,
        )
