"""Delivery fixtures: the storage fixtures (a real SQLite file, and PostgreSQL when
KHIDMA_TEST_DATABASE_URL is set), the SMS gateway simulator on a local port, and a real
SMTP server (aiosmtpd) on a local port; both can be stopped and started again."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from email import message_from_bytes
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from khidma.delivery.sms_simulator import SimulatorServer
from khidma.delivery.sms_simulator import SmsSimulator
from khidma.storage import Database
from khidma.storage.outbox import enqueue

API_KEY = "test-sms-key-1234"
SENDER = "Khidma"
MOBILE = "+966501234567"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Wait for something another thread or process does (readiness, not speed: the
    limit is generous and only stops a hung test)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout:g} s: {condition}")
        time.sleep(0.02)


def queue_sms(db: Database, count: int, at: datetime | None = None) -> None:
    with db.session(write=True) as session:
        for i in range(count):
            message = enqueue(session, "sms", MOBILE, f"رمز التحقق {i:04d}", event="test")
            if at is not None:
                message.created_at = message.next_attempt_at = at


def queue_email(db: Database, count: int, at: datetime | None = None, html: bool = False) -> None:
    with db.session(write=True) as session:
        for i in range(count):
            message = enqueue(
                session,
                "email",
                f"citizen{i}@example.sa",
                f"تم استلام طلبك رقم {i}/1448\nYour request {i}/1448 was received",
                subject=f"طلبك رقم {i}/1448 | Your request {i}/1448",
                html=f"<p dir='rtl'>تم استلام طلبك رقم <b>{i}/1448</b></p>" if html else None,
            )
            if at is not None:
                message.created_at = message.next_attempt_at = at


@pytest.fixture
def sms_gateway() -> Iterator[SimulatorServer]:
    with SimulatorServer(SmsSimulator(API_KEY, [SENDER])) as server:
        yield server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    """What the SMTP server received; `refuse` maps a recipient to an SMTP reply."""

    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK queued"

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [m for _, _, m in self.received]


class SmtpServer:
    """aiosmtpd on a fixed local port, so it can be stopped and started again."""

    def __init__(self, mailbox: Mailbox, **options: Any) -> None:
        self.mailbox, self.options = mailbox, options
        self.port = free_port()
        self._controller: Controller | None = None

    def start(self) -> SmtpServer:
        if self._controller is None:
            self._controller = Controller(
                self.mailbox, hostname="127.0.0.1", port=self.port, **self.options
            )
            self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(Mailbox()).start()
    yield server
    server.stop()
