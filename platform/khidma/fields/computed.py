"""`computed`: a read-only value computed from other answers by an expression; a text
value of several lines is shown as a list."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from khidma.fields.base import EXPR
from khidma.fields.base import JSON
from khidma.fields.base import FieldType
from khidma.fields.base import Web
from khidma.fields.base import key
from khidma.fields.numbers import UNIT
from khidma.fields.numbers import number_text
from khidma.fields.numbers import with_unit

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec


class Computed(FieldType):
    name = "computed"
    summary = "A read-only value computed from other answers by an expression."
    prefillable = False
    takes_input = False
    required_keys = ("id", "type", "label", "expression")
    without_keys = ("placeholder", "default", "prefill", "readonly", "required", "required_when")
    keys: ClassVar[JSON] = {
        "expression": key(EXPR, "The expression whose result is the value."),
        "format": key(
            {"enum": ["text", "integer", "number"]}, "How the result is shown (default text)."
        ),
        "unit": UNIT,
    }
    summary_listed = True
    changeable = False
    web = Web(template="wizard/fields/computed.html", posted="none")

    @classmethod
    def display(cls, field: FieldSpec, value: Any, lang: str) -> str:
        if field.setting("format") in ("integer", "number"):
            return number_text(field, value, lang)
        return with_unit(super().display(field, value, lang), field, lang)
