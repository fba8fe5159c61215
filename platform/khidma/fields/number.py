"""`number`: a decimal number, stored as a float."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from khidma.fields.base import JSON
from khidma.fields.base import InvalidValue
from khidma.fields.base import ValueContext
from khidma.fields.base import Web
from khidma.fields.base import Words
from khidma.fields.base import key
from khidma.fields.numbers import RANGE_MESSAGES
from khidma.fields.numbers import UNIT
from khidma.fields.numbers import NumberFamily
from khidma.fields.numbers import check_range
from khidma.fields.numbers import decimal_of
from khidma.fields.numbers import range_keys

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec


class Number(NumberFamily):
    name = "number"
    summary = "A decimal number."
    keys: ClassVar[JSON] = {
        **range_keys("number"),
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
