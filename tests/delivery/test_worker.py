"""The worker: delivers continuously, several share the work, stops gracefully (also a
real `khidma worker` process on SIGTERM), and runs in-process for `khidma run`."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from khidma.app import create_app
from khidma.delivery.cli import delivery_for_run
from khidma.delivery.dev import DevSender
from khidma.delivery.settings import DeliverySettings
from khidma.delivery.sms_http import HttpSmsGateway
from khidma.delivery.sms_http import SmsSettings
from khidma.delivery.sms_simulator import SimulatorServer
from khidma.delivery.worker import Job
from khidma.delivery.worker import Worker
from khidma.delivery.worker import in_process_delivery
from khidma.storage import Channel
from khidma.storage import Database
from khidma.storage import OutboxMessage
from khidma.storage.outbox import OutgoingMessage
from khidma.storage.outbox import enqueue
from khidma.storage.types import utcnow
from tests.delivery.conftest import API_KEY
from tests.delivery.conftest import SENDER
from tests.delivery.conftest import queue_sms
from tests.delivery.conftest import wait_until

ROOT = Path(__file__).resolve().parents[2]
FAST = DeliverySettings(poll_seconds=0.05, batch=5, cleanup_interval=timedelta(0))


def rows(database: Database) -> list[OutboxMessage]:
    with database.session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def all_sent(database: Database) -> Callable[[], bool]:
    return lambda: all(r.sent_at is not None for r in rows(database))


@pytest.fixture
def running() -> Iterator[Callable[[Worker], threading.Thread]]:
    started: list[tuple[Worker, threading.Thread]] = []

    def start(worker: Worker) -> threading.Thread:
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        started.append((worker, thread))
        return thread

    yield start
    for worker, thread in started:
        worker.stop()
        thread.join(timeout=60)


def test_a_worker_delivers_what_is_queued_while_it_runs(
    database: Database, running: Callable[[Worker], threading.Thread]
) -> None:
    sms = DevSender(Channel.SMS)
    running(Worker(database, {Channel.SMS: sms}, FAST))
    queue_sms(database, 12)  # more than a batch: the worker goes straight on
    wait_until(all_sent(database))
    with database.session(write=True) as session:  # a reminder, due a moment from now
        enqueue(session, "sms", "+966501234567", "تذكير بالموعد", due_at=utcnow())
    wait_until(all_sent(database))
    assert len(sms.delivered) == 13 and {r.attempts for r in rows(database)} == {1}


def test_two_workers_share_the_work_each_message_once(
    make_database: Callable[..., Database],
    sms_gateway: SimulatorServer,
    running: Callable[[Worker], threading.Thread],
) -> None:
    first, second = make_database(), make_database(migrated=False)
    for database in (first, second):
        gateway = HttpSmsGateway(SmsSettings(sms_gateway.url, API_KEY, SENDER))
        running(Worker(database, {Channel.SMS: gateway}, FAST))
    queue_sms(first, 40)
    wait_until(all_sent(first))
    assert len(sms_gateway.simulator.messages()) == 40
    assert len({m.body for m in sms_gateway.simulator.messages()}) == 40


def test_stop_finishes_the_message_in_hand(
    database: Database, running: Callable[[Worker], threading.Thread]
) -> None:
    entered, release = threading.Event(), threading.Event()

    class Slow(DevSender):
        def send(self, message: OutgoingMessage) -> str | None:
            entered.set()
            release.wait(timeout=60)
            return super().send(message)

    queue_sms(database, 3)
    worker = Worker(database, {Channel.SMS: Slow(Channel.SMS)}, FAST)
    thread = running(worker)
    assert entered.wait(timeout=60)
    worker.stop()
    release.set()
    thread.join(timeout=60)
    assert not thread.is_alive()
    first, *rest = rows(database)
    assert first.sent_at is not None
    assert {(r.sent_at, r.attempts) for r in rest} == {(None, 0)}  # handed back, due


def test_a_failing_pass_does_not_kill_the_worker(
    tmp_path: Path, running: Callable[[Worker], threading.Thread]
) -> None:
    database = Database.sqlite(tmp_path)  # no tables yet: every pass fails
    worker = Worker(database, {Channel.SMS: DevSender(Channel.SMS)}, FAST)
    thread = running(worker)
    database.upgrade()
    queue_sms(database, 1)
    wait_until(all_sent(database))
    assert thread.is_alive()
    database.dispose()


def test_once_drains_and_returns(database: Database) -> None:
    queue_sms(database, 7)
    worker = Worker(database, {Channel.SMS: DevSender(Channel.SMS)}, replace(FAST, batch=3))
    worker.run(once=True)
    assert all_sent(database)()


# -- the real process ---------------------------------------------------------------------


def worker_env(tmp_path: Path, sms_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHIDMA_")}
    env.update(
        KHIDMA_SECRET_KEY="worker-tests-5Tb8Nq1Xc7Vm3Lk9Rz2Hj6",
        KHIDMA_SERVICES_DIR=str(ROOT / "services.d"),
        KHIDMA_SMS_URL=sms_url,
        KHIDMA_SMS_API_KEY=API_KEY,
        KHIDMA_SMS_SENDER=SENDER,
        KHIDMA_DELIVERY_POLL_SECONDS="1",
        PYTHONUNBUFFERED="1",
        PYTHONIOENCODING="utf-8",
        **extra,
    )
    return env


def khidma(*args: str) -> list[str]:
    return [sys.executable, "-c", "from khidma.cli import main; main()", *args]


def test_khidma_worker_stops_on_sigterm_after_the_message_in_hand(
    tmp_path: Path, sms_gateway: SimulatorServer
) -> None:
    instance = tmp_path / "instance"
    database = Database.sqlite(instance)
    database.upgrade()
    queue_sms(database, 3)
    simulator = sms_gateway.simulator
    simulator.hold()  # the first SMS is taken by the gateway, its answer held back
    lines: list[str] = []
    with subprocess.Popen(
        khidma("worker", "--instance", str(instance)),
        env=worker_env(tmp_path, sms_gateway.url),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        encoding="utf-8",
    ) as process:
        assert process.stderr is not None
        reader = threading.Thread(target=lambda: lines.extend(process.stderr or ()), daemon=True)
        reader.start()
        try:
            assert simulator.wait_for_requests(1, timeout=120), "the worker never sent"
            process.send_signal(signal.SIGTERM)
            wait_until(lambda: any("SIGTERM" in line for line in lines))
        finally:
            simulator.release()
        process.wait(timeout=120)
        reader.join(timeout=60)
    log = "".join(lines)
    assert process.returncode == 0, log
    assert "SIGTERM: stopping after the message in hand" in log
    assert "sms #1 to +96650•••4567 sent (attempt 1" in log
    assert "handed back 2 claimed message(s)" in log
    first, *rest = rows(database)
    assert first.sent_at is not None and first.gateway_ref == "sim-1"
    assert {(r.sent_at, r.attempts) for r in rest} == {(None, 0)}
    assert len(simulator.messages()) == 1
    database.dispose()


def test_khidma_worker_once_and_its_refusals(tmp_path: Path, sms_gateway: SimulatorServer) -> None:
    instance = tmp_path / "instance"
    database = Database.sqlite(instance)
    database.upgrade()
    queue_sms(database, 2)
    env = worker_env(tmp_path, sms_gateway.url)
    done = subprocess.run(
        khidma("worker", "--once", "--instance", str(instance)),
        env=env, cwd=tmp_path, capture_output=True, encoding="utf-8", timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "no email gateway configured: email messages stay queued" in done.stderr
    assert len(sms_gateway.simulator.messages()) == 2

    half = {**env, "KHIDMA_SMS_API_KEY": ""}
    refused = subprocess.run(
        khidma("worker", "--once", "--instance", str(instance)),
        env=half, cwd=tmp_path, capture_output=True, encoding="utf-8", timeout=300,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "KHIDMA_SMS_URL is set but KHIDMA_SMS_API_KEY" in refused.stderr
    none = {**env, "KHIDMA_SMS_URL": ""}
    refused = subprocess.run(
        khidma("worker", "--once", "--instance", str(instance)),
        env=none, cwd=tmp_path, capture_output=True, encoding="utf-8", timeout=300,
    )  # fmt: skip
    assert refused.returncode == 1 and "no gateway configured" in refused.stderr
    database.dispose()


# -- in-process, for `khidma run` -------------------------------------------------------


def dev_app(tmp_path: Path, **config: object) -> Flask:
    app = create_app(
        {"DEV": True, "SERVICES_DIR": str(ROOT / "services.d"), **config},
        instance_path=tmp_path / "instance",
    )
    app.config["TESTING"] = True
    app.extensions["khidma.db"].upgrade()
    return app


def test_in_process_delivery_is_woken_by_a_commit_and_shows_on_the_dev_page(
    tmp_path: Path,
) -> None:
    # A long poll: only the wake-up on commit can deliver this quickly enough.
    app = dev_app(tmp_path, DELIVERY_POLL_SECONDS=3600)
    database: Database = app.extensions["khidma.db"]
    with in_process_delivery(app) as worker:
        assert set(worker.senders) == {Channel.SMS, Channel.EMAIL}
        wait_until(lambda: worker.passes >= 1)
        queue_sms(database, 1)
        wait_until(all_sent(database), timeout=30)
        page = app.test_client().get("/dev/outbox?lang=en").get_data(as_text=True)
    assert 'data-state="sent"' in page and "Waiting to be sent" not in page.split("</table>")[1]
    database.dispose()


def test_khidma_run_delivers_in_development_only_unless_told(tmp_path: Path) -> None:
    app = dev_app(tmp_path)
    database: Database = app.extensions["khidma.db"]
    with delivery_for_run(app, enabled=False):
        queue_sms(database, 1)
    assert rows(database)[0].sent_at is None
    with delivery_for_run(app, enabled=None):  # development: on
        wait_until(all_sent(database))
    database.dispose()


def test_periodic_jobs_run_and_a_failing_one_does_not_stop_the_worker(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    ran: list[str] = []

    def broken() -> None:
        ran.append("broken")
        raise RuntimeError("provider unreachable")

    jobs = [
        Job("broken job", timedelta(minutes=5), broken),
        Job("reconciliation", timedelta(minutes=5), lambda: ran.append("reconciliation")),
        Job("switched off", timedelta(0), lambda: ran.append("never")),
    ]
    worker = Worker(database, {}, FAST, cleanup=False, jobs=jobs)
    with caplog.at_level(logging.ERROR, "khidma.delivery"):
        worker.run(once=True)
    assert ran == ["broken", "reconciliation"]
    assert "broken job failed" in caplog.text


def test_the_app_worker_reconciles_payments_when_online_payment_is_on(tmp_path: Path) -> None:
    from khidma.app import create_app
    from khidma.delivery.worker import app_jobs

    config = {"DEV": True, "SECRET_KEY": "w-" + "Kq3Zx8Vb1Nm6Lp4Rt7Ws" * 2}
    assert app_jobs(create_app(config, instance_path=tmp_path / "off")) == ()
    paying = {
        **config,
        "PAYMENT_URL": "http://127.0.0.1:9/",
        "PAYMENT_API_KEY": "k" * 24,
        "PAYMENT_WEBHOOK_SECRET": "s" * 24,
        "SADAD_BILLER_CODE": "901",
        "PAYMENT_RECONCILE_MINUTES": 2,
    }
    (job,) = app_jobs(create_app(paying, instance_path=tmp_path / "on"))
    assert job.name == "payment reconciliation" and job.every == timedelta(minutes=2)
