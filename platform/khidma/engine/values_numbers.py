"""Numbers as people type them: Eastern Arabic digits, the Arabic decimal separator `٫`,
thousands grouped with `,` or `٬`, a leading sign. Stored as float (`number`) or int
(`integer`); exponents, infinities and more than 15 digits are refused.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from khidma.definitions.model import Field
from khidma.engine.errors import InvalidValue
from khidma.engine.identifiers import normalise_digits

if TYPE_CHECKING:
    from khidma.engine.values import ValueContext

__all__ = ["normalise_integer", "normalise_number"]

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_NUMBER_SPACES = re.compile(r"[\s\u066c\u200e\u200f\u2009\u202f]")
_LIMIT = Decimal(10) ** 15  # beyond exact float integers; no form asks for more


def _decimal(raw: Any, code: str) -> Decimal:
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


def _range(field: Field, number: Decimal) -> None:
    minimum, maximum = field.setting("min"), field.setting("max")
    if minimum is not None and number < Decimal(str(minimum)):
        raise InvalidValue("number.too_small", min=minimum)
    if maximum is not None and number > Decimal(str(maximum)):
        raise InvalidValue("number.too_large", max=maximum)
    if abs(number) >= _LIMIT:
        raise InvalidValue("number.too_large", max=int(_LIMIT) - 1)


def normalise_number(field: Field, raw: Any, ctx: ValueContext) -> float:
    """A decimal number within `min`/`max` with at most `decimals` places, as a float."""
    number = _decimal(raw, "number.invalid")
    decimals = field.setting("decimals")
    exponent = number.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if decimals is not None and places > decimals:
        raise InvalidValue("number.decimals", max=decimals)
    _range(field, number)
    return float(number)


def normalise_integer(field: Field, raw: Any, ctx: ValueContext) -> int:
    """A whole number within `min`/`max` (`12.0` is 12; `12.5` is refused), as an int."""
    number = _decimal(raw, "integer.invalid")
    if number != number.to_integral_value():
        raise InvalidValue("integer.invalid")
    _range(field, number)
    return int(number)
