"""A faithful SMS gateway, for tests and development: the API `sms_http` speaks.

    python -m khidma.delivery.sms_simulator --port 8025 --api-key dev-key --sender Khidma

`POST /v1/messages` checks what a real provider checks (the API key, the JSON body, an
E.164 mobile number, a registered sender name, the length of the text), stores the
message and answers 201 with its id; a repeated `Idempotency-Key` with the same content
answers 200 with the first id and stores nothing (409 if the content differs).
`GET /v1/messages/<id>` is a message's status.

For tests: `GET /messages` lists what was stored (`DELETE /messages` forgets it);
`POST /_control/down` makes every send answer 503 (`{"status": 500}` another 5xx) until
`POST /_control/up`; `POST /_control/hold` keeps the next sends waiting (stored first,
answered later) until `POST /_control/release`, so a test can make a worker's request
time out after the gateway took it. `SimulatorServer` runs the app on a local port in a
thread and can also stop listening altogether (connection refused) and start again.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import threading
from collections.abc import Iterable
from dataclasses import asdict
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any

import phonenumbers
from werkzeug.serving import BaseWSGIServer
from werkzeug.serving import make_server
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

E164 = re.compile(r"\+[1-9][0-9]{7,14}")
MAX_PARTS = 10  # a real gateway refuses a text longer than ten concatenated parts
GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


@dataclass(frozen=True)
class StoredSms:
    id: str
    to: str
    sender: str
    body: str
    parts: int
    reference: str | None
    idempotency_key: str | None
    received_at: str


def parts_of(body: str) -> int:
    """How many SMS parts the text takes: GSM-7 160/153 characters, UCS-2 (Arabic)
    70/67."""
    single, multi = (160, 153) if set(body) <= GSM7 else (70, 67)
    return 1 if len(body) <= single else -(-len(body) // multi)


class SmsSimulator:
    """The gateway's state and its WSGI app (thread-safe: the server is threaded)."""

    def __init__(self, api_key: str, senders: Iterable[str] = ("Khidma",)) -> None:
        self.api_key = api_key
        self.senders = frozenset(senders)
        self._lock = threading.Lock()
        self._messages: list[StoredSms] = []
        self._by_key: dict[str, StoredSms] = {}
        self._ids = itertools.count(1)
        self.down_status: int | None = None
        self._release = threading.Event()
        self._release.set()
        self.requests = 0  # sends received (refused ones included)
        self.arrived = threading.Condition(self._lock)

    # -- for tests in this process -----------------------------------------------------
    def messages(self) -> list[StoredSms]:
        with self._lock:
            return list(self._messages)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
            self._by_key.clear()

    def down(self, status: int = 503) -> None:
        self.down_status = status

    def up(self) -> None:
        self.down_status = None

    def hold(self) -> None:
        self._release.clear()

    def release(self) -> None:
        self._release.set()

    def wait_for_requests(self, count: int, timeout: float = 30.0) -> bool:
        """Block until `count` sends have arrived in all (a readiness wait, not a test
        of speed)."""
        with self.arrived:
            return self.arrived.wait_for(lambda: self.requests >= count, timeout)

    # -- WSGI ----------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        response = self._route(request)
        return response(environ, start_response)

    def _route(self, request: Request) -> Response:
        path, method = request.path.rstrip("/"), request.method
        if path == "/v1/messages" and method == "POST":
            return self._send(request)
        if path.startswith("/v1/messages/") and method == "GET":
            return self._status(request, path.rsplit("/", 1)[1])
        if path == "/messages" and method in ("GET", "DELETE"):
            if method == "DELETE":
                self.clear()
            return _json({"messages": [asdict(m) for m in self.messages()]})
        if path.startswith("/_control/") and method == "POST":
            return self._control(request, path.removeprefix("/_control/"))
        if path in ("/v1/messages", "/messages") or path.startswith("/_control/"):
            return _error(405, "method_not_allowed", f"{method} is not allowed here")
        return _error(404, "not_found", f"no such endpoint: {path}")

    def _send(self, request: Request) -> Response:
        with self.arrived:
            self.requests += 1
            self.arrived.notify_all()
        if self.down_status is not None:
            response = _error(self.down_status, "unavailable", "the gateway is down")
            response.headers["Retry-After"] = "1"
            return response
        if not self._authorised(request):
            return _error(401, "unauthorized", "missing or wrong API key")
        if request.mimetype != "application/json":
            return _error(415, "unsupported_media_type", "send application/json")
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            return _error(400, "invalid_json", "the body is not a JSON object")
        problem = self._problem(data)
        if problem:
            return _error(400, *problem)
        key = request.headers.get("Idempotency-Key") or None
        with self._lock:
            earlier = self._by_key.get(key) if key else None
            if earlier is not None:
                if (earlier.to, earlier.sender, earlier.body) != (
                    data["to"],
                    data["sender"],
                    data["body"],
                ):
                    return _error(409, "idempotency_conflict", "key reused for another message")
                return _json(_accepted(earlier), 200)
            stored = StoredSms(
                id=f"sim-{next(self._ids)}",
                to=data["to"],
                sender=data["sender"],
                body=data["body"],
                parts=parts_of(data["body"]),
                reference=data.get("reference") if isinstance(data.get("reference"), str) else None,
                idempotency_key=key,
                received_at=datetime.now(UTC).isoformat(),
            )
            self._messages.append(stored)
            if key:
                self._by_key[key] = stored
        self._release.wait(timeout=60)  # "hold": stored, but the answer comes late
        return _json(_accepted(stored), 201)

    def _authorised(self, request: Request) -> bool:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and token == self.api_key

    def _problem(self, data: dict[str, Any]) -> tuple[str, str] | None:
        to, sender, body = data.get("to"), data.get("sender"), data.get("body")
        if not isinstance(to, str) or not E164.fullmatch(to) or not _valid_number(to):
            return "invalid_number", f"not a valid E.164 mobile number: {to!r}"
        if not isinstance(sender, str) or sender not in self.senders:
            return "invalid_sender", f"sender name not registered: {sender!r}"
        if not isinstance(body, str) or not body.strip():
            return "empty_body", "the text is empty"
        if parts_of(body) > MAX_PARTS:
            return "body_too_long", f"the text needs more than {MAX_PARTS} parts"
        return None

    def _status(self, request: Request, message_id: str) -> Response:
        if not self._authorised(request):
            return _error(401, "unauthorized", "missing or wrong API key")
        for stored in self.messages():
            if stored.id == message_id:
                return _json({**_accepted(stored), "status": "delivered"})
        return _error(404, "not_found", f"no message {message_id}")

    def _control(self, request: Request, action: str) -> Response:
        data = request.get_json(silent=True) or {}
        if action == "down":
            self.down(int(data.get("status", 503)))
        elif action == "up":
            self.up()
        elif action == "hold":
            self.hold()
        elif action == "release":
            self.release()
        else:
            return _error(404, "not_found", f"no control {action!r}")
        return _json({"down": self.down_status, "held": not self._release.is_set()})


