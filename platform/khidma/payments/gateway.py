"""The payment provider as the platform sees it: the `PaymentGateway` protocol, its data,
and signed notifications.

A provider creates a payment (card or bank account: a hosted page the payer is sent to;
SADAD: a bill number the payer pays at their bank) under an idempotency key, tells its
status, refunds all or part of it, and notifies the platform of changes. Any provider
fits behind the protocol: `khidma.payments.http.HttpGateway` speaks the REST API of
docs/payments.md, which `khidma.payments.simulator` serves.

The wire format (JSON) is defined here, once, for both sides: `payment_from_json`,
`payment_to_json`, and the notification signature: HMAC-SHA256 of the raw body with the
shared secret, hex, in the `Pay-Signature: v1=<hex>` header. The body carries the event
id and its creation time (Unix seconds); a notification older than `TOLERANCE` (or from
the future) is a replay and refused. Duplicates inside the window (providers retry) are
recognised by their event id in storage.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import Protocol

from khidma.payments.states import State

__all__ = [
    "SIGNATURE_HEADER",
    "TOLERANCE",
    "GatewayError",
    "GatewayRefused",
    "GatewayUnavailable",
    "Method",
    "Notification",
    "NotificationRefused",
    "PaymentGateway",
    "PaymentRequest",
    "ProviderPayment",
    "ProviderRefund",
    "RefundRefused",
    "SadadBill",
    "notification_body",
    "payment_from_json",
    "payment_to_json",
    "sign",
    "verify_signed",
]

SIGNATURE_HEADER = "Pay-Signature"
TOLERANCE = dt.timedelta(minutes=5)
MAX_SADAD_DAYS = 29  # SADAD bills live at most 29 days


class Method(enum.StrEnum):
    CARD = "card"
    BANK_ACCOUNT = "bank_account"
    SADAD = "sadad"

    @property
    def hosted(self) -> bool:
        """Paid on the provider's hosted page (as opposed to a bill paid at the bank)."""
        return self is not Method.SADAD


@dataclass(frozen=True)
class SadadBill:
    bill_number: str
    biller_code: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class PaymentRequest:
    """What the platform asks the provider for. `reference` is the attempt's own order
    id (never the request's reference number alone: one request may take several
    attempts). `sadad_expires_at` is required for SADAD, at most 29 days ahead."""

    amount: int  # halalas
    method: Method
    reference: str
    description: str
    idempotency_key: str
    return_url: str | None = None
    notification_url: str | None = None
    language: str = "ar"
    currency: str = "SAR"
    biller_code: str | None = None
    sadad_expires_at: dt.datetime | None = None

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "amount": self.amount,
            "currency": self.currency,
            "method": self.method.value,
            "reference": self.reference,
            "description": self.description,
            "language": self.language,
        }
        if self.return_url:
            body["return_url"] = self.return_url
        if self.notification_url:
            body["notification_url"] = self.notification_url
        if self.method is Method.SADAD:
            body["sadad"] = {
                "biller_code": self.biller_code,
                "expires_at": _iso(self.sadad_expires_at) if self.sadad_expires_at else None,
            }
        return body


@dataclass(frozen=True)
class ProviderPayment:
    """A payment as the provider reports it."""

    id: str
    state: State
    amount: int
    method: Method
    reference: str
    next_url: str | None = None  # the hosted page, while the payer can still pay there
    bill: SadadBill | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    refunded: int = 0
    refund_available: int = 0
    updated_at: dt.datetime | None = None

    @property
    def finished(self) -> bool:
        return self.state.finished


@dataclass(frozen=True)
class ProviderRefund:
    id: str
    payment_id: str
    amount: int
    state: str  # submitted, success, error


@dataclass(frozen=True)
class Notification:
    """A verified notification: the event id (unique per event, repeated on retries), when
    the provider made it, and the payment as it stood then."""

    event_id: str
    created: dt.datetime
    type: str
    payment: ProviderPayment


