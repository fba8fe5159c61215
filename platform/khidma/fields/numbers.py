"""The family of number fields (`number`, `integer`): numbers as people type them —
Eastern Arabic digits, the Arabic decimal separator `٫`, thousands grouped with `,` or
`٬`, a leading sign. Exponents, infinities and more than 15 digits are refused."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING
from typing import Any

from khidma.engine.identifiers import normalise_digits
from khidma.fields.base import JSON
from khidma.fields.base import TEXT
from khidma.fields.base import FieldType
from khidma.fields.base import InvalidValue
from khidma.fields.base import Words
from khidma.fields.base import key
from khidma.fields.base import setting_words
from khidma.formatting import format_number

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_NUMBER_SPACES = re.compile(r"[\s\u066c\u200e\u200f\u2009\u202f]")
_LIMIT = Decimal(10) ** 15  # beyond exact float integers; no form asks for more

UNIT = key(TEXT, "The unit shown after the number (SAR, hours, m²).")

RANGE_MESSAGES: dict[str, Words] = {
    "number.too_small": ("يجب ألا يقل {label} عن {min}", "{label} must be {min} or more"),
    "number.too_large": ("يجب ألا يزيد {label} على {max}", "{label} must be {max} or less"),
}


def decimal_of(raw: Any, code: str) -> Decimal:
    if isinstance(raw, bool):
        raise InvalidValue(code)
    if isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw))
    elif isinstance(raw, str):
        text = _NUMBER_SPACES.sub("", normalise_digits(raw)).replace("٫", ".").replace("−", "-")
        if _GROUPED.match(text):
            text = text.replace(",", "")
        if not _NUMBER.match(text):
            raise InvalidValue(code)
        number = Decimal(text)
    else:
        raise InvalidValue(code)
    if not number.is_finite():
        raise InvalidValue(code)
    return number


def check_range(field: FieldSpec, number: Decimal) -> None:
    minimum, maximum = field.setting("min"), field.setting("max")
    if minimum is not None and number < Decimal(str(minimum)):
        raise InvalidValue("number.too_small", min=minimum)
    if maximum is not None and number > Decimal(str(maximum)):
        raise InvalidValue("number.too_large", max=maximum)
    if abs(number) >= _LIMIT:
        raise InvalidValue("number.too_large", max=int(_LIMIT) - 1)


def with_unit(text: str, field: FieldSpec, lang: str) -> str:
    unit = setting_words(field, "unit", lang)
    return f"{text} {unit}" if unit is not None else text


def number_text(field: FieldSpec, value: Any, lang: str) -> str:
    """A number grouped as `format_number` does, with the field's unit."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return with_unit(format_number(value, field.setting("decimals")), field, lang)


class NumberFamily(FieldType):
    """What `number` and `integer` share: the range check, the unit, the display."""

    @classmethod
    def display(cls, field: FieldSpec, value: Any, lang: str) -> str:
        return number_text(field, value, lang)


def range_keys(kind: str) -> JSON:
    """The `min` and `max` keys `check_range` reads, for numbers of JSON type `kind`."""
    return {
        "min": key({"type": kind}, "The smallest value accepted."),
        "max": key({"type": kind}, "The largest value accepted."),
    }
