"""`appointment`: a day and time slot from the service's `booking` block, stored
`YYYY-MM-DDTHH:MM`. With a booking picker on the page it is drawn as the picker."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from khidma.engine.dates import parse_iso_date
from khidma.engine.identifiers import normalise_digits
from khidma.fields.base import InvalidValue
from khidma.fields.base import ValueContext
from khidma.fields.base import Web
from khidma.fields.base import Words
from khidma.fields.dates import TIME
from khidma.fields.dates import DayFamily
from khidma.fields.dates import day_text

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec

_APPOINTMENT = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})$")


class Appointment(DayFamily):
    name = "appointment"
    summary = "A day and time slot from the service's `booking` block."
    prefillable = False
    required_variant = "choose"
    messages: ClassVar[dict[str, Words]] = {
        "appointment.invalid": (
            "اختر موعداً متاحاً من المواعيد المعروضة",
            "Select an available appointment",
        ),
    }
    example = "2026-03-01T09:30"
    web = Web(template="wizard/fields/appointment.html", input_type="datetime-local")

    @classmethod
    def normalise(cls, field: FieldSpec, raw: Any, ctx: ValueContext) -> str:
        found = _APPOINTMENT.match(normalise_digits(raw).strip()) if isinstance(raw, str) else None
        if not found or not TIME.match(found.group(2)):
            raise InvalidValue("appointment.invalid")
        try:
            parse_iso_date(found.group(1))
        except ValueError:
            raise InvalidValue("appointment.invalid") from None
        return f"{found.group(1)}T{found.group(2)}"

    @classmethod
    def display(cls, field: FieldSpec, value: Any, lang: str) -> str:
        day, _, time = str(value).partition("T")
        shown = day_text(day, lang)
        return f"{shown}، الساعة {time}" if lang == "ar" else f"{shown}, {time}"
