"""SMS through the HTTP gateway adapter, against the SMS gateway simulator on a local
port: what the simulator checks, what each answer means for the message, and a gateway
that is down (503, refused connections, answers lost) for a while."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import select

from khidma.delivery.dispatcher import RetryPolicy
from khidma.delivery.dispatcher import deliver_due
from khidma.delivery.senders import PermanentDeliveryError
from khidma.delivery.senders import TemporaryDeliveryError
from khidma.delivery.sms_http import HttpSmsGateway
from khidma.delivery.sms_http import SmsSettings
from khidma.delivery.sms_simulator import SimulatorServer
from khidma.delivery.sms_simulator import parts_of
from khidma.storage import Channel
from khidma.storage import Database
from khidma.storage import OutboxMessage
from khidma.storage.outbox import OutgoingMessage
from tests.delivery.conftest import API_KEY
from tests.delivery.conftest import MOBILE
from tests.delivery.conftest import NOW
from tests.delivery.conftest import SENDER
from tests.delivery.conftest import Clock
from tests.delivery.conftest import free_port
from tests.delivery.conftest import queue_sms


def outgoing(**changes: object) -> OutgoingMessage:
    values: dict[str, object] = {
        "id": 3,
        "channel": Channel.SMS,
        "recipient": MOBILE,
        "subject": None,
        "body": "رمز التحقق: 482913",
        "html": None,
        "attempt": 1,
        "created_at": NOW,
    }
    values.update(changes)
    return OutgoingMessage(**values)  # type: ignore[arg-type]


@pytest.fixture
def gateway(sms_gateway: SimulatorServer) -> Iterator[HttpSmsGateway]:
    adapter = HttpSmsGateway(SmsSettings(sms_gateway.url, API_KEY, SENDER, timeout=10))
    yield adapter
    adapter.close()


def post(server: SimulatorServer, body: object, key: str = API_KEY, **headers: str):  # type: ignore[no-untyped-def]
    return requests.post(
        server.url,
        json=body,
        headers={"Authorization": f"Bearer {key}", **headers},
        timeout=10,
    )


# -- the simulator checks what a real gateway checks --------------------------------------


@pytest.mark.parametrize(
    ("body", "key", "status", "code"),
    [
        ({"to": MOBILE, "sender": SENDER, "body": "x"}, "wrong", 401, "unauthorized"),
        ({"to": "0501234567", "sender": SENDER, "body": "x"}, API_KEY, 400, "invalid_number"),
        ({"to": "+966001234567", "sender": SENDER, "body": "x"}, API_KEY, 400, "invalid_number"),
        ({"to": MOBILE, "sender": "Other", "body": "x"}, API_KEY, 400, "invalid_sender"),
        ({"to": MOBILE, "sender": SENDER, "body": "  "}, API_KEY, 400, "empty_body"),
        ({"to": MOBILE, "sender": SENDER, "body": "ب" * 700}, API_KEY, 400, "body_too_long"),
        (["not", "an", "object"], API_KEY, 400, "invalid_json"),
    ],
)
def test_the_simulator_refuses_what_a_gateway_refuses(
    sms_gateway: SimulatorServer, body: object, key: str, status: int, code: str
) -> None:
    response = post(sms_gateway, body, key)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert sms_gateway.simulator.messages() == []


def test_the_simulator_stores_lists_and_deduplicates(sms_gateway: SimulatorServer) -> None:
    message = {"to": MOBILE, "sender": SENDER, "body": "رمز التحقق: 1234", "reference": "r1"}
    first = post(sms_gateway, message, **{"Idempotency-Key": "k-1"})
    again = post(sms_gateway, message, **{"Idempotency-Key": "k-1"})
    other = post(sms_gateway, {**message, "body": "other"}, **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert first.json()["id"] == again.json()["id"]
    listed = requests.get(sms_gateway.url.replace("/v1/messages", "/messages"), timeout=10)
    [stored] = listed.json()["messages"]
    assert (stored["to"], stored["body"], stored["parts"]) == (MOBILE, "رمز التحقق: 1234", 1)
    status = requests.get(
        f"{sms_gateway.url}/{stored['id']}",
        headers={"Authorization": f"Bearer {API_KEY}"},
        timeout=10,
    )
    assert status.json()["status"] == "delivered"
    assert requests.get(sms_gateway.url, timeout=10).status_code == 405


def test_parts_follow_the_alphabet() -> None:
    assert [parts_of("a" * 160), parts_of("a" * 161), parts_of("ب" * 70), parts_of("ب" * 71)] == [
        1,
        2,
        1,
        2,
    ]


# -- what the adapter makes of each answer -----------------------------------------------


def test_an_accepted_sms_returns_the_gateways_id(
    gateway: HttpSmsGateway, sms_gateway: SimulatorServer
) -> None:
    reference = gateway.send(outgoing())
    [stored] = sms_gateway.simulator.messages()
    assert reference == stored.id
    assert (stored.to, stored.sender, stored.body) == (MOBILE, SENDER, "رمز التحقق: 482913")
    assert stored.reference == "outbox-3" and stored.idempotency_key == outgoing().key


def test_4xx_is_permanent(gateway: HttpSmsGateway, sms_gateway: SimulatorServer) -> None:
    with pytest.raises(PermanentDeliveryError, match="400: invalid_number"):
        gateway.send(outgoing(recipient="+96650"))
    wrong_key = HttpSmsGateway(SmsSettings(sms_gateway.url, "wrong", SENDER))
    with pytest.raises(PermanentDeliveryError, match="401: unauthorized"):
        wrong_key.send(outgoing())
    wrong_key.close()


def test_5xx_and_refused_connections_are_temporary(
    gateway: HttpSmsGateway, sms_gateway: SimulatorServer
) -> None:
    sms_gateway.simulator.down(503)
    with pytest.raises(TemporaryDeliveryError, match="503: unavailable") as raised:
        gateway.send(outgoing())
    assert raised.value.retry_after == dt.timedelta(seconds=1)
    sms_gateway.simulator.up()
    sms_gateway.stop()
    with pytest.raises(TemporaryDeliveryError, match="unreachable: ConnectionError"):
        gateway.send(outgoing())
    sms_gateway.start()
    assert gateway.send(outgoing()) is not None


def test_an_answer_that_never_comes_is_temporary_and_the_retry_is_not_sent_twice(
    sms_gateway: SimulatorServer,
) -> None:
    impatient = HttpSmsGateway(SmsSettings(sms_gateway.url, API_KEY, SENDER, timeout=0.5))
    sms_gateway.simulator.hold()  # the gateway takes the SMS but answers only later
    with pytest.raises(TemporaryDeliveryError, match="no answer"):
        impatient.send(outgoing())
    sms_gateway.simulator.release()
    impatient.send(outgoing(attempt=2))  # same key: the gateway knows it already
    assert len(sms_gateway.simulator.messages()) == 1
    impatient.close()


# -- a gateway down for a while loses nothing and sends nothing twice ---------------------


def test_gateway_down_then_up_delivers_every_sms_exactly_once(
    database: Database, sms_gateway: SimulatorServer
) -> None:
    queue_sms(database, 12, at=NOW)
    adapter = HttpSmsGateway(SmsSettings(sms_gateway.url, API_KEY, SENDER, timeout=5))
    senders = {Channel.SMS: adapter}
    policy = RetryPolicy(jitter=0, max_attempts=8)
    clock = Clock()

    def drain() -> tuple[int, int]:
        """Passes until nothing is due at `clock`: (sent, failed)."""
        sent = failed = 0
        while (
            result := deliver_due(database, senders, policy=policy, clock=clock, batch=5)
        ).claimed:
            sent, failed = sent + result.sent, failed + result.failed
        return sent, failed

    sms_gateway.simulator.down(503)
    assert drain() == (0, 12)
    clock.advance(dt.timedelta(minutes=10))
    sms_gateway.stop()  # now it refuses connections altogether
    assert drain() == (0, 12)
    clock.advance(dt.timedelta(minutes=10))
    sms_gateway.simulator.up()
    sms_gateway.start()
    assert drain() == (12, 0)
    bodies = [m.body for m in sms_gateway.simulator.messages()]
    assert sorted(bodies) == [f"رمز التحقق {i:04d}" for i in range(12)]
    with database.session() as session:
        rows = list(session.scalars(select(OutboxMessage)))
    assert all(r.sent_at == clock.now and r.gateway_ref and r.given_up_at is None for r in rows)
    adapter.close()


def test_the_simulator_runs_as_its_own_process() -> None:
    port = free_port()
    with subprocess.Popen(
        [sys.executable, "-m", "khidma.delivery.sms_simulator", "--port", str(port),
         "--api-key", API_KEY, "--sender", SENDER],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        text=True,
    ) as process:  # fmt: skip
        try:
            assert process.stdout is not None
            assert f":{port}/v1/messages" in process.stdout.readline()
            base = f"http://127.0.0.1:{port}"
            adapter = HttpSmsGateway(SmsSettings(f"{base}/v1/messages", API_KEY, SENDER))
            assert adapter.send(outgoing()) == "sim-1"
            requests.post(f"{base}/_control/down", json={}, timeout=10)
            with pytest.raises(TemporaryDeliveryError, match="503"):
                adapter.send(outgoing(id=4))
            requests.post(f"{base}/_control/up", json={}, timeout=10)
            adapter.send(outgoing(id=4))
            adapter.close()
            listed = requests.get(f"{base}/messages", timeout=10).json()
            assert [m["reference"] for m in listed["messages"]] == ["outbox-3", "outbox-4"]
        finally:
            process.terminate()
