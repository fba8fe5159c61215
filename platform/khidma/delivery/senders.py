"""What a gateway is, to the dispatcher: an object with `send(message)`.

`send` returns the gateway's own id for the message (or None) once the gateway has
accepted it, and raises otherwise: `PermanentDeliveryError` when trying again cannot
help (no such number, a refused address), anything else when it may (`TemporaryDelivery
Error` can say when to come back). The dispatcher, not the gateway, decides on retries.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Protocol

from khidma.storage.models import Channel
from khidma.storage.outbox import OutgoingMessage


class PermanentDeliveryError(Exception):
    """Retrying cannot help: the message is given up with this reason."""


class TemporaryDeliveryError(Exception):
    """The gateway could not take the message now (down, busy, timed out)."""

    def __init__(self, reason: str, retry_after: timedelta | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class EmailSender(Protocol):
    def send(self, message: OutgoingMessage) -> str | None:
        """Hand one e-mail (subject, text body, optional HTML body) to the mail system."""
        ...


class SmsGateway(Protocol):
    def send(self, message: OutgoingMessage) -> str | None:
        """Hand one SMS (to an E.164 number; no subject) to the SMS gateway."""
        ...


Sender = EmailSender | SmsGateway
Senders = Mapping[Channel, Sender]
"""The gateway of each channel; a channel without one keeps its messages queued."""
