"""`checkboxes`: any number of choices, stored as a list of values in the options' order."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from khidma.fields.base import JSON
from khidma.fields.base import InvalidValue
from khidma.fields.base import ValueContext
from khidma.fields.base import Web
from khidma.fields.base import Words
from khidma.fields.base import join_words
from khidma.fields.base import key
from khidma.fields.options import OPTION_MESSAGES
from khidma.fields.options import OptionsFamily
from khidma.fields.options import allowed
from khidma.fields.options import option_label

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec


class Checkboxes(OptionsFamily):
    name = "checkboxes"
    summary = "Any number of choices from a list."
    prefillable = False
    value_shape = "list"
    keys: ClassVar[JSON] = {
        "min_selected": key(
            {"type": "integer", "minimum": 0, "maximum": 100}, "The fewest choices accepted."
        ),
        "max_selected": key(
            {"type": "integer", "minimum": 1, "maximum": 100}, "The most choices accepted."
        ),
    }
    messages: ClassVar[dict[str, Words]] = {
        **OPTION_MESSAGES,
        "checkboxes.too_few": (
            "اختر {min} على الأقل من {label}",
            "Select at least {min} for {label}",
        ),
        "checkboxes.too_many": (
            "اختر {max} على الأكثر من {label}",
            "Select no more than {max} for {label}",
        ),
    }
    example: ClassVar[Any] = ["first"]
    web = Web(template="wizard/fields/choices.html", posted="several", input_type="checkbox")

    @classmethod
    def normalise(cls, field: FieldSpec, raw: Any, ctx: ValueContext) -> list[str]:
        chosen = [raw] if isinstance(raw, str) else raw
        if not isinstance(chosen, (list, tuple)) or not all(isinstance(c, str) for c in chosen):
            raise InvalidValue("option.invalid")
        wanted = {c.strip() for c in chosen if c.strip()}
        choices = allowed(field, ctx)
        if not wanted <= set(choices):
            raise InvalidValue("option.invalid")
        values = [value for value in choices if value in wanted]
        low, high = field.setting("min_selected"), field.setting("max_selected")
        if low is not None and len(values) < low:
            raise InvalidValue("checkboxes.too_few", min=low)
        if high is not None and len(values) > high:
            raise InvalidValue("checkboxes.too_many", max=high)
        return values

    @classmethod
    def display(cls, field: FieldSpec, value: Any, lang: str) -> str:
        if not isinstance(value, list):
            return str(value)
        return join_words([option_label(field, v, lang) for v in value], lang)

    @classmethod
    def control_value(cls, value: Any) -> Any:
        return list(value or [])
