"""The simulated provider's books: payments, bills, refunds, idempotency keys and the
notifications it owes the platform.

Thread-safe (one lock); all state in memory. Times come from `clock`, so a test can move
the provider's day forward. Nothing here speaks HTTP except `Notifier.deliver`, which
POSTs a signed notification to the platform.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
import threading
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from typing import Any

import requests

from khidma.payments.gateway import MAX_SADAD_DAYS
from khidma.payments.gateway import SIGNATURE_HEADER
from khidma.payments.gateway import Method
from khidma.payments.gateway import ProviderPayment
from khidma.payments.gateway import SadadBill
from khidma.payments.gateway import notification_body
from khidma.payments.gateway import sign
from khidma.payments.states import State

log = logging.getLogger("khidma.payments.simulator")

HOSTED_PAGE_LIFETIME = dt.timedelta(minutes=90)  # as GOV.UK Pay
NOTIFY_MODES = ("normal", "before", "twice", "never")
OUTCOMES = ("success", "decline", "cancel", "expiry")
FAILURES = {  # outcome → (state, code, message), GOV.UK Pay's codes
    "decline": (State.FAILED, "P0010", "Payment method rejected"),
    "expiry": (State.EXPIRED, "P0020", "Payment expired"),
    "cancel": (State.CANCELLED, "P0030", "Payment was cancelled by the user"),
}
MAX_DELIVERY_ATTEMPTS = 5


class ApiError(Exception):
    def __init__(self, status: int, code: str, description: str) -> None:
        super().__init__(description)
        self.status, self.code, self.description = status, code, description


@dataclass
class SimPayment:
    id: str
    amount: int
    method: Method
    reference: str
    description: str
    created_at: dt.datetime
    return_url: str | None
    notification_url: str | None
    language: str
    state: State = State.CREATED
    bill: SadadBill | None = None
    failure: tuple[str, str] | None = None
    refunded: int = 0
    charges: int = 0  # how many times money was taken (must never exceed 1)
    updated_at: dt.datetime | None = None

    def view(self, base_url: str) -> ProviderPayment:
        hosted = self.method.hosted and not self.state.finished
        return ProviderPayment(
            id=self.id,
            state=self.state,
            amount=self.amount,
            method=self.method,
            reference=self.reference,
            next_url=f"{base_url}/pay/{self.id}" if hosted else None,
            bill=self.bill,
            failure_code=self.failure[0] if self.failure else None,
            failure_message=self.failure[1] if self.failure else None,
            refunded=self.refunded,
            refund_available=self.amount - self.refunded if self.state is State.SUCCESS else 0,
            updated_at=self.updated_at or self.created_at,
        )


@dataclass
class Pending:
    """A notification not yet delivered (`due` None: only when flushed), or a late
    capture still to happen (`late_success`)."""

    payment_id: str
    event_id: str
    body: bytes
    url: str
    due: dt.datetime | None
    attempts: int = 0
    late_success: bool = False


@dataclass(frozen=True)
class Delivery:
    event_id: str
    payment_id: str
    state: str
    url: str
    status: int | None  # the platform's HTTP answer (None: no answer)


@dataclass
class Books:
    payments: dict[str, SimPayment] = field(default_factory=dict)
    by_bill: dict[str, str] = field(default_factory=dict)
    idempotency: dict[str, tuple[str, Any]] = field(default_factory=dict)
    pending: list[Pending] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)


def fingerprint(body: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


class Provider:
    """The simulated provider. `notify_delay`: seconds after which an ordinary
    notification is sent (None: only when `flush()` is called, for tests that decide the
    order themselves)."""

    def __init__(
        self,
        api_key: str,
        webhook_secret: str,
        *,
        notification_url: str | None = None,
        notify_delay: float | None = 1.0,
        clock: Callable[[], dt.datetime] | None = None,
        base_url: str | None = None,
    ) -> None:
        self.api_key = api_key
        # where the hosted pages are; the WSGI app sets it from the first request it serves
        self.base_url = (base_url or "").rstrip("/")
        self.webhook_secret = webhook_secret
        self.notification_url = notification_url
        self.notify_delay = notify_delay
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.books = Books()
        self.lock = threading.RLock()
        self.http = requests.Session()

    # ------------------------------------------------------------------ payments
    def create(self, body: Mapping[str, Any], key: str | None) -> tuple[SimPayment, bool]:
        """(payment, created): a repeat of an idempotency key gets the first payment."""
        if not key:
            raise ApiError(400, "idempotency_key_missing", "an Idempotency-Key header is required")
        with self.lock:
            seen = self.books.idempotency.get(key)
            if seen is not None:
                if seen[0] != fingerprint(body):
                    raise ApiError(
                        422, "idempotency_key_reused", "this key was used for another request"
                    )
                return self.payment(seen[1]), False
            payment = self._new_payment(body)
            self.books.payments[payment.id] = payment
            if payment.bill is not None:
                self.books.by_bill[payment.bill.bill_number] = payment.id
            self.books.idempotency[key] = (fingerprint(body), payment.id)
            return payment, True

    def _new_payment(self, body: Mapping[str, Any]) -> SimPayment:
        now = self.clock()
        amount = body.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise ApiError(422, "amount_invalid", "amount is a positive whole number of halalas")
        if body.get("currency", "SAR") != "SAR":
            raise ApiError(422, "currency_invalid", "only SAR")
        try:
            method = Method(str(body.get("method")))
        except ValueError:
            raise ApiError(422, "method_invalid", "method is card, bank_account or sadad") from None
        reference = str(body.get("reference") or "")
        if not reference:
            raise ApiError(422, "reference_missing", "a reference is required")
        if method.hosted and not body.get("return_url"):
            raise ApiError(422, "return_url_missing", "a hosted payment needs a return_url")
        payment = SimPayment(
            id="pay_" + secrets.token_hex(10),
            amount=amount,
            method=method,
            reference=reference,
            description=str(body.get("description") or ""),
            created_at=now,
            return_url=body.get("return_url"),
            notification_url=body.get("notification_url") or self.notification_url,
            language=str(body.get("language") or "ar"),
        )
        if method is Method.SADAD:
            payment.bill = self._bill(body.get("sadad") or {}, now)
            payment.state = State.SUBMITTED
        return payment

    def _bill(self, sadad: Mapping[str, Any], now: dt.datetime) -> SadadBill:
        biller = str(sadad.get("biller_code") or "")
        if not biller.isdigit():
            raise ApiError(
                422, "biller_code_invalid", "a SADAD bill needs the biller code (digits)"
            )
        try:
            expires = dt.datetime.fromisoformat(str(sadad.get("expires_at")).replace("Z", "+00:00"))
        except ValueError:
            raise ApiError(422, "sadad_expiry_invalid", "expires_at is an ISO 8601 time") from None
        if expires.tzinfo is None or expires <= now:
            raise ApiError(422, "sadad_expiry_invalid", "expires_at must be in the future (UTC)")
        if expires > now + dt.timedelta(days=MAX_SADAD_DAYS):
            raise ApiError(
                422, "sadad_expiry_too_far", f"a bill lives at most {MAX_SADAD_DAYS} days"
            )
        number = "".join(secrets.choice("0123456789") for _ in range(12))
        while number in self.books.by_bill:
            number = "".join(secrets.choice("0123456789") for _ in range(12))
        return SadadBill(number, biller, expires.astimezone(dt.UTC))

    def payment(self, payment_id: str) -> SimPayment:
        with self.lock:
            payment = self.books.payments.get(payment_id)
            if payment is None:
                raise ApiError(404, "not_found", f"no payment {payment_id}")
            self._expire_by_time(payment)
            return payment

    def bill(self, bill_number: str) -> SimPayment:
        with self.lock:
            payment_id = self.books.by_bill.get(bill_number)
            if payment_id is None:
                raise ApiError(404, "not_found", f"no bill {bill_number}")
            return self.payment(payment_id)

    def _expire_by_time(self, payment: SimPayment) -> None:
        now = self.clock()
        if payment.state.finished:
            return
        if payment.bill is not None and now >= payment.bill.expires_at:
            self._finish(payment, State.EXPIRED, ("P0020", "Bill expired"), "normal")
        elif payment.method.hosted and now >= payment.created_at + HOSTED_PAGE_LIFETIME:
            self._finish(payment, State.EXPIRED, ("P0020", "Payment expired"), "normal")

    # ------------------------------------------------------------------ the payer
    def open_page(self, payment_id: str) -> SimPayment:
        with self.lock:
            payment = self.payment(payment_id)
            if payment.state is State.CREATED:
                payment.state, payment.updated_at = State.STARTED, self.clock()
            return payment

    def decide(self, payment_id: str, outcome: str, notify: str, late_success: bool) -> SimPayment:
        """The payer's outcome on the hosted page (or a SADAD bill paid/expired)."""
        if outcome not in (*OUTCOMES, "pay_bill", "expire_bill") or notify not in NOTIFY_MODES:
            raise ApiError(400, "bad_choice", f"unknown outcome {outcome!r} or mode {notify!r}")
        with self.lock:
            payment = self.payment(payment_id)
            if payment.state.finished:
                raise ApiError(409, "finished", f"payment {payment_id} is already {payment.state}")
            if outcome in ("success", "pay_bill"):
                self._finish(payment, State.SUCCESS, None, notify)
            else:
                kind = "expiry" if outcome == "expire_bill" else outcome
                state, code, message = FAILURES[kind]
                self._finish(payment, state, (code, message), notify)
                if late_success:
                    self._schedule_late_success(payment)
        self.deliver_now(payment_id, notify)
        return payment

    def _finish(
        self, payment: SimPayment, state: State, failure: tuple[str, str] | None, notify: str
    ) -> None:
        payment.state, payment.failure, payment.updated_at = state, failure, self.clock()
        if state is State.SUCCESS:
            payment.charges += 1
        self._notify(payment, notify)

    def _notify(self, payment: SimPayment, mode: str) -> None:
        if mode == "never" or not payment.notification_url:
            return
        event_id = "evt_" + secrets.token_hex(10)
        body = notification_body(event_id, self.clock(), payment.view(self.base_url))
        first = Pending(payment.id, event_id, body, payment.notification_url, self._due())
        if mode in ("before", "twice"):
            first.due = self.clock()  # sent before the payer is redirected (deliver_now)
        self.books.pending.append(first)
        if mode == "twice":
            self.books.pending.append(replace(first, due=self._due()))

    def _due(self) -> dt.datetime | None:
        if self.notify_delay is None:
            return None
        return self.clock() + dt.timedelta(seconds=self.notify_delay)

    def _schedule_late_success(self, payment: SimPayment) -> None:
        self.books.pending.append(
            Pending(
                payment.id, "", b"", payment.notification_url or "", self._due(), late_success=True
            )
        )

    # ------------------------------------------------------------------ refunds
    def refund(self, payment_id: str, body: Mapping[str, Any], key: str | None) -> dict[str, Any]:
        if not key:
            raise ApiError(400, "idempotency_key_missing", "an Idempotency-Key header is required")
        with self.lock:
            seen = self.books.idempotency.get("refund:" + key)
            if seen is not None:
                if seen[0] != fingerprint({"payment": payment_id, **body}):
                    raise ApiError(
                        422, "idempotency_key_reused", "this key was used for another refund"
                    )
                result: dict[str, Any] = seen[1]
                return result
            payment = self.payment(payment_id)
            amount, available = body.get("amount"), body.get("refund_amount_available")
            if payment.state is not State.SUCCESS:
                raise ApiError(422, "not_refundable", f"payment is {payment.state}")
            if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
                raise ApiError(422, "amount_invalid", "amount is a positive whole number")
            left = payment.amount - payment.refunded
            if available != left:
                raise ApiError(
                    412, "refund_amount_available_mismatch", f"{left} is available, not {available}"
                )
            if amount > left:
                raise ApiError(422, "refund_amount_exceeded", f"only {left} can be refunded")
            payment.refunded += amount
            result = {
                "refund_id": "rfd_" + secrets.token_hex(8),
                "amount": amount,
                "status": "success",
                "payment_id": payment_id,
            }
            self.books.idempotency["refund:" + key] = (
                fingerprint({"payment": payment_id, **body}),
                result,
            )
            return result

    # ------------------------------------------------------------------ notifications
    def deliver_now(self, payment_id: str | None = None, mode: str | None = None) -> int:
        """Deliver pending notifications that are due now (all of one payment's that are
        marked to go before the payer returns, with `mode` before/twice)."""
        now = self.clock()
        with self.lock:
            due = [
                p
                for p in self.books.pending
                if p.due is not None
                and p.due <= now
                and (payment_id is None or p.payment_id == payment_id)
            ]
            if payment_id is not None and mode not in ("before", "twice"):
                due = []
        return self._run(due)

    def flush(self) -> int:
        """Deliver everything pending now, late captures included (tests)."""
        with self.lock:
            due = list(self.books.pending)
        return self._run(due)

    def tick(self) -> int:
        """Deliver whatever is due (the background thread calls this)."""
        return self.deliver_now()

    def _run(self, items: list[Pending]) -> int:
        sent = 0
        queue = list(items)
        while queue:
            item = queue.pop(0)
            with self.lock:
                if not self._take(item):
                    continue  # another thread took it
                if item.late_success:
                    before = len(self.books.pending)
                    self._capture_late(item.payment_id)
                    queue.extend(self.books.pending[before:])  # its notification goes now
                    continue
            if self._deliver(item):
                sent += 1
        return sent

    def _take(self, item: Pending) -> bool:
        for index, pending in enumerate(self.books.pending):
            if pending is item:
                del self.books.pending[index]
                return True
        return False

    def _capture_late(self, payment_id: str) -> None:
        """The provider captures after all (a bank's late answer): the money is taken."""
        payment = self.books.payments[payment_id]
        if payment.state in (State.FAILED, State.CANCELLED, State.EXPIRED):
            self._finish(payment, State.SUCCESS, None, "normal")

    def _deliver(self, item: Pending) -> bool:
        headers = {
            SIGNATURE_HEADER: sign(self.webhook_secret, item.body),
            "Content-Type": "application/json",
        }
        status: int | None = None
        try:
            status = self.http.post(
                item.url, data=item.body, headers=headers, timeout=5
            ).status_code
        except requests.RequestException as error:
            log.warning("notification %s to %s failed: %s", item.event_id, item.url, error)
        state = json.loads(item.body)["payment"]["state"]["status"]
        with self.lock:
            self.books.deliveries.append(
                Delivery(item.event_id, item.payment_id, state, item.url, status)
            )
            ok = status is not None and 200 <= status < 300
            if not ok and item.attempts + 1 < MAX_DELIVERY_ATTEMPTS:
                retry = replace(item, attempts=item.attempts + 1, due=self._due())
                self.books.pending.append(retry)
        return ok

    def close(self) -> None:
        self.http.close()