class GatewayError(Exception):
    """The provider could not do what was asked."""

    retryable = False

    def __init__(self, message: str, code: str = "error", status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class GatewayUnavailable(GatewayError):
    """No answer, a timeout or a server error: the outcome is unknown, and repeating the
    call with the same idempotency key is safe."""

    retryable = True


class GatewayRefused(GatewayError):
    """The provider answered no (a 4xx): repeating will not help."""


class RefundRefused(GatewayRefused):
    """More than the payment's refundable amount, or the amount available changed since
    it was read (HTTP 412: another refund came first)."""


class NotificationRefused(ValueError):
    """A notification that is not the provider's, or not fresh. `reason`: `unsigned`,
    `bad_signature`, `malformed`, `stale` (a replay)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class PaymentGateway(Protocol):
    """A payment provider. Every call that creates something takes an idempotency key:
    the same key asks for the same thing, and gets the first answer again."""

    def create(self, request: PaymentRequest) -> ProviderPayment:
        """Create a payment (card, bank account or SADAD bill)."""
        ...

    def status(self, provider_id: str) -> ProviderPayment:
        """The payment as the provider has it now."""
        ...

    def refund(
        self, provider_id: str, amount: int, *, refund_amount_available: int, idempotency_key: str
    ) -> ProviderRefund:
        """Refund `amount` halalas of a successful payment; `refund_amount_available` is
        what the platform believes is left (the provider refuses with `RefundRefused`
        when it has changed)."""
        ...

    def verify_notification(
        self, headers: Mapping[str, str], body: bytes, *, now: dt.datetime
    ) -> Notification:
        """The notification in `body` if its signature and age are right, else raise
        `NotificationRefused`."""
        ...


# --------------------------------------------------------------------------- the wire


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _moment(text: Any) -> dt.datetime | None:
    if not isinstance(text, str) or not text:
        return None
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC)


def payment_to_json(payment: ProviderPayment) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": payment.id,
        "state": {"status": payment.state.value, "finished": payment.finished},
        "amount": payment.amount,
        "method": payment.method.value,
        "reference": payment.reference,
        "refund_summary": {
            "amount_refunded": payment.refunded,
            "amount_available": payment.refund_available,
        },
    }
    if payment.failure_code:
        body["state"]["code"] = payment.failure_code
        body["state"]["message"] = payment.failure_message or ""
    if payment.next_url:
        body["next_url"] = payment.next_url
    if payment.bill is not None:
        body["sadad"] = {
            "bill_number": payment.bill.bill_number,
            "biller_code": payment.bill.biller_code,
            "expires_at": _iso(payment.bill.expires_at),
        }
    if payment.updated_at is not None:
        body["updated_at"] = _iso(payment.updated_at)
    return body


def payment_from_json(data: Mapping[str, Any]) -> ProviderPayment:
    """A payment from the provider's JSON; `ValueError` (or KeyError/TypeError) when it
    is not one."""
    state = data["state"]
    bill = None
    sadad = data.get("sadad")
    if isinstance(sadad, Mapping) and sadad.get("bill_number"):
        expires = _moment(sadad.get("expires_at"))
        if expires is None:
            raise ValueError("a SADAD bill without an expiry")
        bill = SadadBill(str(sadad["bill_number"]), str(sadad.get("biller_code", "")), expires)
    refunds = data.get("refund_summary") or {}
    amount = data["amount"]
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(f"amount {amount!r} is not a whole number of halalas")
    return ProviderPayment(
        id=str(data["id"]),
        state=State(state["status"]),
        amount=amount,
        method=Method(data["method"]),
        reference=str(data.get("reference", "")),
        next_url=data.get("next_url") or None,
        bill=bill,
        failure_code=state.get("code") or None,
        failure_message=state.get("message") or None,
        refunded=int(refunds.get("amount_refunded", 0)),
        refund_available=int(refunds.get("amount_available", 0)),
        updated_at=_moment(data.get("updated_at")),
    )


def sign(secret: str, body: bytes) -> str:
    """The `Pay-Signature` header value for `body`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def notification_body(event_id: str, created: dt.datetime, payment: ProviderPayment) -> bytes:
    """The JSON body of a notification (what the provider signs)."""
    message = {
        "id": event_id,
        "type": "payment.updated",
        "created": int(created.timestamp()),
        "payment": payment_to_json(payment),
    }
    return json.dumps(message, separators=(",", ":"), sort_keys=True).encode()


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return value


def verify_signed(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: dt.datetime,
    tolerance: dt.timedelta = TOLERANCE,
) -> Notification:
    """Check a notification's signature over its raw body, then its age; return it."""
    if not secret:
        raise NotificationRefused("unsigned", "no webhook secret is configured")
    given = (_header(headers, SIGNATURE_HEADER) or "").strip()
    if not given:
        raise NotificationRefused("unsigned", f"no {SIGNATURE_HEADER} header")
    signatures = [p.strip()[3:] for p in given.split(",") if p.strip().startswith("v1=")]
    expected = sign(secret, body)[3:]
    if not any(hmac.compare_digest(s, expected) for s in signatures):
        raise NotificationRefused("bad_signature", "the signature does not match the body")
    try:
        data = json.loads(body)
        created = dt.datetime.fromtimestamp(int(data["created"]), dt.UTC)
        event_id = str(data["id"])
        payment = payment_from_json(data["payment"])
        kind = str(data.get("type", "payment.updated"))
    except (ValueError, KeyError, TypeError, OverflowError) as error:
        raise NotificationRefused("malformed", f"not a notification: {error}") from None
    if not event_id or abs(now - created) > tolerance:
        raise NotificationRefused(
            "stale", f"notification {event_id!r} made at {created.isoformat()} is not fresh"
        )
    return Notification(event_id, created, kind, payment)
