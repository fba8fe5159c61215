"""`date`: `YYYY-MM-DD` (or `{day, month, year}` from three inputs), stored as the ISO
string, checked against `min`/`max` bounds relative to today, shown Hijri with the
Gregorian beside."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from khidma.engine.dates import from_hijri
from khidma.engine.dates import parse_iso_date
from khidma.engine.dates import resolve_bound
from khidma.engine.identifiers import normalise_digits
from khidma.fields.base import JSON
from khidma.fields.base import InvalidValue
from khidma.fields.base import ValueContext
from khidma.fields.base import Web
from khidma.fields.base import Words
from khidma.fields.base import key
from khidma.fields.dates import DATE_BOUND
from khidma.fields.dates import DayFamily
from khidma.fields.dates import day_text

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec

_BOUND_HELP = "`today`, `today+30d`, `today-18d` or a date `YYYY-MM-DD`"


class Date(DayFamily):
    name = "date"
    summary = "A date: stored Gregorian, shown Hijri with Gregorian beside."
    keys: ClassVar[JSON] = {
        "min": key(DATE_BOUND, f"The earliest date accepted: {_BOUND_HELP}."),
        "max": key(DATE_BOUND, f"The latest date accepted: {_BOUND_HELP}."),
    }
    messages: ClassVar[dict[str, Words]] = {
        "date.invalid": ("أدخل {label} تاريخاً صحيحاً", "{label} must be a real date"),
        "date.too_early": (
            "يجب أن يكون {label} في {min} أو بعده",
            "{label} must be on or after {min}",
        ),
        "date.too_late": (
            "يجب أن يكون {label} في {max} أو قبله",
            "{label} must be on or before {max}",
        ),
    }
    example = "2026-03-01"

    @classmethod
    def from_claim(cls, field: FieldSpec, claim: Any) -> Any:
        """A Hijri birth-date claim in this (Gregorian) field is converted rather than
        misread; one that is not a Hijri date gives no value."""
        if field.prefill == "date_of_birth_hijri" and claim:
            try:
                hijri = parse_iso_date(str(claim))
                return from_hijri(hijri.year, hijri.month, hijri.day).isoformat()
            except (ValueError, ArithmeticError):
                return None
        return claim

    web = Web(input_type="date")

    @classmethod
    def normalise(cls, field: FieldSpec, raw: Any, ctx: ValueContext) -> str:
        try:
            if isinstance(raw, Mapping):  # three inputs: day, month, year
                parts = [
                    normalise_digits(str(raw.get(k) or "")).strip()
                    for k in ("year", "month", "day")
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

    @classmethod
    def message_params(cls, field: FieldSpec, params: dict[str, Any], lang: str) -> dict[str, Any]:
        for bound_name in ("min", "max"):
            if isinstance(params.get(bound_name), str):
                params[bound_name] = day_text(params[bound_name], lang)
        return params

    @classmethod
    def display(cls, field: FieldSpec, value: Any, lang: str) -> str:
        return day_text(value, lang)
