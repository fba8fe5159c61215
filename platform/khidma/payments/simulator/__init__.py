"""A faithful simulator of a payment provider, run as its own small WSGI app.

`python -m khidma.payments.simulator --port 8765` serves it; tests start it in a thread
(`serve_in_thread`). See `app` for its routes and docs/payments.md for the API.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from werkzeug.serving import BaseWSGIServer
from werkzeug.serving import make_server

from khidma.payments.simulator.app import SimulatorApp
from khidma.payments.simulator.provider import Provider

__all__ = ["Provider", "RunningSimulator", "SimulatorApp", "serve_in_thread"]


@dataclass
class RunningSimulator:
    app: SimulatorApp
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    @property
    def provider(self) -> Provider:
        return self.app.provider

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
        self.server.server_close()
        self.app.close()


def serve_in_thread(
    provider: Provider, host: str = "127.0.0.1", port: int = 0, **options: Any
) -> RunningSimulator:
    """Serve `provider` on a local port (0: any free one) from a daemon thread."""
    app = SimulatorApp(provider, **options)
    server = make_server(host, port, app, threaded=True)
    provider.base_url = f"http://{host}:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="payment-simulator")
    thread.start()
    return RunningSimulator(app, server, thread)
