"""`integer`: a whole number, stored as an int (`12.0` is 12; `12.5` is refused)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from khidma.fields.base import JSON
from khidma.fields.base import InvalidValue
from khidma.fields.base import ValueContext
from khidma.fields.base import Web
from khidma.fields.base import Words
from khidma.fields.numbers import RANGE_MESSAGES
from khidma.fields.numbers import UNIT
from khidma.fields.numbers import NumberFamily
from khidma.fields.numbers import check_range
from khidma.fields.numbers import decimal_of
from khidma.fields.numbers import range_keys

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec


class Integer(NumberFamily):
    name = "integer"
    summary = "A whole number."
    keys: ClassVar[JSON] = {
        **range_keys("integer"),
        "unit": UNIT,
    }
    messages: ClassVar[dict[str, Words]] = {
        **RANGE_MESSAGES,
        "integer.invalid": (
            "يجب أن يكون {label} عدداً صحيحاً دون كسور، مثل 12",
            "{label} must be a whole number, like 12",
        ),
    }
    example = "12"
    web = Web(inputmode="numeric")

    @classmethod
    def normalise(cls, field: FieldSpec, raw: Any, ctx: ValueContext) -> int:
        number = decimal_of(raw, "integer.invalid")
        if number != number.to_integral_value():
            raise InvalidValue("integer.invalid")
        check_range(field, number)
        return int(number)
