"""A faithful identity-verification service, for tests and development: the API
`khidma.identity.verification` speaks.

    python -m khidma.identity.verification_simulator --port 8026 --api-key dev-idv-key \
        --register 1000000008=+966501234567

`POST /v1/verifications` checks what the national service checks (the API key, a JSON
object, a checksum-valid ID number, an E.164 Saudi mobile) and answers whether the mobile
is registered to the ID number. For tests: `POST /_control/registrations`
`{"national_id": …, "mobile": …}` registers a pair, `GET /_control/requests` lists the
checks asked for, `POST /_control/down` makes every check answer 503 until
`POST /_control/up`. `VerifierServer` runs it on a local port in a thread.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
from collections.abc import Iterable
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from khidma.delivery.sms_simulator import SimulatorServer
from khidma.engine.identifiers import national_id_problem

SAUDI_MOBILE = re.compile(r"\+9665[0-9]{8}")


class VerificationSimulator:
    """The registry of (ID number, mobile) pairs and its WSGI app (thread-safe)."""

    def __init__(self, api_key: str, registrations: Iterable[tuple[str, str]] = ()) -> None:
        self.api_key = api_key
        self._lock = threading.Lock()
        self._pairs: set[tuple[str, str]] = set(registrations)
        self._requests: list[tuple[str, str]] = []
        self.down_status: int | None = None

    def register(self, national_id: str, mobile: str) -> None:
        with self._lock:
            self._pairs.add((national_id, mobile))

    def release(self) -> None:
        """Nothing is ever held here (the server calls it on stop)."""

    def requests(self) -> list[tuple[str, str]]:
        with self._lock:
            return list(self._requests)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        return self._route(Request(environ))(environ, start_response)

    def _route(self, request: Request) -> Response:
        path, method = request.path.rstrip("/"), request.method
        if path == "/v1/verifications" and method == "POST":
            return self._verify(request)
        if path == "/_control/registrations" and method == "POST":
            data = request.get_json(silent=True) or {}
            self.register(str(data.get("national_id")), str(data.get("mobile")))
            return _json({"registered": True})
        if path == "/_control/requests" and method == "GET":
            return _json({"requests": [list(r) for r in self.requests()]})
        if path in ("/_control/down", "/_control/up") and method == "POST":
            self.down_status = 503 if path.endswith("down") else None
            return _json({"down": self.down_status})
        return _error(404, "not_found", f"no such endpoint: {method} {path}")

    def _verify(self, request: Request) -> Response:
        if self.down_status is not None:
            return _error(self.down_status, "unavailable", "the service is down")
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or token != self.api_key:
            return _error(401, "unauthorized", "missing or wrong API key")
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            return _error(400, "invalid_json", "the body is not a JSON object")
        national_id, mobile = data.get("national_id"), data.get("mobile")
        if not isinstance(national_id, str) or national_id_problem(national_id) is not None:
            return _error(400, "invalid_national_id", "not a valid ID number")
        if not isinstance(mobile, str) or not SAUDI_MOBILE.fullmatch(mobile):
            return _error(400, "invalid_mobile", "not an E.164 Saudi mobile number")
        with self._lock:
            self._requests.append((national_id, mobile))
            match = (national_id, mobile) in self._pairs
        return _json({"match": match})


class VerifierServer(SimulatorServer):
    """The simulator on 127.0.0.1:`port` (0: any free port), served by a thread (the SMS
    simulator's server: `stop()` refuses connections, `start()` listens again)."""

    def __init__(
        self, simulator: VerificationSimulator, port: int = 0, host: str = "127.0.0.1"
    ) -> None:
        super().__init__(simulator, port, host)  # type: ignore[arg-type]
        self.simulator: VerificationSimulator = simulator  # type: ignore[assignment]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/v1/verifications"

    def __enter__(self) -> VerifierServer:
        self.start()
        return self


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, mimetype="application/json")


def _error(status: int, code: str, message: str) -> Response:
    return _json({"error": {"code": code, "message": message}}, status)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8026)
    parser.add_argument("--api-key", default="dev-idv-key")
    parser.add_argument("--register", action="append", default=[], help="ID=+9665…")
    args = parser.parse_args(argv)
    pairs = [tuple(item.split("=", 1)) for item in args.register]
    simulator = VerificationSimulator(args.api_key, [(p[0], p[1]) for p in pairs])
    server = make_server(args.host, args.port, simulator, threaded=True)
    print(f"identity verification simulator on http://{args.host}:{args.port}/v1/verifications")
    server.serve_forever()


if __name__ == "__main__":
    main()
