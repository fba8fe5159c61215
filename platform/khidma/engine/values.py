"""From raw input to stored value: each field type normalises its own input.

Raw input is what a browser posts (strings, lists of strings) or what the JSON API sends
(strings, numbers, booleans, lists, objects). `normalise` turns it into the value stored
with the submission and seen by expressions, or raises `InvalidValue` with a message
code; the rules of each type live in its module of `khidma.fields` (`FieldType.normalise`).

Every normaliser accepts its own output (`normalise(f, normalise(f, x)) == normalise(f, x)`),
which is what lets the whole submission be checked again at submit time. Empty input
(None, blank text, empty list) is the type's empty value; whether that is allowed is a
question of requiredness, answered by `khidma.engine.validate`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from khidma.definitions.model import Field
from khidma.definitions.model import Option
from khidma.fields import ValueContext

__all__ = ["ValueContext", "is_empty", "normalise"]


def is_empty(value: Any) -> bool:
    """True for None, blank text and empty lists/mappings: an unanswered input."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict, Mapping)):
        return len(value) == 0
    return False


def normalise(
    field: Field, raw: Any, *, today: dt.date, options: tuple[Option, ...] | None = None
) -> Any:
    """The stored value of `raw` for `field`, or `InvalidValue`. Empty input gives the
    type's empty value, and so does any input to a type that takes none (`computed`,
    `info`)."""
    if is_empty(raw) or not field.type.takes_input:
        return field.type.empty_value()
    return field.type.normalise(field, raw, ValueContext(today, options))
