"""May this slot be booked, cancelled or moved now? Each refusal is a `Refusal` with a
stable code (`booking.*`, the contract with tests and API clients) and a message in Arabic
and English from `khidma.booking.words`.

The checks that need the database's counts take them as arguments (`booked`, `active`):
the storage layer enforces the same limits atomically, these decide what to show and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from khidma.booking.slots import WEEKDAYS
from khidma.booking.slots import WEEKEND
from khidma.booking.slots import Plan
from khidma.booking.slots import Slot
from khidma.booking.slots import day_slots
from khidma.booking.slots import local_now
from khidma.booking.slots import parse_slot
from khidma.booking.slots import plan
from khidma.booking.slots import window
from khidma.definitions.model import Booking
from khidma.engine.dates import format_date
from khidma.words import word

__all__ = [
    "CODES",
    "Refusal",
    "check_book",
    "check_cancel",
    "check_move",
    "free_slots",
    "slot_for",
]

CODES = (
    "booking.invalid",
    "booking.weekend",
    "booking.closed_date",
    "booking.outside_schedule",
    "booking.off_grid",
    "booking.past",
    "booking.too_soon",
    "booking.too_far",
    "booking.full",
    "booking.person_limit",
    "booking.hold_expired",
    "booking.cancel_not_allowed",
    "booking.cancel_deadline",
    "booking.move_not_allowed",
    "booking.not_active",
)


class Refusal(Exception):
    """Why a slot may not be booked, cancelled or moved: `code` and its `params`."""

    def __init__(self, code: str, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.params: Mapping[str, Any] = dict(params or {})

    def message(self, lang: str) -> str:
        """The refusal in `lang`; a date parameter is written Hijri with the Gregorian."""
        params = {
            k: format_date(v, lang) if isinstance(v, dt.date) else v for k, v in self.params.items()
        }
        return word(self.code, lang, **params)

    def __str__(self) -> str:
        return f"{self.code}: {self.message('en')}"


def slot_for(p: Plan, key: str) -> Slot:
    """The slot of the grid starting at `key`, or the refusal saying why there is none."""
    start = parse_slot(key)
    if start is None:
        raise Refusal("booking.invalid")
    day = start.date()
    weekday = WEEKDAYS[day.weekday()]
    if day.isoformat() in p.closed_dates:
        raise Refusal("booking.closed_date")
    if not p.schedule.get(weekday):
        raise Refusal("booking.weekend" if weekday in WEEKEND else "booking.outside_schedule")
    in_hours = False
    for slot in day_slots(p, day):
        if slot.start == start:
            return slot
        in_hours = in_hours or slot.start < start < slot.end
    raise (
        Refusal("booking.off_grid", {"minutes": p.slot_minutes})
        if in_hours
        else Refusal("booking.outside_schedule")
    )


def _in_window(booking: Booking, slot: Slot, now: dt.datetime) -> None:
    if slot.start <= local_now(now):
        raise Refusal("booking.past")
    first, last = window(booking, now)
    if slot.start.date() < first:
        raise Refusal("booking.too_soon", {"first": first})
    if slot.start.date() > last:
        raise Refusal("booking.too_far", {"last": last})


def check_book(
    booking: Booking,
    resource: str | None,
    service: str | None,
    key: str,
    now: dt.datetime,
    *,
    booked: int = 0,
    active: int = 0,
) -> Slot:
    """The slot `key` if it may be booked at `now` with `booked` places already taken and
    the person holding `active` upcoming bookings; a `Refusal` otherwise."""
    slot = slot_for(plan(booking, resource, service), key)
    _in_window(booking, slot, now)
    if booked >= slot.capacity:
        raise Refusal("booking.full")
    limit = booking.max_active_per_person
    if limit is not None and active >= limit:
        raise Refusal("booking.person_limit", {"limit": limit})
    return slot


def check_cancel(booking: Booking, key: str, now: dt.datetime) -> None:
    """Refuses a cancellation the block does not allow or that comes after its deadline
    (`deadline_hours` before the start) or after the start itself."""
    if not booking.cancellation_allowed:
        raise Refusal("booking.cancel_not_allowed")
    start = parse_slot(key)
    if start is None:
        raise Refusal("booking.invalid")
    hours = booking.cancellation_deadline_hours
    if local_now(now) > start - dt.timedelta(hours=hours):
        raise Refusal("booking.cancel_deadline", {"hours": hours})


def check_move(
    booking: Booking,
    resource: str | None,
    service: str | None,
    old_key: str,
    new_key: str,
    now: dt.datetime,
    *,
    booked: int = 0,
) -> Slot:
    """Moving is cancelling the old slot and booking the new one: both must be allowed
    (the person's own booking is not counted against their limit)."""
    if not booking.reschedule_allowed:
        raise Refusal("booking.move_not_allowed")
    check_cancel(booking, old_key, now)
    return check_book(booking, resource, service, new_key, now, booked=booked)


def free_slots(
    booking: Booking,
    resource: str | None,
    service: str | None,
    day: dt.date,
    now: dt.datetime,
    booked: Mapping[str, int],
) -> list[tuple[Slot, int]]:
    """The slots of `day` that may be booked at `now`, each with its places left, given
    `booked` (slot key → places taken, holds included)."""
    first, last = window(booking, now)
    if not first <= day <= last:
        return []
    here = local_now(now)
    found = []
    for slot in day_slots(plan(booking, resource, service), day):
        left = slot.capacity - booked.get(slot.key, 0)
        if slot.start > here and left > 0:
            found.append((slot, left))
    return found
