"""Moments and days as the citizen reads them: Saudi local time, the Hijri date with the
Gregorian beside it. One place for the review page, my account, the PDF and the e-mail.
"""

from __future__ import annotations

import datetime as dt

from khidma.engine.dates import format_date, format_gregorian, to_hijri

__all__ = ["RIYADH", "date_pair", "day_text", "local_time", "moment_text"]

# Saudi Arabia keeps UTC+3 all year; stored timestamps are UTC.
RIYADH = dt.timezone(dt.timedelta(hours=3), "AST")

When = dt.datetime | dt.date | str | None


def local_time(moment: dt.datetime) -> dt.datetime:
    """A stored (UTC) timestamp as the time in Saudi Arabia."""
    return moment.astimezone(RIYADH)


def _parsed(value: When) -> dt.datetime | dt.date | None:
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return value


def day_text(value: When, lang: str) -> str:
    """The day of a timestamp or date, Hijri with the Gregorian beside it; text that is
    no date is shown as it is."""
    moment = _parsed(value)
    if moment is None:
        return "" if value is None else str(value)
    if isinstance(moment, dt.datetime):
        moment = local_time(moment).date() if moment.tzinfo else moment.date()
    return format_date(moment, lang)


def moment_text(value: When, lang: str) -> str:
    """A timestamp as Saudi local time: the day (Hijri and Gregorian) and hh:mm."""
    moment = _parsed(value)
    if moment is None:
        return "" if value is None else str(value)
    if not isinstance(moment, dt.datetime):
        return day_text(moment, lang)
    if moment.tzinfo is not None:
        moment = local_time(moment)
    return f"{format_date(moment.date(), lang)} {moment:%H:%M}"


def date_pair(moment: dt.datetime | dt.date, lang: str) -> tuple[str, str]:
    """(Hijri, Gregorian) texts of a day, as the PDFs print them side by side."""
    day = local_time(moment).date() if isinstance(moment, dt.datetime) else moment
    hijri = to_hijri(day)
    gregorian = format_gregorian(day, lang)
    if hijri is None:
        return gregorian, ""
    era = "هـ" if lang == "ar" else "AH"
    return f"{hijri.day} {hijri.month_name(lang)} {hijri.year} {era}", gregorian
