"""Booking under load, on SQLite and (with KHIDMA_TEST_DATABASE_URL) PostgreSQL:

1. 500 concurrent attempts (50 threads) on one slot of capacity N give exactly N bookings;
2. throughput: `--bookings` bookings by 16 threads, each in its own transaction, spread
   over the slots of a day (every booking a guarded UPDATE of the slot's places and of
   the person's count, and an INSERT).

Run by hand:

    .venv/bin/python bench/bench_booking.py [--capacity 7] [--bookings 3000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func
from sqlalchemy import select

from bench_delivery import backends
from khidma.booking.rules import Refusal
from khidma.booking.slots import Slot
from khidma.storage import Database
from khidma.storage.booking_models import Booking
from khidma.storage.bookings import Booker
from khidma.storage.bookings import Place
from khidma.storage.bookings import book

NOW = dt.datetime(2026, 12, 2, 6, 0, tzinfo=dt.UTC)


def place(index: int, capacity: int) -> Place:
    start = dt.datetime(2026, 12, 6, 8, 0) + dt.timedelta(minutes=15 * (index % 32))
    return Place("bench", f"centre{index // 32}", "general", Slot(start, 15, capacity))


def run(threads: int, attempts: int, attempt: Callable[[int], bool]) -> tuple[int, float]:
    counter = iter(range(attempts))
    lock = threading.Lock()
    won = [0] * threads
    barrier = threading.Barrier(threads)

    def work(worker: int) -> None:
        barrier.wait()
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            won[worker] += attempt(i)

    pool = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sum(won), time.perf_counter() - started


def attempt_on(database: Database, where: Callable[[int], Place]) -> Callable[[int], bool]:
    def attempt(i: int) -> bool:
        try:
            with database.session(write=True) as session:
                book(session, where(i), Booker(f"person{i}", 4), NOW)
        except Refusal:
            return False
        return True

    return attempt


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--capacity", type=int, default=7)
    parser.add_argument("--bookings", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for backend, make, cleanup in backends(Path(tmp)):
            first = make()
            first.upgrade()
            database = Database(first.url, pool_size=50, max_overflow=0)
            won, seconds = run(50, 500, attempt_on(database, lambda i: place(0, args.capacity)))
            with database.session() as session:
                stored = session.scalar(select(func.count(Booking.id)))
            verdict = "OK" if won == stored == args.capacity else "WRONG"
            print(
                f"{backend:10} 500 attempts on one slot of capacity {args.capacity}: {won} "
                f"booked, {stored} stored ({verdict}) in {seconds:5.2f} s"
            )
            count = args.bookings
            won, seconds = run(16, count, attempt_on(database, lambda i: place(i // 10 + 32, 10)))
            print(
                f"{backend:10} throughput: {won}/{count} bookings in {seconds:5.2f} s = "
                f"{won / seconds:6.0f} bookings/s (16 threads)"
            )
            database.dispose()
            first.dispose()
            cleanup()


if __name__ == "__main__":
    main()
