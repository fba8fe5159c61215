"""How fast the outbox drains: messages per second through the development gateway (the
database's share of the work) and through the SMS simulator over HTTP, with one and two
workers, on SQLite and (with KHIDMA_TEST_DATABASE_URL) PostgreSQL. Run by hand:

    .venv/bin/python bench/bench_delivery.py [--messages 2000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy import make_url

from khidma.delivery.dev import DevSender
from khidma.delivery.dispatcher import deliver_due
from khidma.delivery.senders import Sender
from khidma.delivery.sms_http import HttpSmsGateway
from khidma.delivery.sms_http import SmsSettings
from khidma.delivery.sms_simulator import SimulatorServer
from khidma.delivery.sms_simulator import SmsSimulator
from khidma.storage import Channel
from khidma.storage import Database
from khidma.storage.db import normalise_url
from khidma.storage.outbox import enqueue


def fill(database: Database, count: int) -> None:
    with database.session(write=True) as session:
        for i in range(count):
            enqueue(session, "sms", "+966501234567", f"رمز التحقق {i:06d}")


def drain(databases: list[Database], make_sender: Callable[[], Sender]) -> float:
    barrier = threading.Barrier(len(databases))

    def work(database: Database) -> None:
        sender = make_sender()
        barrier.wait()
        while deliver_due(database, {Channel.SMS: sender}, batch=50).claimed:
            pass

    threads = [threading.Thread(target=work, args=(d,)) for d in databases]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def backends(folder: Path) -> list[tuple[str, Callable[[], Database], Callable[[], None]]]:
    found: list[tuple[str, Callable[[], Database], Callable[[], None]]] = []
    counter = iter(range(1_000_000))
    found.append(("sqlite", lambda: Database.sqlite(folder / f"b{next(counter)}"), lambda: None))
    base = os.environ.get("KHIDMA_TEST_DATABASE_URL")
    if base:
        admin = create_engine(normalise_url(base), isolation_level="AUTOCOMMIT")
        schemas: list[str] = []

        def make() -> Database:
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            schemas.append(schema)
            with admin.connect() as connection:
                connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            url = make_url(normalise_url(base)).update_query_dict(
                {"options": f"-csearch_path={schema}"}
            )
            return Database(url)

        def drop() -> None:
            with admin.connect() as connection:
                for schema in schemas:
                    connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()

        found.append(("postgresql", make, drop))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        SimulatorServer(SmsSimulator("bench-key", ["Khidma"])) as simulator,
    ):
        gateways: dict[str, Callable[[], Sender]] = {
            "dev gateway": lambda: DevSender(Channel.SMS),
            "SMS simulator": lambda: HttpSmsGateway(
                SmsSettings(simulator.url, "bench-key", "Khidma")
            ),
        }
        for backend, make, cleanup in backends(Path(tmp)):
            for name, sender in gateways.items():
                for workers in (1, 2):
                    first = make()
                    first.upgrade()
                    fill(first, args.messages)
                    others = [Database(first.url) for _ in range(workers - 1)]
                    seconds = drain([first, *others], sender)
                    print(
                        f"{backend:10} {name:13} {workers} worker(s): {args.messages} in "
                        f"{seconds:6.2f} s = {args.messages / seconds:7.0f} messages/s"
                    )
                    for database in [first, *others]:
                        database.dispose()
            cleanup()


if __name__ == "__main__":
    import logging

    logging.disable(logging.INFO)
    main()
