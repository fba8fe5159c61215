"""How fast a member of staff's queue answers with many requests: the first page, a page
deep into the keyset, a search by name, the overdue filter and the counts per status, on
SQLite and (with KHIDMA_TEST_DATABASE_URL) PostgreSQL. Run by hand:

    .venv/bin/python bench/bench_queue.py [--requests 50000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy import insert
from sqlalchemy import make_url
from sqlalchemy import text

from khidma.storage import Database
from khidma.storage import Submission
from khidma.storage import requests as store
from khidma.storage.db import normalise_url
from khidma.storage.snapshots import save_definition

SERVICES = ("svc_a", "svc_b", "svc_c")
STATUSES = ("submitted", "in_progress", "needs_info", "approved", "rejected")
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class _Version:
    def __init__(self, service_id: str) -> None:
        self.id, self.version, self.hash = service_id, "1", "b" * 64


def fill(database: Database, count: int) -> None:
    with database.session(write=True) as session:
        for service in SERVICES:
            save_definition(session, _Version(service), "id: x")
    rows = [
        {
            "service_id": SERVICES[i % 3],
            "definition_version": "1",
            "definition_hash": "b" * 64,
            "reference_seq": i + 1,
            "hijri_year": 1448,
            "reference": f"{i + 1}/1448",
            "status": STATUSES[i % 5],
            "token": uuid.uuid4().hex,
            "answers": {},
            "declarations": {},
            "applicant_name": f"مقدم الطلب رقم {i}",
            "submitted_at": START + dt.timedelta(minutes=i),
            "due_on": (START + dt.timedelta(days=i % 60)).date(),
            "version": 1,
        }
        for i in range(count)
    ]
    with database.session(write=True) as session:
        for at in range(0, count, 5000):
            session.execute(insert(Submission), rows[at : at + 5000])


def timed(what: str, run: Callable[[], object], repeat: int = 20) -> None:
    run()
    started = time.perf_counter()
    for _ in range(repeat):
        run()
    print(f"  {what:<38} {(time.perf_counter() - started) / repeat * 1000:8.2f} ms")


def bench(database: Database, count: int) -> None:
    fill(database, count)
    with database.session(write=True) as session:
        # the planner's statistics (SQLite otherwise sorts the agency's requests rather
        # than walk the submitted_at index); PostgreSQL's autovacuum keeps its own
        session.execute(text("ANALYZE"))
    everything = store.QueueFilter(SERVICES)
    open_statuses = {s: STATUSES[:4] for s in SERVICES}
    with database.session() as session:
        first = store.queue(session, everything)
        cursor = first.next_cursor
        for _ in range(100):  # 100 pages in
            cursor = store.queue(session, everything, after=cursor).next_cursor
        timed("first page (25, oldest first)", lambda: store.queue(session, everything))
        timed("page 101 by keyset", lambda: store.queue(session, everything, after=cursor))
        timed(
            "due soonest",
            lambda: store.queue(session, store.QueueFilter(SERVICES, sort="due")),
        )
        timed(
            "overdue only",
            lambda: store.queue(
                session,
                store.QueueFilter(
                    SERVICES, overdue_on=dt.date(2026, 1, 20), open_statuses=open_statuses
                ),
            ),
        )
        timed(
            "search by reference",
            lambda: store.queue(session, store.QueueFilter(SERVICES, search="4321/1448")),
        )
        timed(
            "search by name (contains)",
            lambda: store.queue(session, store.QueueFilter(SERVICES, search="رقم 4321")),
            repeat=5,
        )
        timed("counts per status", lambda: store.status_counts(session, everything))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50_000)
    count = parser.parse_args().requests
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        database.upgrade()
        print(f"SQLite, {count:,} requests")
        bench(database, count)
        database.dispose()
    base = os.environ.get("KHIDMA_TEST_DATABASE_URL")
    if not base:
        return
    schema = f"bench_queue_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalise_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        url = make_url(normalise_url(base)).update_query_dict(
            {"options": f"-csearch_path={schema}"}
        )
        database = Database(url)
        database.upgrade()
        print(f"PostgreSQL, {count:,} requests")
        bench(database, count)
        database.dispose()
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


if __name__ == "__main__":
    main()
