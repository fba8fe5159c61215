"""The simulated provider as a WSGI app: its REST API, its hosted payment page, its SADAD
desk, and test controls under `/_sim/`.

    API (Authorization: Bearer <api key>)
      POST /v1/payments, GET /v1/payments/{id}, POST /v1/payments/{id}/refunds
    The payer
      GET|POST /pay/{id}                 the hosted page: pick an outcome
      GET /sadad, POST /sadad/{bill}/pay, POST /sadad/{bill}/expire
    Test controls (simulator only)
      POST /_sim/flush                   deliver every pending notification now
      GET  /_sim/payments                every payment with its charges
      GET  /_sim/deliveries              every notification sent and the answer
"""

from __future__ import annotations

import json
import threading
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound
from werkzeug.routing import Map
from werkzeug.routing import Rule
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from khidma.payments.gateway import payment_to_json
from khidma.payments.simulator import pages
from khidma.payments.simulator.provider import ApiError
from khidma.payments.simulator.provider import Provider

_ROUTES = Map(
    [
        Rule("/v1/payments", methods=["POST"], endpoint="api_create"),
        Rule("/v1/payments/<pid>", methods=["GET"], endpoint="api_status"),
        Rule("/v1/payments/<pid>/refunds", methods=["POST"], endpoint="api_refund"),
        Rule("/pay/<pid>", methods=["GET", "POST"], endpoint="hosted"),
        Rule("/sadad", methods=["GET"], endpoint="sadad"),
        Rule("/sadad/<bill>/pay", methods=["POST"], endpoint="sadad_pay"),
        Rule("/sadad/<bill>/expire", methods=["POST"], endpoint="sadad_expire"),
        Rule("/_sim/flush", methods=["POST"], endpoint="flush"),
        Rule("/_sim/payments", methods=["GET"], endpoint="list_payments"),
        Rule("/_sim/deliveries", methods=["GET"], endpoint="deliveries"),
    ]
)


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, mimetype="application/json")


def _html(text: str, status: int = 200) -> Response:
    return Response(text, status=status, mimetype="text/html")


class SimulatorApp:
    """WSGI callable around a `Provider`. With `notify_delay` set, a daemon thread
    delivers due notifications (call `close()` to stop it)."""

    def __init__(self, provider: Provider, *, background: bool = True) -> None:
        self.provider = provider
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if background and provider.notify_delay is not None:
            self._thread = threading.Thread(target=self._loop, daemon=True, name="sim-notifier")
            self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(0.2):
            self.provider.tick()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.provider.close()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if not self.provider.base_url:
            self.provider.base_url = request.host_url.rstrip("/")
        try:
            endpoint, values = _ROUTES.bind_to_environ(environ).match()
            response = getattr(self, endpoint)(request, **values)
        except ApiError as error:
            response = _json({"code": error.code, "description": error.description}, error.status)
        except HTTPException as error:
            response = error.get_response(environ)
        return response(environ, start_response)

    # ------------------------------------------------------------------ API
    def _authorised(self, request: Request) -> None:
        if request.headers.get("Authorization", "") != f"Bearer {self.provider.api_key}":
            raise ApiError(401, "unauthorised", "a valid API key is required")

    def _body(self, request: Request) -> dict[str, Any]:
        try:
            body = json.loads(request.get_data() or b"{}")
        except ValueError:
            raise ApiError(400, "bad_json", "the body is not JSON") from None
        if not isinstance(body, dict):
            raise ApiError(400, "bad_json", "the body is not a JSON object")
        return body

    def _view(self, payment: Any) -> dict[str, Any]:
        return payment_to_json(payment.view(self.provider.base_url))

    def api_create(self, request: Request) -> Response:
        self._authorised(request)
        body = self._body(request)
        payment, created = self.provider.create(body, request.headers.get("Idempotency-Key"))
        return _json(self._view(payment), 201 if created else 200)

    def api_status(self, request: Request, pid: str) -> Response:
        self._authorised(request)
        return _json(self._view(self.provider.payment(pid)))

    def api_refund(self, request: Request, pid: str) -> Response:
        self._authorised(request)
        body = self._body(request)
        result = self.provider.refund(pid, body, request.headers.get("Idempotency-Key"))
        return _json(result, 201)

    # ------------------------------------------------------------------ the payer
    def hosted(self, request: Request, pid: str) -> Response:
        try:
            payment = self.provider.open_page(pid)
        except ApiError:
            raise NotFound() from None
        if request.method == "GET":
            if payment.state.finished or not payment.method.hosted:
                return _html(pages.finished_page(payment))
            return _html(pages.hosted_page(payment))
        try:
            payment = self.provider.decide(
                pid,
                request.form.get("outcome", "success"),
                request.form.get("notify", "normal"),
                request.form.get("late_success") == "1",
            )
        except ApiError as error:
            if error.status != 409:
                raise
            return _html(pages.finished_page(payment), 409)
        return Response(status=303, headers={"Location": payment.return_url or "/"})

    def sadad(self, request: Request) -> Response:
        with self.provider.lock:
            bills = [p for p in self.provider.books.payments.values() if p.bill is not None]
            for bill in bills:
                self.provider.payment(bill.id)  # expire by time
        wanted = request.args.get("bill")
        if wanted:
            bills = [p for p in bills if p.bill and p.bill.bill_number == wanted]
        return _html(pages.sadad_desk(bills))

    def _bill_action(self, request: Request, bill: str, outcome: str) -> Response:
        payment = self.provider.bill(bill)
        self.provider.decide(payment.id, outcome, request.form.get("notify", "normal"), False)
        return Response(status=303, headers={"Location": f"/sadad?bill={bill}"})

    def sadad_pay(self, request: Request, bill: str) -> Response:
        return self._bill_action(request, bill, "pay_bill")

    def sadad_expire(self, request: Request, bill: str) -> Response:
        return self._bill_action(request, bill, "expire_bill")

    # ------------------------------------------------------------------ test controls
    def flush(self, request: Request) -> Response:
        return _json({"delivered": self.provider.flush()})

    def list_payments(self, request: Request) -> Response:
        with self.provider.lock:
            rows = [
                {**self._view(p), "charges": p.charges}
                for p in self.provider.books.payments.values()
            ]
        return _json(rows)

    def deliveries(self, request: Request) -> Response:
        with self.provider.lock:
            rows = [d.__dict__ for d in self.provider.books.deliveries]
        return _json(rows)
