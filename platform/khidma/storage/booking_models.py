"""The booking tables: slots with their places, holds, bookings and the per-person count.

Every limit is a counter guarded in the database, never a count read and then written:

- `booking_slots.taken` counts the places held or booked in a slot; taking one is
  `UPDATE … SET taken = taken + 1 WHERE id = … AND taken < capacity AND NOT closed` (one
  row, or none when the slot is full or the agency closed it). A slot row is made the
  first time someone holds a place in it (unique per service, resource, service offered
  and start).
- `booking_holds` are places held for a citizen while they finish the request; a hold is
  worth its place until `expires_at`, then the next attempt on that slot deletes it and
  gives the place back. One hold per `owner` (the draft), unique.
- `booking_people.active` counts a person's upcoming bookings of a service (the person is
  the beneficiary the YAML names, else the account); booking is a guarded
  `UPDATE … WHERE active < limit`. A booking stops counting (`counted`) when it is
  cancelled, moved or its time has passed.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Identity
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from khidma.storage.models import Base
from khidma.storage.models import BigId
from khidma.storage.models import ServiceId
from khidma.storage.models import Token
from khidma.storage.models import _enum
from khidma.storage.types import new_token
from khidma.storage.types import utcnow

SlotKey = String(16)  # "YYYY-MM-DDTHH:MM", Riyadh wall clock
Value = String(100)  # an option value: the resource, the service offered
Person = String(64)


class BookingState(enum.StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    MOVED = "moved"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


class BookingSlot(Base):
    __tablename__ = "booking_slots"
    __table_args__ = (
        UniqueConstraint("service_id", "resource", "offered", "slot"),
        CheckConstraint("taken >= 0 AND taken <= capacity", name="taken_within_capacity"),
    )

    id: Mapped[int] = mapped_column(BigId, Identity(), primary_key=True, init=False)
    service_id: Mapped[str] = mapped_column(ServiceId)
    resource: Mapped[str] = mapped_column(Value)
    offered: Mapped[str] = mapped_column(Value)  # the service at the resource, "" if none
    slot: Mapped[str] = mapped_column(SlotKey)
    starts_at: Mapped[datetime]
    capacity: Mapped[int]
    taken: Mapped[int] = mapped_column(default=0)
    closed: Mapped[bool] = mapped_column(default=False)  # by the agency: no more places


class BookingHold(Base):
    __tablename__ = "booking_holds"
    __table_args__ = (Index(None, "slot_id", "expires_at"),)

    id: Mapped[int] = mapped_column(BigId, Identity(), primary_key=True, init=False)
    slot_id: Mapped[int] = mapped_column(ForeignKey("booking_slots.id", ondelete="CASCADE"))
    owner: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    token: Mapped[str] = mapped_column(Token, unique=True, default_factory=new_token)
    created_at: Mapped[datetime] = mapped_column(default_factory=utcnow)


class BookingPerson(Base):
    __tablename__ = "booking_people"
    __table_args__ = (CheckConstraint("active >= 0", name="active_not_negative"),)

    service_id: Mapped[str] = mapped_column(ServiceId, primary_key=True)
    person: Mapped[str] = mapped_column(Person, primary_key=True)
    active: Mapped[int] = mapped_column(default=0)


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        Index(None, "user_id", "starts_at"),
        Index(None, "service_id", "person", "counted"),
        Index(None, "slot_id", "state"),
    )

    id: Mapped[int] = mapped_column(BigId, Identity(), primary_key=True, init=False)
    slot_id: Mapped[int] = mapped_column(ForeignKey("booking_slots.id"))
    service_id: Mapped[str] = mapped_column(ServiceId)
    person: Mapped[str] = mapped_column(Person)
    slot: Mapped[str] = mapped_column(SlotKey)
    starts_at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    submission_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("submissions.id", ondelete="CASCADE"), default=None
    )
    state: Mapped[BookingState] = mapped_column(
        _enum(BookingState, "booking_state"), default=BookingState.ACTIVE
    )
    counted: Mapped[bool] = mapped_column(default=True)  # towards the person's limit
    token: Mapped[str] = mapped_column(Token, unique=True, default_factory=new_token)
    moved_from_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("bookings.id"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default_factory=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
