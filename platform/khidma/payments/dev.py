"""Development: `khidma run` in development mode serves the payment simulator beside the
platform when no provider is configured (no KHIDMA_PAYMENT_URL), and points the
settings at it."""

from __future__ import annotations

import os
import secrets
import socket

from khidma.payments.simulator import Provider
from khidma.payments.simulator import RunningSimulator
from khidma.payments.simulator import serve_in_thread

DEV_BILLER_CODE = "901"


def _free(host: str, port: int) -> int:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return 0
    return port


def start_dev_simulator(host: str, port: int) -> RunningSimulator | None:
    """Serve the simulator on `port + 1` (or any free port) and set the KHIDMA_PAYMENT_*
    variables for the app about to be created. None when a provider is configured."""
    if os.environ.get("KHIDMA_PAYMENT_URL"):
        return None
    key, secret = secrets.token_urlsafe(16), secrets.token_urlsafe(24)
    provider = Provider(
        key,
        secret,
        notification_url=f"http://{host}:{port}/payments/notifications",
        notify_delay=1.0,
    )
    running = serve_in_thread(provider, host, _free(host, port + 1))
    os.environ.update(
        KHIDMA_PAYMENT_URL=running.url,
        KHIDMA_PAYMENT_API_KEY=key,
        KHIDMA_PAYMENT_WEBHOOK_SECRET=secret,
    )
    os.environ.setdefault("KHIDMA_SADAD_BILLER_CODE", DEV_BILLER_CODE)
    return running
