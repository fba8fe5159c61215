"""The family of choice fields (`select`, `radio`, `checkboxes`): an inline list of
options or a shared list (`options_from`), filtered by an expression; the stored value
is the option's value, shown as its label."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from khidma.fields.base import EXPR
from khidma.fields.base import ID
from khidma.fields.base import JSON
from khidma.fields.base import FieldType
from khidma.fields.base import InvalidValue
from khidma.fields.base import ValueContext
from khidma.fields.base import Words
from khidma.fields.base import key

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec

OPTION_KEYS: JSON = {
    "options": key(
        {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/option"}},
        "The choices: each a `value` and a bilingual `label`.",
    ),
    "options_from": key(ID, "The id of a shared list (a `kind: lists` file) to choose from."),
    "options_filter": key(
        EXPR, "An expression over `option` (and the answers): only options it keeps are shown."
    ),
}

OPTION_MESSAGES: dict[str, Words] = {
    "option.invalid": ("اختر {label} من القائمة", "Select {label} from the list"),
}


def allowed(field: FieldSpec, ctx: ValueContext) -> tuple[str, ...]:
    options = ctx.options if ctx.options is not None else field.options or ()
    return tuple(option.value for option in options)


def option_label(field: FieldSpec, value: Any, lang: str) -> str:
    for option in field.options or ():
        if option.value == value:
            return option.label.get(lang)
    return str(value)


class OptionsFamily(FieldType):
    """One choice among the options allowed now."""

    has_options = True
    family_keys = OPTION_KEYS
    required_variant = "choose"
    messages: ClassVar[dict[str, Words]] = OPTION_MESSAGES

    @classmethod
    def normalise(cls, field: FieldSpec, raw: Any, ctx: ValueContext) -> Any:
        value = raw.strip() if isinstance(raw, str) else None
        if value is None or value not in allowed(field, ctx):
            raise InvalidValue("option.invalid")
        return value

    @classmethod
    def display(cls, field: FieldSpec, value: Any, lang: str) -> str:
        return option_label(field, value, lang)
