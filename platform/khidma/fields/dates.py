"""The family of date and time fields (`date`, `time`, `appointment`): what they share
is the time-of-day syntax and how a day is shown (Hijri with the Gregorian beside)."""

from __future__ import annotations

import re
from typing import Any

from khidma.engine.dates import format_date
from khidma.fields.base import JSON
from khidma.fields.base import FieldType

TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::00)?$")
DATE_BOUND: JSON = {
    "type": "string",
    "pattern": r"^(today([+-][0-9]{1,4}d)?|[0-9]{4}-[0-9]{2}-[0-9]{2})$",
}
TIME_OF_DAY: JSON = {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$"}


def day_text(value: Any, lang: str) -> str:
    try:
        return format_date(str(value), lang)
    except ValueError:
        return str(value)


class DayFamily(FieldType):
    """A field whose value is (or starts with) a day: the page shows the day in words,
    Hijri and Gregorian, under the control."""

    display_hint = True
