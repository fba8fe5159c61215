"""The bookable slots of a resource and a service, from a compiled `booking` block.

Times are Riyadh wall-clock times (UTC+3 all year: the kingdom keeps no daylight saving),
so a slot is named by its local start, `YYYY-MM-DDTHH:MM` — the appointment field's value.
A day has slots when it is in the weekly schedule, not a closed date, and not in the Saudi
weekend (Friday and Saturday) unless the schedule names that day itself. The grid starts
at each opening span's start, every `slot_minutes`; a slot must end by the span's end.

What applies to one resource and service (`plan`): the resource's own schedule and
capacity (`booking.resources`), then the service's own slot length and capacity
(`booking.services`), then the block's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass

from khidma.definitions.model import Booking
from khidma.formatting import RIYADH

__all__ = [
    "RIYADH",
    "WEEKDAYS",
    "WEEKEND",
    "Plan",
    "Slot",
    "day_slots",
    "local_now",
    "parse_slot",
    "plan",
    "window",
]

# Python's weekday(): Monday is 0. The schema's day keys, by that number.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKEND = frozenset({"fri", "sat"})


@dataclass(frozen=True)
class Plan:
    """What holds for one resource and one service: opening hours, slot length, places."""

    schedule: Mapping[str, tuple[tuple[str, str], ...]]
    slot_minutes: int
    capacity: int
    closed_dates: frozenset[str]


@dataclass(frozen=True, order=True)
class Slot:
    start: dt.datetime  # naive, Riyadh wall clock
    minutes: int
    capacity: int

    @property
    def key(self) -> str:
        return self.start.strftime("%Y-%m-%dT%H:%M")

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.minutes)

    @property
    def time(self) -> str:
        return self.start.strftime("%H:%M")


def plan(booking: Booking, resource: str | None, service: str | None) -> Plan:
    own = booking.resources.get(resource or "")
    by_service = booking.services.get(service or "")
    schedule = own.schedule if own and own.schedule is not None else booking.schedule
    minutes = booking.slot_minutes
    capacity = booking.capacity_per_slot
    for rule in (own, by_service):
        if rule is None:
            continue
        minutes = rule.slot_minutes or minutes
        capacity = rule.capacity_per_slot or capacity
    closed = booking.closed_dates | (own.closed_dates if own else frozenset())
    return Plan(schedule, minutes, capacity, closed)


def local_now(now: dt.datetime) -> dt.datetime:
    """`now` (aware; naive is taken as UTC) as a naive Riyadh wall-clock time."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    return now.astimezone(RIYADH).replace(tzinfo=None)


def parse_slot(key: str) -> dt.datetime | None:
    """The naive local start written `YYYY-MM-DDTHH:MM`, or None."""
    try:
        return dt.datetime.strptime(key, "%Y-%m-%dT%H:%M")
    except (TypeError, ValueError):
        return None


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def day_is_open(p: Plan, day: dt.date) -> bool:
    return day.isoformat() not in p.closed_dates and bool(p.schedule.get(WEEKDAYS[day.weekday()]))


def day_slots(p: Plan, day: dt.date) -> list[Slot]:
    """Every slot of the grid on `day` (none on a closed day), ignoring the window."""
    if not day_is_open(p, day):
        return []
    midnight = dt.datetime.combine(day, dt.time())
    slots = []
    for start, end in p.schedule[WEEKDAYS[day.weekday()]]:
        at, stop = _minutes(start), _minutes(end)
        while at + p.slot_minutes <= stop:
            slots.append(Slot(midnight + dt.timedelta(minutes=at), p.slot_minutes, p.capacity))
            at += p.slot_minutes
    return slots


def window(booking: Booking, now: dt.datetime) -> tuple[dt.date, dt.date]:
    """The first and last day that may be booked at `now` (Riyadh dates)."""
    today = local_now(now).date()
    return (
        today + dt.timedelta(days=booking.min_days_ahead),
        today + dt.timedelta(days=booking.max_days_ahead),
    )


def days(booking: Booking, now: dt.datetime) -> Iterator[dt.date]:
    first, last = window(booking, now)
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)
