"""Reference numbers: gap-free, duplicate-free, restarting each Hijri year."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC
from datetime import datetime

import pytest
from sqlalchemy import select

from khidma.storage import Database
from khidma.storage import ReferenceCounter
from khidma.storage import Submission
from khidma.storage.references import Reference
from khidma.storage.references import WriteLockRequired
from khidma.storage.references import allocate
from khidma.storage.references import format_reference
from khidma.storage.references import hijri_year
from khidma.storage.references import next_reference
from khidma.storage.references import parse_reference

NewSubmission = Callable[..., Submission]
YEAR = 1447
THREADS = 50


class Abandoned(Exception):
    """Raised on purpose to roll back a transaction after it allocated a number."""


def submit(
    database: Database,
    new_submission: NewSubmission,
    year: int = YEAR,
    *,
    abandon: bool = False,
    service_id: str | None = None,
) -> int:
    """What the web layer does: allocate and insert in one transaction."""
    with database.session(write=True) as session:
        submission = new_submission(0, year, **({"service_id": service_id} if service_id else {}))
        seq = allocate(session, submission.service_id, year)
        submission.reference_seq, submission.reference = seq, format_reference(seq, year)
        session.add(submission)
        session.flush()
        if abandon:
            raise Abandoned
    return seq


def stored(database: Database, year: int = YEAR) -> list[int]:
    with database.session() as session:
        query = select(Submission.reference_seq).where(Submission.hijri_year == year)
        return sorted(session.scalars(query))


def run_at_once(
    databases: list[Database], new_submission: NewSubmission, jobs: list[bool]
) -> tuple[list[int], float]:
    """One thread per job, released together, spread over `databases` (separate engines,
    as in separate worker processes); a job is True when it rolls back."""
    barrier = threading.Barrier(len(jobs))

    def job(index: int) -> int | None:
        barrier.wait()
        try:
            database = databases[index % len(databases)]
            return submit(database, new_submission, abandon=jobs[index])
        except Abandoned:
            return None

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(job, range(len(jobs))))
    elapsed = time.perf_counter() - started
    return sorted(r for r in results if r is not None), elapsed


def test_50_concurrent_submissions_are_numbered_1_to_50(
    make_database: Callable[..., Database], new_submission: NewSubmission, service_id: str
) -> None:
    database = make_database(pool_size=THREADS, max_overflow=0)
    numbers, elapsed = run_at_once([database], new_submission, [False] * THREADS)
    print(f"\n[{database.backend}] {THREADS} concurrent allocations: {elapsed * 1000:.0f} ms")
    assert numbers == list(range(1, THREADS + 1))
    assert stored(database) == list(range(1, THREADS + 1))
    with database.session() as session:
        counter = session.get_one(ReferenceCounter, (service_id, YEAR))
        assert counter.last_value == THREADS


def test_concurrent_rollbacks_leave_no_gap(
    make_database: Callable[..., Database], new_submission: NewSubmission
) -> None:
    database = make_database(pool_size=THREADS + 10, max_overflow=0)
    jobs = [i % 6 == 5 for i in range(THREADS + 10)]  # every sixth transaction rolls back
    numbers, elapsed = run_at_once([database], new_submission, jobs)
    print(f"\n[{database.backend}] {len(jobs)} concurrent, 10 rolled back: {elapsed * 1000:.0f} ms")
    assert numbers == stored(database) == list(range(1, THREADS + 1))


def test_concurrent_submissions_from_two_processes(
    make_database: Callable[..., Database], new_submission: NewSubmission
) -> None:
    # Two engines share no Python lock: only the database keeps them apart.
    first = make_database(pool_size=THREADS // 2, max_overflow=0)
    second = make_database(migrated=False, pool_size=THREADS // 2, max_overflow=0)
    numbers, elapsed = run_at_once([first, second], new_submission, [False] * THREADS)
    print(f"\n[{first.backend}] {THREADS} concurrent, two engines: {elapsed * 1000:.0f} ms")
    assert numbers == stored(first) == list(range(1, THREADS + 1))


def test_a_rolled_back_submission_gives_its_number_back(
    database: Database, new_submission: NewSubmission
) -> None:
    assert submit(database, new_submission) == 1
    with pytest.raises(Abandoned):
        submit(database, new_submission, abandon=True)
    assert submit(database, new_submission) == 2
    assert stored(database) == [1, 2]


def test_numbering_restarts_at_1_each_hijri_year(
    database: Database, new_submission: NewSubmission
) -> None:
    assert [submit(database, new_submission, 1446) for _ in range(3)] == [1, 2, 3]
    assert submit(database, new_submission, 1447) == 1
    assert submit(database, new_submission, 1446) == 4
    assert stored(database, 1447) == [1]


def test_each_service_has_its_own_sequence(database: Database) -> None:
    with database.session(write=True) as session:
        assert [allocate(session, "a", YEAR) for _ in range(2)] == [1, 2]
        assert allocate(session, "b", YEAR) == 1


def test_next_reference_uses_the_hijri_year_in_riyadh(database: Database) -> None:
    # 1 Muharram 1447 is 26 June 2025; 21:30 UTC on the 25th is already the 26th in Riyadh.
    with database.session(write=True) as session:
        before = next_reference(session, "a", datetime(2025, 6, 25, 20, 59, tzinfo=UTC))
        after = next_reference(session, "a", datetime(2025, 6, 25, 21, 30, tzinfo=UTC))
    assert before == Reference(1, 1446) and str(before) == "1/1446"
    assert after == Reference(1, 1447)


def test_sqlite_allocation_needs_the_write_lock(database: Database) -> None:
    if database.backend != "sqlite":
        pytest.skip("PostgreSQL locks the counter row; any transaction will do")
    refused = pytest.raises(WriteLockRequired, match=r"session\(write=True\)")
    with refused, database.session() as session:
        allocate(session, "a", YEAR)


def test_hijri_year() -> None:
    assert hijri_year(datetime(2025, 6, 25, 12, tzinfo=UTC)) == 1446
    assert hijri_year(datetime(2026, 11, 23, tzinfo=UTC)) == 1448
    assert isinstance(hijri_year(), int)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("67/1448", (67, 1448)),
        (" 67 / 1448 ", (67, 1448)),
        ("٦٧/١٤٤٨", (67, 1448)),
        ("۶۷/۱۴۴۸", (67, 1448)),
        ("67-1448", None),
        ("67/48", None),
        ("", None),
    ],
)
def test_parse_reference(text: str, expected: tuple[int, int] | None) -> None:
    assert parse_reference(text) == expected


def test_format_reference() -> None:
    assert format_reference(67, 1448) == "67/1448"
