"""Appointments in the wizard: the slot picker, the hold when a slot is chosen and the
booking made in the submit transaction.

The picker is ordinary HTML: the days with free places are links (`?day=…`), the free
times of the chosen day radio buttons of the appointment field, so it works without
JavaScript; htmx swaps the picker in place (`hx-select`). Choosing a time and pressing
"Continue" holds a place for the draft (`booking.hold_minutes`); submitting turns the hold
into the booking, or refuses with the engine's message (held too long, the person's
limit, a forged post) and shows the picker again — nothing else typed is lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from khidma.booking import rules
from khidma.booking.rules import Refusal
from khidma.booking.slots import Slot
from khidma.booking.slots import days
from khidma.booking.slots import local_now
from khidma.definitions.model import Booking as BookingBlock
from khidma.definitions.model import ServiceDefinition
from khidma.definitions.model import Text
from khidma.engine.dates import format_gregorian
from khidma.engine.dates import to_hijri
from khidma.engine.errors import FieldError
from khidma.storage import bookings
from khidma.storage.booking_models import Booking
from khidma.words import word

__all__ = ["Choice", "Picker", "choice", "picker"]


@dataclass(frozen=True)
class Day:
    day: dt.date
    weekday: str
    hijri: str
    gregorian: str
    free: int


@dataclass(frozen=True)
class Picker:
    days: list[Day]
    chosen: Day | None
    times: list[tuple[Slot, int]]
    url: str


def _values(block: BookingBlock, answers: Mapping[str, Any]) -> tuple[str, str]:
    resource = str(answers.get(block.resource_field) or "")
    offered = str(answers.get(block.service_field) or "") if block.service_field else ""
    return resource, offered


def _day(day: dt.date, free: int, lang: str) -> Day:
    hijri = to_hijri(day)
    era = "هـ" if lang == "ar" else "AH"
    return Day(
        day,
        word(f"booking.weekday.{day.strftime('%a').lower()}", lang),
        f"{hijri.day} {hijri.month_name(lang)} {hijri.year} {era}" if hijri else "",
        format_gregorian(day, lang),
        free,
    )


def picker(
    session: Session,
    definition: ServiceDefinition,
    answers: Mapping[str, Any],
    owner: str,
    now: dt.datetime,
    lang: str,
    url: str,
) -> Picker | None:
    """The days with free places and the free times of the chosen day (`?day=`, else
    the day of the answer, else the first free day); None for a service without booking."""
    block = definition.booking
    if block is None:
        return None
    resource, offered = _values(block, answers)
    window = list(days(block, now))
    taken = bookings.taken_between(
        session, definition.id, resource, offered, window[0], window[-1], now
    )
    mine = bookings.held_slot(session, owner, now)
    if mine in taken:  # the draft's own held place is free for it
        taken[mine] -= 1
    free_days: list[Day] = []
    times_of: dict[dt.date, list[tuple[Slot, int]]] = {}
    for day in window:
        free = rules.free_slots(block, resource, offered, day, now, taken)
        if free:
            times_of[day] = free
            free_days.append(_day(day, sum(left for _, left in free), lang))
    wanted = request.args.get("day") or str(answers.get(block.slot_field) or "")[:10]
    chosen = next((d for d in free_days if d.day.isoformat() == wanted), None)
    chosen = chosen or (free_days[0] if free_days else None)
    return Picker(free_days, chosen, times_of.get(chosen.day, []) if chosen else [], url)


def _error(block: BookingBlock, refusal: Refusal, chosen: Any = None) -> FieldError:
    """The refusal as the slot field's error; `chosen` (the refused slot) is kept as the
    input, so the picker opens on its day with the nearest free times."""
    text = Text(refusal.message("ar"), refusal.message("en"))
    return FieldError(block.slot_field, refusal.code, dict(refusal.params), text=text, raw=chosen)


def person_of(block: BookingBlock, answers: Mapping[str, Any], user_id: int) -> str:
    """Whom the booking is for: the beneficiary the YAML names, else the account."""
    if block.beneficiary_field and answers.get(block.beneficiary_field):
        return f"{block.beneficiary_field}:{answers[block.beneficiary_field]}"
    return f"user:{user_id}"


def _active(session: Session, service_id: str, person: str, now: dt.datetime) -> int:
    return int(
        session.scalar(
            select(func.count(Booking.id)).where(
                Booking.service_id == service_id,
                Booking.person == person,
                Booking.counted.is_(True),
                Booking.starts_at > now,
            )
        )
        or 0
    )


def _place(
    definition: ServiceDefinition,
    block: BookingBlock,
    answers: Mapping[str, Any],
    now: dt.datetime,
    active: int = 0,
) -> bookings.Place:
    resource, offered = _values(block, answers)
    key = str(answers.get(block.slot_field) or "")
    slot = rules.check_book(block, resource, offered, key, now, active=active)
    return bookings.Place(definition.id, resource, offered, slot)


@dataclass(frozen=True)
class Choice:
    """A draft's chosen slot (`choice`): what holding a place of it and booking it at
    submit start from. `owner` is the draft's token, `user_id` the signed-in account."""

    definition: ServiceDefinition
    block: BookingBlock
    answers: Mapping[str, Any]
    owner: str
    user_id: int
    now: dt.datetime

    @property
    def person(self) -> str:
        return person_of(self.block, self.answers, self.user_id)

    def hold(self, session: Session) -> FieldError | None:
        """Hold a place of the slot for the draft; the refusal as the slot field's error
        otherwise (the engine's checks first, then the database's)."""
        definition, block, now = self.definition, self.block, self.now
        try:
            active = _active(session, definition.id, self.person, now)
            place = _place(definition, block, self.answers, now, active)
            bookings.hold(session, place, self.owner, now, block.hold_minutes)
        except Refusal as refusal:
            return _error(block, refusal, self.answers.get(block.slot_field))
        return None

    def book(self, session: Session) -> Booking | FieldError:
        """The booking made from the draft's hold, in the submit transaction; or the
        refusal as the slot field's error."""
        block = self.block
        booker = bookings.Booker(self.person, block.max_active_per_person, self.user_id)
        try:
            place = _place(self.definition, block, self.answers, self.now)
            return bookings.confirm(session, place, self.owner, booker, self.now)
        except Refusal as refusal:
            return _error(block, refusal)


def choice(
    definition: ServiceDefinition,
    answers: Mapping[str, Any],
    owner: str,
    user_id: int,
    now: dt.datetime,
) -> Choice | None:
    """The slot the draft `owner` has chosen; None for a service without booking or
    before a slot is chosen."""
    block = definition.booking
    if block is None or not answers.get(block.slot_field):
        return None
    return Choice(definition, block, answers, owner, user_id, now)


def reminder_due(booking: Booking, now: dt.datetime) -> dt.datetime:
    """When the reminder goes: a day before the appointment (at once if that is past)."""
    return max(now, booking.starts_at - dt.timedelta(days=1))


def local_start(booking: Booking) -> dt.datetime:
    return local_now(booking.starts_at)
