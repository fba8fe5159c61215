"""Holds, bookings, cancelling and moving, settled in the database (SQLite and PostgreSQL):
threads and processes racing for the last places of a slot get exactly `capacity`
bookings; racing for the per-person limit never exceeds it; an expired hold is not
honoured."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func
from sqlalchemy import select

from khidma.booking.rules import Refusal
from khidma.booking.slots import Slot
from khidma.storage import Database
from khidma.storage.booking_models import Booking
from khidma.storage.booking_models import BookingSlot
from khidma.storage.booking_models import BookingState
from khidma.storage.bookings import Booker
from khidma.storage.bookings import Place
from khidma.storage.bookings import book
from khidma.storage.bookings import cancel
from khidma.storage.bookings import close
from khidma.storage.bookings import confirm
from khidma.storage.bookings import hold
from khidma.storage.bookings import mark
from khidma.storage.bookings import move
from khidma.storage.bookings import taken_on

NOW = dt.datetime(2026, 12, 2, 6, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 12, 6)


def place(time: str = "09:00", capacity: int = 2, resource: str = "centre") -> Place:
    start = dt.datetime.fromisoformat(f"{DAY.isoformat()}T{time}")
    return Place("mawid", resource, "general", Slot(start, 15, capacity))


def booked(database: Database, where: Place | None = None) -> int:
    with database.session() as session:
        query = select(func.count(Booking.id)).where(Booking.state == BookingState.ACTIVE)
        if where is not None:
            query = query.where(Booking.slot == where.slot.key)
        return int(session.scalar(query) or 0)


def attempt(database: Database, where: Place, person: str, limit: int | None = None) -> bool:
    try:
        with database.session(write=True) as session:
            book(session, where, Booker(person, limit), NOW)
    except Refusal:
        return False
    return True


def test_a_slot_takes_capacity_bookings_then_refuses(database: Database) -> None:
    where = place(capacity=2)
    assert [attempt(database, where, f"p{i}") for i in range(3)] == [True, True, False]
    with database.session() as session:
        assert taken_on(session, "mawid", "centre", "general", DAY, NOW) == {where.slot.key: 2}
        slot = session.scalar(select(BookingSlot))
        assert slot is not None and (slot.taken, slot.capacity) == (2, 2)


def test_the_per_person_limit_and_cancelling_frees_a_place(database: Database) -> None:
    times = ["08:00", "08:15", "08:30"]
    assert [attempt(database, place(t), "ali", limit=2) for t in times] == [True, True, False]
    with database.session(write=True) as session:
        first = session.scalars(select(Booking).order_by(Booking.id)).first()
        assert first is not None
        cancel(session, first, NOW)
        assert first.state is BookingState.CANCELLED and not first.counted
        with pytest.raises(Refusal, match=r"booking\.not_active"):
            cancel(session, first, NOW)
    assert attempt(database, place("08:30"), "ali", limit=2)
    with database.session() as session:
        assert taken_on(session, "mawid", "centre", "general", DAY, NOW)["2026-12-06T08:00"] == 0


def test_a_booking_past_its_time_stops_counting(database: Database) -> None:
    assert attempt(database, place("08:00"), "ali", limit=1)
    later = dt.datetime(2026, 12, 6, 6, 0, tzinfo=dt.UTC)  # 09:00 in Riyadh: 08:00 is over
    with database.session(write=True) as session:
        book(session, place("10:00"), Booker("ali", 1), later)


def test_a_hold_is_confirmed_once_and_an_expired_hold_is_not_honoured(
    database: Database,
) -> None:
    where = place(capacity=1)
    with database.session(write=True) as session:
        hold(session, where, "draft-1", NOW, minutes=10)
    assert not attempt(database, where, "someone")  # held: the slot is full
    with database.session(write=True) as session:
        confirm(session, where, "draft-1", Booker("ali", None), NOW)
        with pytest.raises(Refusal, match=r"booking\.hold_expired"):
            confirm(session, where, "draft-1", Booker("ali", None), NOW)

    other = place("09:15", capacity=1)
    with database.session(write=True) as session:
        hold(session, other, "draft-2", NOW, minutes=10)
    late = NOW + dt.timedelta(minutes=11)
    with database.session() as session:
        assert taken_on(session, "mawid", "centre", "general", DAY, late)[other.slot.key] == 0
    with database.session(write=True) as session:
        book(session, other, Booker("sara", None), late)  # the place came back
    with database.session(write=True) as session, pytest.raises(Refusal) as refused:
        confirm(session, other, "draft-2", Booker("ali", None), late)
    assert refused.value.code == "booking.hold_expired"
    assert booked(database, other) == 1


def test_a_hold_for_another_slot_is_not_honoured(database: Database) -> None:
    with database.session(write=True) as session:
        hold(session, place("09:00"), "draft-1", NOW, minutes=10)
        hold(session, place("09:30"), "draft-1", NOW, minutes=10)  # chose again: 09:00 freed
        assert taken_on(session, "mawid", "centre", "general", DAY, NOW) == {
            "2026-12-06T09:00": 0,
            "2026-12-06T09:30": 1,
        }
        with pytest.raises(Refusal, match=r"booking\.hold_expired"):
            confirm(session, place("09:00"), "draft-1", Booker("a", None), NOW)


def test_moving_books_the_new_slot_and_keeps_the_old_when_it_is_full(
    database: Database,
) -> None:
    assert attempt(database, place("10:00", capacity=1), "other")
    assert attempt(database, place("09:00"), "ali", limit=1)
    with database.session(write=True) as session:
        mine = session.scalars(select(Booking).where(Booking.person == "ali")).one()
        with pytest.raises(Refusal, match=r"booking\.full"):
            move(session, mine, place("10:00", capacity=1), NOW)
        assert mine.state is BookingState.ACTIVE
        moved = move(session, mine, place("11:00"), NOW)
        assert (mine.state, moved.moved_from_id, moved.counted) == (
            BookingState.MOVED,
            mine.id,
            True,
        )
    with database.session() as session:
        taken = taken_on(session, "mawid", "centre", "general", DAY, NOW)
    assert (taken["2026-12-06T09:00"], taken["2026-12-06T11:00"]) == (0, 1)
    assert not attempt(database, place("12:00"), "ali", limit=1)  # still one counted


def race(target: Callable[[int], bool], attempts: int) -> list[bool]:
    results: list[bool] = [False] * attempts
    barrier = threading.Barrier(attempts)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = target(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_threads_racing_for_the_last_places_get_exactly_capacity(
    make_database: Callable[..., Database],
) -> None:
    database = make_database()
    where = place(capacity=3)
    assert attempt(database, where, "early")
    results = race(lambda i: attempt(database, where, f"p{i}"), 12)
    assert sum(results) == 2
    assert booked(database, where) == 3


def test_threads_racing_for_one_persons_limit_never_exceed_it(
    make_database: Callable[..., Database],
) -> None:
    database = make_database()
    results = race(
        lambda i: attempt(database, place(f"{8 + i // 4:02d}:{i % 4 * 15:02d}"), "ali", 4), 10
    )
    assert sum(results) == 4
    assert booked(database) == 4


def _process_attempt(url: str, person: str, capacity: int, start: object) -> bool:
    database = Database(url)
    try:
        start.wait()  # type: ignore[attr-defined]
        return attempt(database, place(capacity=capacity), person, limit=2)
    finally:
        database.dispose()


def test_processes_racing_for_the_last_places_get_exactly_capacity(
    make_database: Callable[..., Database],
) -> None:
    database = make_database()
    url = database.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Event()
        with context.Pool(6) as pool:
            pending = [
                pool.apply_async(_process_attempt, (url, f"p{i % 4}", 3, start)) for i in range(12)
            ]
            start.set()
            results = [p.get(timeout=120) for p in pending]
    assert sum(results) == 3
    assert booked(database) == 3


def test_closing_a_slot_cancels_its_bookings_and_refuses_new_ones(database: Database) -> None:
    where = place(capacity=3)
    assert attempt(database, where, "ali", limit=1)
    with database.session(write=True) as session:
        hold(session, where, "draft-9", NOW, minutes=10)
        cancelled = close(session, where, NOW)
        assert [b.person for b in cancelled] == ["ali"]
        assert cancelled[0].state is BookingState.CANCELLED
        assert taken_on(session, "mawid", "centre", "general", DAY, NOW)[where.slot.key] >= 3
        closed = close(session, place("10:00"), NOW)  # a slot nobody had booked yet
        assert closed == []
    assert not attempt(database, where, "sara")
    assert not attempt(database, place("10:00"), "sara")
    assert attempt(database, place("09:15"), "ali", limit=1)  # ali's count was given back
    with database.session(write=True) as session:
        mine = session.scalars(select(Booking).where(Booking.state == BookingState.ACTIVE)).one()
        mark(session, mine, BookingState.ATTENDED, NOW)
        assert mine.state is BookingState.ATTENDED
        with pytest.raises(Refusal, match=r"booking\.not_active"):
            mark(session, mine, BookingState.NO_SHOW, NOW)
