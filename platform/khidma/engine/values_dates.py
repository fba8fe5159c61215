"""Dates, times of day and appointment slots as typed or posted.

A date is `YYYY-MM-DD` (or `{day, month, year}` from three inputs), stored as the ISO
string and checked against the field's `min`/`max` bounds relative to the given `today`;
a time is `H:MM`/`HH:MM` (seconds `:00` allowed), stored `HH:MM`; an appointment is
`YYYY-MM-DDTHH:MM`. Eastern Arabic digits are accepted everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from khidma.definitions.model import Field
from khidma.engine.dates import parse_iso_date, resolve_bound
from khidma.engine.errors import InvalidValue
from khidma.engine.identifiers import normalise_digits

if TYPE_CHECKING:
    from khidma.engine.values import ValueContext

__all__ = ["normalise_appointment", "normalise_date", "normalise_time"]

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::00)?$")
_APPOINTMENT = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})$")


def normalise_date(field: Field, raw: Any, ctx: ValueContext) -> str:
    try:
        if isinstance(raw, Mapping):  # three inputs: day, month, year
            parts = [
                normalise_digits(str(raw.get(k) or "")).strip() for k in ("year", "month", "day")
            ]
            day = dt.date(*(int(p) for p in parts))
        elif isinstance(raw, str):
            day = parse_iso_date(raw)
        else:
            raise ValueError(raw)
    except (ValueError, TypeError):
        raise InvalidValue("date.invalid") from None
    low, high = field.setting("min"), field.setting("max")
    if low is not None and day < (limit := resolve_bound(low, ctx.today)):
        raise InvalidValue("date.too_early", min=limit.isoformat())
    if high is not None and day > (limit := resolve_bound(high, ctx.today)):
        raise InvalidValue("date.too_late", max=limit.isoformat())
    return day.isoformat()


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")[:2]
    return int(hours) * 60 + int(minutes)


def normalise_time(field: Field, raw: Any, ctx: ValueContext) -> str:
    found = _TIME.match(normalise_digits(raw).strip()) if isinstance(raw, str) else None
    if not found:
        raise InvalidValue("time.invalid")
    value = f"{int(found.group(1)):02d}:{found.group(2)}"
    low, high = field.setting("min"), field.setting("max")
    if (low and value < low) or (high and value > high):
        raise InvalidValue("time.out_of_range", min=low or "00:00", max=high or "23:59")
    step = field.setting("step_minutes")
    if step and (_minutes(value) - _minutes(low or "00:00")) % step:
        raise InvalidValue("time.step", step=step)
    return value


def normalise_appointment(field: Field, raw: Any, ctx: ValueContext) -> str:
    found = _APPOINTMENT.match(normalise_digits(raw).strip()) if isinstance(raw, str) else None
    if not found or not _TIME.match(found.group(2)):
        raise InvalidValue("appointment.invalid")
    try:
        parse_iso_date(found.group(1))
    except ValueError:
        raise InvalidValue("appointment.invalid") from None
    return f"{found.group(1)}T{found.group(2)}"
