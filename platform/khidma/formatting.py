"""How the platform writes numbers, amounts of money, days and moments: one rule per
language for every output — page, PDF, e-mail, SMS. No Flask, no I/O; the engine, the
renderer, the web layer and the workers all call it (docs/architecture.md, "Words").

- **Digits**: Western (0–9) in Arabic and in English, as the agencies' portals and the
  services' own texts write them. Arabic-Indic digits typed by a citizen are accepted
  (`engine.identifiers.normalise_digits`) but never written.
- **Numbers**: thousands grouped with "," from five digits on — `12,500`, `1500`, and a
  year stays `2026` —, "." before decimals, no trailing zeros unless a field sets
  `decimals`.
- **Money**: the same grouping, always two decimals: `SAR 1500.00` in English,
  `1500.00 ر.س` in Arabic.
- **Time**: Saudi Arabia keeps UTC+3 all year (`RIYADH`); stored timestamps are UTC and
  shown as local time. A day is the Hijri date with the Gregorian beside it; a moment
  adds hh:mm.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from khidma.engine.dates import format_date
from khidma.engine.dates import format_gregorian
from khidma.engine.dates import to_hijri

__all__ = [
    "RIYADH",
    "date_pair",
    "day_text",
    "format_money",
    "format_number",
    "local_time",
    "moment_text",
]

RIYADH = dt.timezone(dt.timedelta(hours=3), "AST")
GROUP_FROM = 10_000  # below it a number is written without a thousands separator

When = dt.datetime | dt.date | str | None


def format_number(value: float | int, decimals: int | None = None) -> str:
    """`12,500` / `1500` / `12.5`: thousands grouped from five digits on (a year stays
    `2026`), no trailing zeros unless `decimals` is set."""
    group = "," if abs(value) >= GROUP_FROM else ""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:{group}}"
    if decimals is not None:
        return f"{value:{group}.{decimals}f}"
    text = f"{Decimal(repr(value)):{group}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_money(amount: int, lang: str, *, currency: bool = True) -> str:
    """Halalas as people read them: "SAR 12,345.50" in English, "12,345.50 ر.س" in
    Arabic. Without `currency`, the number alone ("1500.00"), as notification texts that
    say "ريال" themselves want."""
    sign = "-" if amount < 0 else ""
    whole, cents = divmod(abs(amount), 100)
    number = f"{sign}{format_number(whole)}.{cents:02d}"
    if not currency:
        return number
    return f"{number} ر.س" if lang == "ar" else f"SAR {number}"


def local_time(moment: dt.datetime) -> dt.datetime:
    """A stored (UTC) timestamp as the time in Saudi Arabia."""
    return moment.astimezone(RIYADH)


def local_date(moment: dt.datetime) -> dt.date:
    """The day in Saudi Arabia of a timestamp (a naive one is taken as it is)."""
    return local_time(moment).date() if moment.tzinfo else moment.date()


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
