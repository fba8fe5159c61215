"""`hidden`: a value the applicant does not see — a default or a prefilled identity
claim; kept as sent (text stripped) and left out of the summary."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from khidma.fields.base import FieldType
from khidma.fields.base import InvalidValue
from khidma.fields.base import ValueContext
from khidma.fields.base import Web

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec


class Hidden(FieldType):
    name = "hidden"
    summary = "A value the applicant does not see: a default or a prefilled identity claim."
    required_keys = ("id", "type")
    summary_kind = "none"
    changeable = False
    always_locked = True
    example = "internal"
    web = Web(template="wizard/fields/hidden.html", posted="none")

    @classmethod
    def normalise(cls, field: FieldSpec, raw: Any, ctx: ValueContext) -> Any:
        if isinstance(raw, str):
            return raw.strip()
        if isinstance(raw, (bool, int, float)):
            return raw
        raise InvalidValue("value.invalid")
