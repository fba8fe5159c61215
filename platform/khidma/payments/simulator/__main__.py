"""`python -m khidma.payments.simulator --port N`: serve the simulated provider."""

from __future__ import annotations

import argparse
import logging
import os

from werkzeug.serving import run_simple

from khidma.payments.simulator.app import SimulatorApp
from khidma.payments.simulator.provider import Provider


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m khidma.payments.simulator", description="A simulated payment provider."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--api-key",
        default=os.environ.get("KHIDMA_PAYMENT_API_KEY", "sim-key"),
        help="the key clients must send (default: KHIDMA_PAYMENT_API_KEY)",
    )
    parser.add_argument(
        "--webhook-secret",
        default=os.environ.get("KHIDMA_PAYMENT_WEBHOOK_SECRET", "sim-secret"),
        help="the shared secret notifications are signed with",
    )
    parser.add_argument(
        "--notification-url", default=None, help="where to notify when a payment names none"
    )
    parser.add_argument(
        "--notify-delay",
        type=float,
        default=1.0,
        help="seconds after the payer returns before notifying",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    provider = Provider(
        args.api_key,
        args.webhook_secret,
        notification_url=args.notification_url,
        notify_delay=args.notify_delay,
        base_url=f"http://{args.host}:{args.port}",
    )
    app = SimulatorApp(provider)
    print(f"payment simulator on http://{args.host}:{args.port}/ (SADAD desk: /sadad)")
    try:
        run_simple(args.host, args.port, app, threaded=True)
    finally:
        app.close()


if __name__ == "__main__":
    main()
