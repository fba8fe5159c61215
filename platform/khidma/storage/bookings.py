"""Holding, booking, cancelling and moving appointments, settled in the database.

Every function works inside the caller's transaction (open it with
`database.session(write=True)`: on SQLite it must hold the write lock from the start) and
in a savepoint of its own, so a refusal (`khidma.booking.rules.Refusal`) leaves the
transaction as it was — the caller may go on, e.g. show the nearest free slots. The
limits are guarded UPDATEs and unique keys (see `booking_models`), so threads and
processes racing for the last place of a slot get exactly `capacity` bookings and a
person never holds more upcoming bookings than the service's limit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from khidma.booking.rules import Refusal
from khidma.booking.slots import Slot
from khidma.formatting import RIYADH
from khidma.storage.booking_models import Booking
from khidma.storage.booking_models import BookingHold
from khidma.storage.booking_models import BookingPerson
from khidma.storage.booking_models import BookingSlot
from khidma.storage.booking_models import BookingState

__all__ = [
    "CLOSED",
    "Booker",
    "Place",
    "book",
    "cancel",
    "close",
    "confirm",
    "held_slot",
    "hold",
    "mark",
    "move",
    "release_hold",
    "taken_between",
    "taken_on",
]


CLOSED = 1_000_000  # the places "taken" of a closed slot: more than any capacity


@dataclass(frozen=True)
class Place:
    """One slot of one resource and service offered, of one platform service."""

    service_id: str
    resource: str
    offered: str  # the service at the resource; "" when the block has no service_field
    slot: Slot

    @property
    def starts_at(self) -> dt.datetime:
        return self.slot.start.replace(tzinfo=RIYADH).astimezone(dt.UTC)


def _rows(session: Session, statement: Any) -> int:
    """How many rows an UPDATE changed."""
    result = session.execute(statement)
    return int(result.rowcount)  # type: ignore[attr-defined]


def _insert(session: Session, model: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(model)


def _slot_values(place: Place, taken: int) -> dict[str, Any]:
    return {
        "service_id": place.service_id,
        "resource": place.resource,
        "offered": place.offered,
        "slot": place.slot.key,
        "starts_at": place.starts_at,
        "capacity": place.slot.capacity,
        "taken": taken,
        "closed": False,
    }


_SLOT_KEY = ["service_id", "resource", "offered", "slot"]


def _slot_of(place: Place) -> Any:
    """The id of the slot's row (a scalar subquery; NULL before anyone took a place)."""
    return (
        select(BookingSlot.id)
        .where(
            BookingSlot.service_id == place.service_id,
            BookingSlot.resource == place.resource,
            BookingSlot.offered == place.offered,
            BookingSlot.slot == place.slot.key,
        )
        .scalar_subquery()
    )


def _take_place_in(session: Session, place: Place) -> int | None:
    """The slot's id with one more place taken — the row made if it is the first — or
    None when it is full: one guarded upsert (`… DO UPDATE … WHERE taken < capacity`)."""
    statement = _insert(session, BookingSlot).values(**_slot_values(place, 1))
    found = session.scalar(
        statement.on_conflict_do_update(
            index_elements=_SLOT_KEY,
            set_={"taken": BookingSlot.taken + 1},
            where=(BookingSlot.taken < BookingSlot.capacity) & BookingSlot.closed.is_(False),
        ).returning(BookingSlot.id)
    )
    return None if found is None else int(found)


def _give_back(session: Session, slot_id: int, places: int) -> None:
    if places:
        session.execute(
            update(BookingSlot)
            .where(BookingSlot.id == slot_id)
            .values(taken=BookingSlot.taken - places)
        )


def _release_expired(session: Session, slot_id: int, now: dt.datetime) -> None:
    gone = session.execute(
        delete(BookingHold)
        .where(BookingHold.slot_id == slot_id, BookingHold.expires_at <= now)
        .returning(BookingHold.id)
    ).all()
    _give_back(session, slot_id, len(gone))


def _take_place(session: Session, place: Place, now: dt.datetime) -> int:
    """One place of the slot (its id), or `booking.full`: the guarded upsert decides."""
    slot_id = _take_place_in(session, place)
    if slot_id is None:  # places held past their time come back, then try again
        _release_expired(session, session.scalar(select(_slot_of(place))) or 0, now)
        slot_id = _take_place_in(session, place)
    if slot_id is None:
        raise Refusal("booking.full")
    return slot_id


def release_hold(session: Session, owner: str) -> None:
    """Give back the place `owner` holds, if any."""
    with session.begin_nested():
        gone = session.execute(
            delete(BookingHold).where(BookingHold.owner == owner).returning(BookingHold.slot_id)
        ).all()
        for (slot_id,) in gone:
            _give_back(session, slot_id, 1)


