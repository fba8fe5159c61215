"""The pure booking engine: slots from a `booking` block and each refusal's own code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import MappingProxyType

import pytest

from khidma.booking.rules import CODES
from khidma.booking.rules import Refusal
from khidma.booking.rules import check_book
from khidma.booking.rules import check_cancel
from khidma.booking.rules import check_move
from khidma.booking.rules import free_slots
from khidma.booking.slots import RIYADH
from khidma.booking.slots import day_slots
from khidma.booking.slots import plan
from khidma.definitions.loader import load
from khidma.definitions.model import Booking
from khidma.definitions.model import BookingRule
from khidma.words import word

ROOT = Path(__file__).resolve().parents[2]
WEEK = {d: (("08:00", "12:00"), ("13:00", "16:00")) for d in ("sun", "mon", "tue", "wed", "thu")}
BOOKING = Booking(
    resource_field="centre",
    slot_field="appointment",
    service_field="clinic",
    schedule=MappingProxyType(WEEK),
    slot_minutes=15,
    capacity_per_slot=2,
    min_days_ahead=1,
    max_days_ahead=28,
    closed_dates=frozenset({"2026-12-08"}),
    cancellation_deadline_hours=2,
    reschedule_allowed=True,
    max_active_per_person=4,
    resources=MappingProxyType(
        {
            "evening": BookingRule(
                schedule=MappingProxyType({"sat": (("16:00", "22:00"),)}), capacity_per_slot=3
            )
        }
    ),
    services=MappingProxyType({"dental": BookingRule(slot_minutes=30, capacity_per_slot=1)}),
)
# Wednesday 2 December 2026, 09:00 in Riyadh (06:00 UTC).
NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=RIYADH)

REFUSED = [
    ("2026-12-06T07:45", {}, "booking.outside_schedule"),  # Sunday, before opening
    ("2026-12-06T12:15", {}, "booking.outside_schedule"),  # the lunch break
    ("2026-12-06T09:07", {}, "booking.off_grid"),
    ("2026-12-08T09:00", {}, "booking.closed_date"),
    ("2026-12-04T09:00", {}, "booking.weekend"),  # Friday
    ("2026-12-05T09:00", {}, "booking.weekend"),  # Saturday
    ("2026-12-02T10:00", {}, "booking.too_soon"),  # today; the window starts tomorrow
    ("2026-11-30T10:00", {}, "booking.past"),
    ("2027-01-03T09:00", {}, "booking.too_far"),  # 32 days ahead
    ("2026-12-06T09:00", {"booked": 2}, "booking.full"),
    ("2026-12-06T09:00", {"active": 4}, "booking.person_limit"),
    ("not a slot", {}, "booking.invalid"),
]


@pytest.mark.parametrize(
    ("key", "counts", "code"), REFUSED, ids=[r[2] + ":" + r[0] for r in REFUSED]
)
def test_a_refused_booking_has_its_own_code(key: str, counts: dict[str, int], code: str) -> None:
    with pytest.raises(Refusal) as refused:
        check_book(BOOKING, "centre_1", "general", key, NOW, **counts)
    assert refused.value.code == code
    for lang in ("ar", "en"):
        assert refused.value.message(lang)
        assert "{" not in refused.value.message(lang)


def test_every_code_has_words_in_both_languages() -> None:
    for code in CODES:
        params = {"minutes": 15, "limit": 4, "hours": 2, "first": "x", "last": "y"}
        assert word(code, "ar", **params) != word(code, "en", **params)


def test_a_free_slot_on_the_grid_is_accepted() -> None:
    slot = check_book(BOOKING, "centre_1", "general", "2026-12-06T15:45", NOW, booked=1, active=3)
    assert (slot.key, slot.time, slot.capacity) == ("2026-12-06T15:45", "15:45", 2)
    assert slot.end == dt.datetime(2026, 12, 6, 16, 0)


def test_a_resource_and_a_service_have_their_own_schedule_length_and_capacity() -> None:
    evening = plan(BOOKING, "evening", None)
    saturday = day_slots(evening, dt.date(2026, 12, 5))
    assert [s.time for s in saturday[:2]] == ["16:00", "16:15"] and saturday[0].capacity == 3
    assert check_book(BOOKING, "evening", None, "2026-12-05T21:45", NOW).capacity == 3
    with pytest.raises(Refusal, match=r"booking.weekend"):  # Sunday is not in its schedule
        check_book(BOOKING, "evening", None, "2026-12-04T16:00", NOW)
    dental = day_slots(plan(BOOKING, "centre_1", "dental"), dt.date(2026, 12, 6))
    assert [s.time for s in dental[:3]] == ["08:00", "08:30", "09:00"]
    assert len(dental) == 8 + 6 and dental[-1].time == "15:30" and dental[0].capacity == 1
    with pytest.raises(Refusal, match=r"booking.off_grid"):
        check_book(BOOKING, "centre_1", "dental", "2026-12-06T08:15", NOW)


def test_free_slots_leave_out_full_and_past_ones_and_days_outside_the_window() -> None:
    day = dt.date(2026, 12, 6)
    free = free_slots(
        BOOKING, "c", "general", day, NOW, {"2026-12-06T08:00": 2, "2026-12-06T08:15": 1}
    )
    assert [(s.time, left) for s, left in free[:2]] == [("08:15", 1), ("08:30", 2)]
    assert len(free) == 16 + 12 - 1
    assert free_slots(BOOKING, "c", "general", dt.date(2026, 12, 2), NOW, {}) == []
    assert free_slots(BOOKING, "c", "general", dt.date(2026, 12, 8), NOW, {}) == []
    same_day = Booking(**{**BOOKING.__dict__, "min_days_ahead": 0})
    today = free_slots(same_day, "c", "general", dt.date(2026, 12, 2), NOW, {})
    assert today[0][0].time == "09:15"  # 09:00 has started


def test_riyadh_time_is_utc_plus_three() -> None:
    late_utc = dt.datetime(2026, 12, 5, 22, 30, tzinfo=dt.UTC)  # Sunday 01:30 in Riyadh
    with pytest.raises(Refusal, match=r"booking.too_soon"):
        check_book(BOOKING, "c", None, "2026-12-06T09:00", late_utc)


CANCELS = [
    (dt.datetime(2026, 12, 6, 6, 59, tzinfo=RIYADH), None),
    (dt.datetime(2026, 12, 6, 7, 1, tzinfo=RIYADH), "booking.cancel_deadline"),
    (dt.datetime(2026, 12, 6, 9, 30, tzinfo=RIYADH), "booking.cancel_deadline"),
]


@pytest.mark.parametrize(("now", "code"), CANCELS)
def test_cancelling_is_refused_past_the_deadline(now: dt.datetime, code: str | None) -> None:
    if code is None:
        check_cancel(BOOKING, "2026-12-06T09:00", now)
        return
    with pytest.raises(Refusal) as refused:
        check_cancel(BOOKING, "2026-12-06T09:00", now)
    assert refused.value.code == code
    assert "2" in refused.value.message("en")


def test_cancelling_or_moving_where_the_block_forbids_it() -> None:
    fixed = Booking(
        **{**BOOKING.__dict__, "cancellation_allowed": False, "reschedule_allowed": False}
    )
    with pytest.raises(Refusal, match=r"booking.cancel_not_allowed"):
        check_cancel(fixed, "2026-12-06T09:00", NOW)
    with pytest.raises(Refusal, match=r"booking.move_not_allowed"):
        check_move(fixed, "c", None, "2026-12-06T09:00", "2026-12-07T09:00", NOW)
    moved = check_move(BOOKING, "c", None, "2026-12-06T09:00", "2026-12-07T09:00", NOW, booked=1)
    assert moved.key == "2026-12-07T09:00"
    with pytest.raises(Refusal, match=r"booking.full"):
        check_move(BOOKING, "c", None, "2026-12-06T09:00", "2026-12-07T09:00", NOW, booked=2)


def test_the_seed_services_compile_their_booking_blocks() -> None:
    result = load([ROOT / "services.d"])
    result.raise_for_problems()
    booked = {d.id: d.booking for d in result.services if d.booking is not None}
    assert set(booked) == {"mawid", "traffic"}
    assert all(b.hold_minutes == 10 for b in booked.values())
