"""`booking`: appointments — which fields hold the resource, the service and the slot,
the opening hours, slot lengths and places, and the rules of holding, cancelling and
moving a booking."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from types import MappingProxyType
from typing import Any
from typing import ClassVar

from khidma.definitions.blocks.base import ID
from khidma.definitions.blocks.base import JSON
from khidma.definitions.blocks.base import TEXT
from khidma.definitions.blocks.base import Block
from khidma.definitions.blocks.base import Compiling
from khidma.definitions.blocks.base import array
from khidma.definitions.blocks.base import check_field
from khidma.definitions.blocks.base import obj
from khidma.definitions.common import Text
from khidma.definitions.common import texts
from khidma.definitions.yamlsource import Path

HHMM = "([01][0-9]|2[0-3]):[0-5][0-9]"
WEEKDAYS = ["sat", "sun", "mon", "tue", "wed", "thu", "fri"]


@dataclass(frozen=True)
class BookingRule:
    """A resource's or a service's own settings in a `booking` block (None: the block's)."""

    schedule: Mapping[str, tuple[tuple[str, str], ...]] | None = None
    slot_minutes: int | None = None
    capacity_per_slot: int | None = None
    closed_dates: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Booking:
    resource_field: str
    slot_field: str
    schedule: Mapping[str, tuple[tuple[str, str], ...]]  # weekday → ((from, to), …)
    slot_minutes: int
    capacity_per_slot: int
    min_days_ahead: int
    max_days_ahead: int
    service_field: str | None = None
    closed_dates: frozenset[str] = frozenset()
    cancellation_allowed: bool = True
    cancellation_deadline_hours: int = 0
    reschedule_allowed: bool = False
    max_active_per_person: int | None = None
    documents_to_bring: tuple[Text, ...] = ()
    ticket_instructions: tuple[Text, ...] = ()
    resources: Mapping[str, BookingRule] = field(default_factory=dict)
    services: Mapping[str, BookingRule] = field(default_factory=dict)
    hold_minutes: int = 10
    beneficiary_field: str | None = None


def _by_value(properties: JSON) -> JSON:
    """An object keyed by option values (a resource's or a service's), each a rule."""
    return {
        "type": "object",
        "propertyNames": {"type": "string", "minLength": 1, "maxLength": 100},
        "additionalProperties": obj(properties, minProperties=1),
    }


SCHEDULE = obj(
    {day: array({"type": "string", "pattern": rf"^{HHMM}-{HHMM}$"}, 1) for day in WEEKDAYS},
    minProperties=1,
)
SLOT_MINUTES: JSON = {"type": "integer", "minimum": 5, "maximum": 240}
CAPACITY: JSON = {"type": "integer", "minimum": 1, "maximum": 500}
CLOSED_DATES = array({"type": "string", "format": "date"}, uniqueItems=True)

_DAYS = {
    "sat": "Saturday",
    "sun": "Sunday",
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
}
_SLOTS = {
    "slot_minutes": "Length of one slot, in minutes (5–240).",
    "capacity_per_slot": "How many bookings one slot can take (1–500).",
}
_SCHEDULE = "Opening hours per weekday: a list of HH:MM-HH:MM spans; days not listed are closed."


def _schedule(prefix: str) -> dict[str, str]:
    return {
        prefix: _SCHEDULE,
        **{
            f"{prefix}/{day}": f"Opening hours on {name}: HH:MM-HH:MM spans."
            for day, name in _DAYS.items()
        },
    }


class BookingBlock(Block):
    name = "booking"
    summary = "Appointment booking: the fields it reads, the opening hours, slots and rules."
    properties: ClassVar[JSON] = {
        "booking": obj(
            {
                "resource_field": ID,
                "service_field": ID,
                "slot_field": ID,
                "beneficiary_field": ID,
                "schedule": SCHEDULE,
                "slot_minutes": SLOT_MINUTES,
                "capacity_per_slot": CAPACITY,
                "closed_dates": CLOSED_DATES,
                "hold_minutes": {"type": "integer", "minimum": 1, "maximum": 60},
                "resources": _by_value(
                    {
                        "schedule": SCHEDULE,
                        "slot_minutes": SLOT_MINUTES,
                        "capacity_per_slot": CAPACITY,
                        "closed_dates": CLOSED_DATES,
                    }
                ),
                "services": _by_value(
                    {"slot_minutes": SLOT_MINUTES, "capacity_per_slot": CAPACITY}
                ),
                "window": obj(
                    {
                        "min_days_ahead": {"type": "integer", "minimum": 0, "maximum": 365},
                        "max_days_ahead": {"type": "integer", "minimum": 1, "maximum": 365},
                    },
                    ["max_days_ahead"],
                ),
                "cancellation": obj(
                    {
                        "allowed": {"type": "boolean"},
                        "deadline_hours": {"type": "integer", "minimum": 0, "maximum": 720},
                    },
                    ["allowed"],
                ),
                "reschedule": obj({"allowed": {"type": "boolean"}}, ["allowed"]),
                "max_active_per_person": {"type": "integer", "minimum": 1, "maximum": 50},
                "ticket": obj({"documents_to_bring": array(TEXT), "instructions": array(TEXT)}),
            },
            [
                "resource_field",
                "slot_field",
                "schedule",
                "slot_minutes",
                "capacity_per_slot",
                "window",
            ],
        ),
    }
    descriptions: ClassVar[Mapping[str, str]] = {
        "booking": (
            "Appointment booking: which fields hold the resource and the slot, and the hours."
        ),
        "booking/resource_field": (
            "The select or radio field whose options are the resources booked."
        ),
        "booking/service_field": "The select or radio field choosing the service at the resource.",
        "booking/slot_field": "The `appointment` field that holds the chosen slot.",
        "booking/beneficiary_field": "The field naming whom an appointment is for.",
        **_schedule("booking/schedule"),
        **{f"booking/{key}": text for key, text in _SLOTS.items()},
        "booking/closed_dates": "Days with no slots (holidays), as YYYY-MM-DD.",
        "booking/hold_minutes": "Minutes a chosen slot is held until the request is in (1–60).",
        "booking/resources": (
            "A resource's own settings, by its option value (replacing the block's)."
        ),
        **_schedule("booking/resources/schedule"),
        **{f"booking/resources/{key}": text for key, text in _SLOTS.items()},
        "booking/resources/closed_dates": "This resource's days with no slots, as YYYY-MM-DD.",
        "booking/services": "A service's own slot length and places, by its option value.",
        **{f"booking/services/{key}": text for key, text in _SLOTS.items()},
        "booking/window": "How far ahead one may book.",
        "booking/window/min_days_ahead": (
            "The earliest day one may book, in days from today (0–365)."
        ),
        "booking/window/max_days_ahead": "The latest day one may book, in days from today (1–365).",
        "booking/cancellation": "Whether and until when a booking may be cancelled.",
        "booking/cancellation/allowed": "Whether the applicant may cancel a booking.",
        "booking/cancellation/deadline_hours": "Cancelling ends this many hours before the slot.",
        "booking/reschedule": "Whether a booked slot may be moved.",
        "booking/reschedule/allowed": "Whether the applicant may move a booked slot.",
        "booking/max_active_per_person": (
            "How many upcoming appointments one person may hold (1–50)."
        ),
        "booking/ticket": "What the appointment ticket says.",
        "booking/ticket/documents_to_bring": "Documents to bring to the appointment.",
        "booking/ticket/instructions": "Instructions printed on the ticket.",
    }

    @classmethod
    def compile(cls, c: Compiling) -> Mapping[str, Any]:
        raw = c.data.get("booking")
        if raw is None:
            return {"booking": None}
        base: Path = ("booking",)
        expected: dict[str, tuple[str, ...]] = {
            "resource_field": ("select", "radio"),
            "service_field": ("select", "radio"),
            "slot_field": ("appointment",),
            "beneficiary_field": (),  # any type
        }
        for key, types in expected.items():
            if key in raw:
                check_field(c, (*base, key), raw[key], types, "booking")
        schedule = _schedule_of(c, raw["schedule"], (*base, "schedule"))
        rules = {
            key: {
                value: BookingRule(
                    schedule=(
                        _schedule_of(c, rule["schedule"], (*base, key, value, "schedule"))
                        if "schedule" in rule
                        else None
                    ),
                    slot_minutes=rule.get("slot_minutes"),
                    capacity_per_slot=rule.get("capacity_per_slot"),
                    closed_dates=frozenset(rule.get("closed_dates", ())),
                )
                for value, rule in raw.get(key, {}).items()
            }
            for key in ("resources", "services")
        }
        window = raw["window"]
        if window.get("min_days_ahead", 0) > window["max_days_ahead"]:
            c.report(
                (*base, "window", "min_days_ahead"),
                "range.inverted",
                "min_days_ahead is greater than max_days_ahead",
            )
        cancellation = raw.get("cancellation", {"allowed": True})
        ticket = raw.get("ticket", {})
        booking = Booking(
            resource_field=raw["resource_field"],
            slot_field=raw["slot_field"],
            schedule=schedule,
            slot_minutes=raw["slot_minutes"],
            capacity_per_slot=raw["capacity_per_slot"],
            min_days_ahead=window.get("min_days_ahead", 0),
            max_days_ahead=window["max_days_ahead"],
            service_field=raw.get("service_field"),
            closed_dates=frozenset(raw.get("closed_dates", ())),
            cancellation_allowed=cancellation["allowed"],
            cancellation_deadline_hours=cancellation.get("deadline_hours", 0),
            reschedule_allowed=raw.get("reschedule", {}).get("allowed", False),
            max_active_per_person=raw.get("max_active_per_person"),
            documents_to_bring=texts(ticket.get("documents_to_bring")),
            ticket_instructions=texts(ticket.get("instructions")),
            resources=MappingProxyType(rules["resources"]),
            services=MappingProxyType(rules["services"]),
            hold_minutes=raw.get("hold_minutes", 10),
            beneficiary_field=raw.get("beneficiary_field"),
        )
        return {"booking": booking}


def _schedule_of(
    c: Compiling, raw: Mapping[str, list[str]], path: Path
) -> Mapping[str, tuple[tuple[str, str], ...]]:
    schedule: dict[str, tuple[tuple[str, str], ...]] = {}
    for day, spans in raw.items():
        parsed = []
        for i, span in enumerate(spans):
            start, end = span.split("-")
            if start >= end:
                c.report(
                    (*path, day, i),
                    "booking.bad-hours",
                    f"opening hours {span!r} end before they start",
                )
            parsed.append((start, end))
        parsed.sort()
        for (_, end1), (start2, _) in itertools.pairwise(parsed):
            if start2 < end1:
                c.report((*path, day), "booking.bad-hours", f"opening hours on {day} overlap")
        schedule[day] = tuple(parsed)
    return MappingProxyType(schedule)