def hold(session: Session, place: Place, owner: str, now: dt.datetime, minutes: int) -> BookingHold:
    """Hold one place of `place` for `owner` (a draft) for `minutes`, giving back the
    place the owner held before; `booking.full` when there is none."""
    release_hold(session, owner)
    with session.begin_nested():
        slot_id = _take_place(session, place, now)
        held = BookingHold(
            slot_id=slot_id, owner=owner, expires_at=now + dt.timedelta(minutes=minutes)
        )
        session.add(held)
        session.flush()
    return held


def _count_person(
    session: Session, service_id: str, person: str, limit: int | None, now: dt.datetime
) -> None:
    """One more upcoming booking for `person`, or `booking.person_limit`: a guarded upsert
    (`… DO UPDATE … WHERE active < limit`). At the limit, bookings whose time has passed
    stop counting (each exactly once: `counted` is in the WHERE) and it is tried again."""
    statement = _insert(session, BookingPerson).values(
        service_id=service_id, person=person, active=1
    )
    counted = statement.on_conflict_do_update(
        index_elements=["service_id", "person"],
        set_={"active": BookingPerson.active + 1},
        where=None if limit is None else BookingPerson.active < limit,
    ).returning(BookingPerson.active)
    if session.scalar(counted) is not None:
        return
    passed = _rows(
        session,
        update(Booking)
        .where(
            Booking.service_id == service_id,
            Booking.person == person,
            Booking.counted.is_(True),
            Booking.starts_at <= now,
        )
        .values(counted=False),
    )
    if passed:
        session.execute(
            update(BookingPerson)
            .where(BookingPerson.service_id == service_id, BookingPerson.person == person)
            .values(active=BookingPerson.active - passed)
        )
        if session.scalar(counted) is not None:
            return
    raise Refusal("booking.person_limit", {"limit": limit})


def _uncount_person(session: Session, booking: Booking) -> None:
    session.execute(
        update(BookingPerson)
        .where(
            BookingPerson.service_id == booking.service_id, BookingPerson.person == booking.person
        )
        .values(active=BookingPerson.active - 1)
    )


def _new_booking(session: Session, place: Place, slot_id: int, **values: Any) -> Booking:
    booking = Booking(
        slot_id=slot_id,
        service_id=place.service_id,
        slot=place.slot.key,
        starts_at=place.starts_at,
        **values,
    )
    session.add(booking)
    session.flush()
    return booking


@dataclass(frozen=True)
class Booker:
    """Who a booking is for (`person`: the beneficiary, else the account), the service's
    limit of upcoming bookings per person, and the account that made it."""

    person: str
    limit: int | None = None
    user_id: int | None = None
    submission_id: int | None = None


def confirm(
    session: Session, place: Place, owner: str, booker: Booker, now: dt.datetime
) -> Booking:
    """Turn the place `owner` holds in `place` into a booking. An expired hold, or one
    for another slot (a forged post), is refused with `booking.hold_expired` and its
    place comes back with the next attempt on the slot; `booking.person_limit` when the
    person is at the limit."""
    with session.begin_nested():
        slot_id = session.scalar(
            delete(BookingHold)
            .where(
                BookingHold.owner == owner,
                BookingHold.slot_id == _slot_of(place),
                BookingHold.expires_at > now,
            )
            .returning(BookingHold.slot_id)
        )
        if slot_id is None:
            raise Refusal("booking.hold_expired")
        return _booked(session, place, slot_id, booker, now)


def _booked(
    session: Session, place: Place, slot_id: int | None, booker: Booker, now: dt.datetime
) -> Booking:
    _count_person(session, place.service_id, booker.person, booker.limit, now)
    if slot_id is None:
        slot_id = _take_place(session, place, now)
    return _new_booking(
        session,
        place,
        slot_id,
        person=booker.person,
        user_id=booker.user_id,
        submission_id=booker.submission_id,
    )


def book(session: Session, place: Place, booker: Booker, now: dt.datetime) -> Booking:
    """Book one place of `place` at once (no hold): `booking.full` or
    `booking.person_limit` when the database says no."""
    with session.begin_nested():
        return _booked(session, place, None, booker, now)


def _end(session: Session, booking: Booking, state: BookingState, now: dt.datetime) -> bool | None:
    """Active → `state`, once (the WHERE decides between two clicks), giving the place
    back. None when the booking was not active; else whether it counted towards the
    person's limit (it counts no more)."""
    active = (Booking.id == booking.id, Booking.state == BookingState.ACTIVE)
    counted = _rows(
        session, update(Booking).where(*active, Booking.counted.is_(True)).values(counted=False)
    )
    if _rows(session, update(Booking).where(*active).values(state=state, ended_at=now)) != 1:
        return None
    _give_back(session, booking.slot_id, 1)
    return counted == 1


