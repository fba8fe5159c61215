"""`HttpGateway`: the `PaymentGateway` of a provider with a JSON REST API.

The API (docs/payments.md, served by the simulator as well):

    POST /v1/payments                    create; Idempotency-Key header  → 201 (200 on a repeat)
    GET  /v1/payments/{id}               status                           → 200
    POST /v1/payments/{id}/refunds       {amount, refund_amount_available}; Idempotency-Key
                                         → 201; 412 when the amount available has changed;
                                         422 when more than refundable

Every call carries `Authorization: Bearer <api key>` and a (connect, read) timeout, so a
provider that hangs costs a request at most a few seconds. A timeout, a refused
connection or a 5xx is `GatewayUnavailable` (unknown outcome: repeat with the same
idempotency key); a 4xx is `GatewayRefused` (or `RefundRefused`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import requests

from khidma.payments.gateway import GatewayRefused
from khidma.payments.gateway import GatewayUnavailable
from khidma.payments.gateway import Notification
from khidma.payments.gateway import PaymentRequest
from khidma.payments.gateway import ProviderPayment
from khidma.payments.gateway import ProviderRefund
from khidma.payments.gateway import RefundRefused
from khidma.payments.gateway import payment_from_json
from khidma.payments.gateway import verify_signed

__all__ = ["HttpGateway"]

USER_AGENT = "khidma-payments/1"


class HttpGateway:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        webhook_secret: str,
        *,
        timeout: tuple[float, float] = (3.05, 10.0),
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.webhook_secret = webhook_secret
        self.timeout = timeout
        self._api_key = api_key
        self._http = session or requests.Session()

    def __repr__(self) -> str:  # never the key
        return f"HttpGateway({self.base_url!r})"

    def _call(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> tuple[int, dict[str, Any]]:
        headers = {
            "Authorization": f"Bearer {self._api_key}",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        try:
            response = self._http.request(
                method, self.base_url + path, json=body, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as error:
            raise GatewayUnavailable(f"{method} {path}: {type(error).__name__}") from None
        try:
            data = response.json() if response.content else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        status = response.status_code
        if status >= 500:
            raise GatewayUnavailable(f"{method} {path}: HTTP {status}", status=status)
        if status >= 400:
            code = str(data.get("code", f"http_{status}"))
            message = str(data.get("description", f"HTTP {status}"))
            refused = (
                RefundRefused if "/refunds" in path and status in (412, 422) else GatewayRefused
            )
            raise refused(f"{method} {path}: {message}", code=code, status=status)
        return status, data

    def _payment(self, data: Mapping[str, Any]) -> ProviderPayment:
        try:
            return payment_from_json(data)
        except (ValueError, KeyError, TypeError) as error:
            raise GatewayUnavailable(f"the provider answered something else: {error}") from None

    def create(self, request: PaymentRequest) -> ProviderPayment:
        _, data = self._call("POST", "/v1/payments", request.as_json(), request.idempotency_key)
        return self._payment(data)

    def status(self, provider_id: str) -> ProviderPayment:
        _, data = self._call("GET", f"/v1/payments/{provider_id}")
        return self._payment(data)

    def refund(
        self, provider_id: str, amount: int, *, refund_amount_available: int, idempotency_key: str
    ) -> ProviderRefund:
        body = {"amount": amount, "refund_amount_available": refund_amount_available}
        _, data = self._call("POST", f"/v1/payments/{provider_id}/refunds", body, idempotency_key)
        try:
            return ProviderRefund(
                id=str(data["refund_id"]),
                payment_id=provider_id,
                amount=int(data["amount"]),
                state=str(data["status"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise GatewayUnavailable(f"the provider answered something else: {error}") from None

    def verify_notification(
        self, headers: Mapping[str, str], body: bytes, *, now: dt.datetime
    ) -> Notification:
        return verify_signed(self.webhook_secret, headers, body, now=now)