def _valid_number(number: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number))
    except phonenumbers.NumberParseException:
        return False


def _accepted(stored: StoredSms) -> dict[str, Any]:
    return {"id": stored.id, "status": "accepted", "to": stored.to, "parts": stored.parts}


def _json(data: Any, status: int = 200) -> Response:
    return Response(
        json.dumps(data, ensure_ascii=False), status=status, mimetype="application/json"
    )


def _error(status: int, code: str, message: str) -> Response:
    return _json({"error": {"code": code, "message": message}}, status)


class SimulatorServer:
    """The simulator on 127.0.0.1:`port` (0: any free port), served by a thread.

    `stop()` closes the listening socket (senders get "connection refused") and keeps
    the state; `start()` listens again on the same port."""

    def __init__(self, simulator: SmsSimulator, port: int = 0, host: str = "127.0.0.1"):
        self.simulator = simulator
        self.host, self.port = host, port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/v1/messages"

    def start(self) -> SimulatorServer:
        if self._server is None:
            self._server = make_server(self.host, self.port, self.simulator, threaded=True)
            self.port = self._server.server_port
            self._thread = threading.Thread(
                target=self._server.serve_forever, name="sms-simulator", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self.simulator.release()  # a held request must not keep the thread
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join()
            self._server = self._thread = None

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--api-key", default="dev-sms-key")
    parser.add_argument("--sender", action="append", help="a registered sender name")
    args = parser.parse_args(argv)
    simulator = SmsSimulator(args.api_key, args.sender or ["Khidma"])
    server = make_server(args.host, args.port, simulator, threaded=True)
    print(f"SMS simulator on http://{args.host}:{server.server_port}/v1/messages", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":  # pragma: no cover
    main()
