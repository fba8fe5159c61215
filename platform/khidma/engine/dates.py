"""Dates: stored Gregorian, shown Hijri (Umm al-Qura) with the Gregorian date beside.

Dates are stored and exchanged as ISO strings (`YYYY-MM-DD`); expressions compare them as
strings, which orders them correctly. The Umm al-Qura calendar (via `hijridate`) covers
1343–1500 AH (1924-08-01 to 2077-11-16); outside it a date is shown Gregorian only.
Nothing here reads the clock: every function that needs "today" is given it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from hijridate import Gregorian
from hijridate import Hijri

from khidma.engine.identifiers import normalise_digits

__all__ = [
    "HijriDate",
    "format_date",
    "format_gregorian",
    "from_hijri",
    "hijri_year",
    "parse_iso_date",
    "resolve_bound",
    "to_hijri",
]

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_BOUND = re.compile(r"^today(?:([+-])(\d{1,4})d)?$")

_GREGORIAN_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True, order=True)
class HijriDate:
    """A day of the Umm al-Qura calendar."""

    year: int
    month: int
    day: int

    def isoformat(self) -> str:
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def month_name(self, lang: str) -> str:
        """The month's name: Arabic in `ar`, English transliteration otherwise."""
        return str(Hijri(self.year, self.month, 1).month_name("ar" if lang == "ar" else "en"))


def parse_iso_date(text: str) -> dt.date:
    """The date written `YYYY-MM-DD` (ASCII or Eastern Arabic digits, surrounding spaces
    ignored). Raises `ValueError` for any other spelling or for a day that does not exist."""
    found = _ISO.match(normalise_digits(text.strip()))
    if not found:
        raise ValueError(f"not a YYYY-MM-DD date: {text!r}")
    year, month, day = (int(part) for part in found.groups())
    return dt.date(year, month, day)


def to_hijri(day: dt.date) -> HijriDate | None:
    """The Umm al-Qura date of `day`, or None when `day` is outside the calendar's range."""
    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    except (OverflowError, ValueError):
        return None
    return HijriDate(hijri.year, hijri.month, hijri.day)


def from_hijri(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of an Umm al-Qura date. Raises `ValueError` (or `OverflowError`,
    a subclass of `ArithmeticError`) when the Hijri date does not exist or is out of range."""
    gregorian = Hijri(year, month, day).to_gregorian()
    return dt.date(gregorian.year, gregorian.month, gregorian.day)


def hijri_year(day: dt.date) -> int:
    """The Umm al-Qura year `day` falls in (reference numbers restart with it). Raises
    `ValueError` outside the calendar's range."""
    hijri = to_hijri(day)
    if hijri is None:
        raise ValueError(f"{day.isoformat()} is outside the Umm al-Qura calendar")
    return hijri.year


def resolve_bound(bound: str, today: dt.date) -> dt.date:
    """The date a definition's `min`/`max` means: `today`, `today+30d`, `today-730d` or an
    ISO date. Raises `ValueError` for anything else (the loader rejects such bounds)."""
    relative = _BOUND.match(bound)
    if relative:
        sign, days = relative.groups()
        offset = int(days or 0)
        return today - dt.timedelta(days=offset) if sign == "-" else today + dt.timedelta(offset)
    return parse_iso_date(bound)


def _as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else parse_iso_date(value)


def format_gregorian(value: dt.date | str, lang: str) -> str:
    """`2026/11/23` in Arabic (as Saudi forms write it), `23 November 2026` in English."""
    day = _as_date(value)
    if lang == "ar":
        return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"
    return f"{day.day} {_GREGORIAN_MONTHS_EN[day.month - 1]} {day.year}"


def format_date(value: dt.date | str, lang: str) -> str:
    """The Hijri date with the Gregorian date beside it, e.g.
    `13 جمادى الآخرة 1448 هـ (2026/11/23)` or
    `13 Jumada al-Akhirah 1448 AH (23 November 2026)`. Accepts a date or an ISO string
    (raises `ValueError` for a string that is not one). Outside the Umm al-Qura range only
    the Gregorian date is given."""
    day = _as_date(value)
    gregorian = format_gregorian(day, lang)
    hijri = to_hijri(day)
    if hijri is None:
        return gregorian
    era = "هـ" if lang == "ar" else "AH"
    return f"{hijri.day} {hijri.month_name(lang)} {hijri.year} {era} ({gregorian})"
