"""The development gateways: deliver nothing, log each message and keep the last ones.

The outbox row is marked sent exactly as with a real gateway, so the development page
`/dev/outbox` shows what went "out". They are chosen only in development mode, for a
channel with no gateway configured.
"""

from __future__ import annotations

import logging
from collections import deque

from khidma.storage.models import Channel
from khidma.storage.outbox import OutgoingMessage

KEPT = 1000  # a long development session must not grow without bound


class DevSender:
    """A development `EmailSender` or `SmsGateway` for one channel."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.delivered: deque[OutgoingMessage] = deque(maxlen=KEPT)
        self._log = logging.getLogger(f"khidma.delivery.dev.{channel.value}")

    def send(self, message: OutgoingMessage) -> str | None:
        self.delivered.append(message)
        subject = f" [{message.subject}]" if message.subject else ""
        self._log.info("to %s%s: %s", message.recipient, subject, message.body)
        return f"dev-{message.id}"

    def __repr__(self) -> str:
        return f"DevSender({self.channel.value})"
