"""`number`: a decimal number, stored as a float."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from khidma.fields.base import JSON, InvalidValue, ValueContext, Web, Words, key
from khidma.fields.numbers import RANGE_MESSAGES, UNIT, NumberFamily, bound, check_range, decimal_of

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec


class Number(NumberFamily):
    name = "number"
    summary = "A decimal number."
    keys: ClassVar[JSON] = {
        "min": bound("number", "smallest"),
        "max": bound("number", "largest"),
        "decimals": key(
            {"type": "integer", "minimum": 0, "maximum": 6}, "The most decimal places accepted."
        ),
        "unit": UNIT,
    }
    messages: ClassVar[dict[str, Words]] = {
        **RANGE_MESSAGES,
        "number.invalid": (
            "يجب أن يكون {label} رقماً، مثل 12 أو 12.5",
            "{label} must be a number, like 12 or 12.5",
        ),
        "number.decimals": (
            "يجب ألا يزيد عدد المنازل العشرية في {label} على {max}",
            "{label} must have {max} decimal places or fewer",
        ),
    }
    example = "12.5"
    web = Web(inputmode="decimal")

    @classmethod
    def normalise(cls, field: FieldSpec, raw: Any, ctx: ValueContext) -> float:
        """A decimal number within `min`/`max` with at most `decimals` places."""
        number = decimal_of(raw, "number.invalid")
        decimals = field.setting("decimals")
        exponent = number.normalize().as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        if decimals is not None and places > decimals:
            raise InvalidValue("number.decimals", max=decimals)
        check_range(field, number)
        return float(number)
