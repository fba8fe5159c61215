"""`time`: a time of day, `H:MM`/`HH:MM` (seconds `:00` allowed), stored `HH:MM`."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from khidma.engine.identifiers import normalise_digits
from khidma.fields.base import JSON
from khidma.fields.base import FieldType
from khidma.fields.base import InvalidValue
from khidma.fields.base import ValueContext
from khidma.fields.base import Web
from khidma.fields.base import Words
from khidma.fields.base import key
from khidma.fields.dates import TIME
from khidma.fields.dates import TIME_OF_DAY

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")[:2]
    return int(hours) * 60 + int(minutes)


class Time(FieldType):
    name = "time"
    summary = "A time of day (HH:MM)."
    keys: ClassVar[JSON] = {
        "min": key(TIME_OF_DAY, "The earliest time accepted, `HH:MM`."),
        "max": key(TIME_OF_DAY, "The latest time accepted, `HH:MM`."),
        "step_minutes": key(
            {"type": "integer", "minimum": 1, "maximum": 720},
            "Times must fall on this many minutes after `min` (or midnight).",
        ),
    }
    messages: ClassVar[dict[str, Words]] = {
        "time.invalid": (
            "أدخل {label} بالساعة والدقيقة، مثل 14:30",
            "Enter {label} as hours and minutes, like 14:30",
        ),
        "time.out_of_range": (
            "يجب أن يكون {label} بين {min} و{max}",
            "{label} must be between {min} and {max}",
        ),
        "time.step": (
            "اختر {label} على رأس كل {step} دقيقة",
            "{label} must be on a {step}-minute mark",
        ),
    }
    example = "09:30"
    web = Web(input_type="time")

    @classmethod
    def normalise(cls, field: FieldSpec, raw: Any, ctx: ValueContext) -> str:
        found = TIME.match(normalise_digits(raw).strip()) if isinstance(raw, str) else None
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
