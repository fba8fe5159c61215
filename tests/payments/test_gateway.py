"""The HTTP adapter against the simulated provider's REST API: idempotency keys, the API
key, errors as `GatewayRefused` / `GatewayUnavailable`, refunds guarded by the amount
available; and the simulator started on its own with `python -m`."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
import requests

from khidma.payments.gateway import GatewayRefused
from khidma.payments.gateway import GatewayUnavailable
from khidma.payments.gateway import Method
from khidma.payments.gateway import PaymentRequest
from khidma.payments.gateway import RefundRefused
from khidma.payments.http import HttpGateway
from khidma.payments.simulator import RunningSimulator
from khidma.payments.states import State
from tests.payments.conftest import API_KEY
from tests.payments.conftest import SECRET


@pytest.fixture
def gateway(sim: RunningSimulator) -> HttpGateway:
    return HttpGateway(sim.url, API_KEY, SECRET, timeout=(2.0, 5.0))


def card(key: str = "k1", amount: int = 30000) -> PaymentRequest:
    return PaymentRequest(
        amount=amount,
        method=Method.CARD,
        reference=f"order-{key}",
        description="تجديد بطاقة التسجيل المهني — 1/1447",
        idempotency_key=key,
        return_url="http://127.0.0.1/back",
    )


def test_the_same_key_gets_the_same_payment(gateway: HttpGateway) -> None:
    first = gateway.create(card())
    again = gateway.create(card())
    assert first.id == again.id and first.state is State.CREATED
    assert first.next_url and first.next_url.endswith(f"/pay/{first.id}")
    assert gateway.create(card("k2")).id != first.id
    with pytest.raises(GatewayRefused) as caught:
        gateway.create(card("k1", amount=100))  # the same key for something else
    assert caught.value.code == "idempotency_key_reused"


def test_a_wrong_api_key_is_refused(sim: RunningSimulator) -> None:
    with pytest.raises(GatewayRefused) as caught:
        HttpGateway(sim.url, "wrong", SECRET).create(card())
    assert (caught.value.status, caught.value.code) == (401, "unauthorised")
    assert "wrong" not in repr(HttpGateway(sim.url, "wrong", SECRET))


def test_status_of_an_unknown_payment(gateway: HttpGateway) -> None:
    with pytest.raises(GatewayRefused) as caught:
        gateway.status("pay_nothing")
    assert caught.value.status == 404


def test_refunds_are_guarded_by_the_amount_available(gateway: HttpGateway) -> None:
    made = gateway.create(card())
    assert made.next_url is not None
    requests.post(
        made.next_url,
        data={"outcome": "success", "notify": "never"},
        timeout=10,
        allow_redirects=False,
    )
    assert gateway.status(made.id).refund_available == 30000
    with pytest.raises(RefundRefused) as stale:
        gateway.refund(made.id, 100, refund_amount_available=29000, idempotency_key="r1")
    assert stale.value.status == 412
    with pytest.raises(RefundRefused) as over:
        gateway.refund(made.id, 30001, refund_amount_available=30000, idempotency_key="r2")
    assert over.value.code == "refund_amount_exceeded"
    done = gateway.refund(made.id, 10000, refund_amount_available=30000, idempotency_key="r3")
    repeat = gateway.refund(made.id, 10000, refund_amount_available=30000, idempotency_key="r3")
    assert done == repeat and done.state == "success"  # a repeated key refunds once
    assert gateway.status(made.id).refund_available == 20000


def test_a_refund_of_an_unpaid_payment_is_refused(gateway: HttpGateway) -> None:
    made = gateway.create(card())
    with pytest.raises(RefundRefused):
        gateway.refund(made.id, 1, refund_amount_available=0, idempotency_key="r")


def test_sadad_needs_a_biller_code_and_a_near_expiry(gateway: HttpGateway) -> None:
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    bill = PaymentRequest(
        amount=30000,
        method=Method.SADAD,
        reference="b1",
        description="x",
        idempotency_key="b1",
        biller_code="901",
        sadad_expires_at=soon,
    )
    made = gateway.create(bill)
    assert made.state is State.SUBMITTED and made.bill is not None
    assert made.bill.biller_code == "901" and len(made.bill.bill_number) == 12
    assert made.next_url is None
    for wrong in ({"biller_code": None}, {"sadad_expires_at": soon + dt.timedelta(days=27)}):
        request = PaymentRequest(**{**bill.__dict__, "idempotency_key": str(wrong), **wrong})
        with pytest.raises(GatewayRefused):
            gateway.create(request)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(timeout=5)
    for connection in held:
        connection.close()
    listener.close()


def test_a_provider_that_hangs_is_cut_off_by_the_timeout(silent_server: str) -> None:
    gateway = HttpGateway(silent_server, API_KEY, SECRET, timeout=(1.0, 0.5))
    with pytest.raises(GatewayUnavailable):
        gateway.status("pay_x")


def test_a_provider_that_is_down(sim: RunningSimulator) -> None:
    with pytest.raises(GatewayUnavailable):
        HttpGateway("http://127.0.0.1:9", API_KEY, SECRET).create(card())


def test_the_simulator_runs_on_its_own() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "KHIDMA_PAYMENT_API_KEY": API_KEY, "KHIDMA_PAYMENT_WEBHOOK_SECRET": SECRET}
    process = subprocess.Popen(
        [sys.executable, "-m", "khidma.payments.simulator", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:  # it says where it listens once it is about to serve
            if "payment simulator on" in line:
                break
        gateway = HttpGateway(f"http://127.0.0.1:{port}", API_KEY, SECRET)
        for _ in range(100):  # the socket opens just after the banner
            try:
                made = gateway.create(card())
                break
            except GatewayUnavailable:
                threading.Event().wait(0.1)
        else:
            raise AssertionError("the simulator did not start")
        assert gateway.status(made.id).state is State.CREATED
        assert requests.get(f"http://127.0.0.1:{port}/sadad", timeout=5).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