def cancel(session: Session, booking: Booking, now: dt.datetime) -> None:
    """Cancel an active booking; `booking.not_active` when it is not (any more). The
    deadline is the engine's (`rules.check_cancel`), checked by the caller."""
    with session.begin_nested():
        counted = _end(session, booking, BookingState.CANCELLED, now)
        if counted is None:
            raise Refusal("booking.not_active")
        if counted:
            _uncount_person(session, booking)
    session.refresh(booking)


def move(session: Session, booking: Booking, place: Place, now: dt.datetime) -> Booking:
    """Book `place` and release the old booking in one savepoint: when the new slot is
    full the old booking stays as it was (`booking.full`)."""
    with session.begin_nested():
        slot_id = _take_place(session, place, now)
        counted = _end(session, booking, BookingState.MOVED, now)
        if counted is None:
            raise Refusal("booking.not_active")
        moved = _new_booking(
            session,
            place,
            slot_id,
            person=booking.person,
            user_id=booking.user_id,
            submission_id=booking.submission_id,
            moved_from_id=booking.id,
            counted=counted,  # the new booking counts in the old one's place
        )
    session.refresh(booking)
    return moved


def held_slot(session: Session, owner: str, now: dt.datetime) -> str | None:
    """The key of the slot `owner` holds a place in (not expired), if any."""
    return session.scalar(
        select(BookingSlot.slot)
        .join(BookingHold, BookingHold.slot_id == BookingSlot.id)
        .where(BookingHold.owner == owner, BookingHold.expires_at > now)
    )


def taken_on(
    session: Session, service_id: str, resource: str, offered: str, day: dt.date, now: dt.datetime
) -> dict[str, int]:
    """Slot key → places taken on `day` (holds past their time not counted)."""
    return taken_between(session, service_id, resource, offered, day, day, now)


def taken_between(
    session: Session,
    service_id: str,
    resource: str,
    offered: str,
    first: dt.date,
    last: dt.date,
    now: dt.datetime,
) -> dict[str, int]:
    """Slot key → places taken from `first` to `last` (holds past their time not counted;
    a slot the agency closed counts as taken in full)."""
    expired = (
        select(func.count(BookingHold.id))
        .where(BookingHold.slot_id == BookingSlot.id, BookingHold.expires_at <= now)
        .scalar_subquery()
    )
    rows = session.execute(
        select(BookingSlot.slot, BookingSlot.taken - expired, BookingSlot.closed).where(
            BookingSlot.service_id == service_id,
            BookingSlot.resource == resource,
            BookingSlot.offered == offered,
            BookingSlot.slot >= first.isoformat(),
            BookingSlot.slot < (last + dt.timedelta(days=1)).isoformat(),
        )
    ).all()
    return {slot: CLOSED if closed else int(count) for slot, count, closed in rows}


def close(session: Session, place: Place, now: dt.datetime) -> list[Booking]:
    """Close a slot (the agency's decision): no more places, holds dropped, its active
    bookings cancelled — returned, so the caller notifies each citizen."""
    with session.begin_nested():
        values = {**_slot_values(place, 0), "closed": True}
        slot_id = session.scalar(
            _insert(session, BookingSlot)
            .values(**values)
            .on_conflict_do_update(index_elements=_SLOT_KEY, set_={"closed": True})
            .returning(BookingSlot.id)
        )
        session.execute(delete(BookingHold).where(BookingHold.slot_id == slot_id))
        active = session.scalars(
            select(Booking).where(Booking.slot_id == slot_id, Booking.state == BookingState.ACTIVE)
        ).all()
        cancelled = []
        for booking in active:
            counted = _end(session, booking, BookingState.CANCELLED, now)
            if counted is None:
                continue  # cancelled by its citizen meanwhile
            if counted:
                _uncount_person(session, booking)
            cancelled.append(booking)
        session.execute(update(BookingSlot).where(BookingSlot.id == slot_id).values(taken=0))
    for booking in cancelled:
        session.refresh(booking)
    return cancelled


def mark(session: Session, booking: Booking, state: BookingState, now: dt.datetime) -> None:
    """Attended or no-show (staff), once, for an active booking."""
    if state not in (BookingState.ATTENDED, BookingState.NO_SHOW):
        raise ValueError(state)
    with session.begin_nested():
        ended = _rows(
            session,
            update(Booking)
            .where(Booking.id == booking.id, Booking.state == BookingState.ACTIVE)
            .values(state=state, ended_at=now),
        )
        if ended != 1:
            raise Refusal("booking.not_active")
    session.refresh(booking)
