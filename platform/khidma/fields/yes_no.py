"""`yes_no`: a yes/no question, posted as `yes`/`no`, stored (and seen by expressions)
as true/false."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from khidma.fields.base import JSON
from khidma.fields.base import TEXT
from khidma.fields.base import FieldType
from khidma.fields.base import InvalidValue
from khidma.fields.base import ValueContext
from khidma.fields.base import Web
from khidma.fields.base import Words
from khidma.fields.base import key
from khidma.fields.base import setting_words

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec
    from khidma.fields.base import OptionSpec

_YES = frozenset({"yes", "true"})
_NO = frozenset({"no", "false"})
_WORDS = {True: ("نعم", "Yes"), False: ("لا", "No")}


class YesNo(FieldType):
    name = "yes_no"
    summary = "A yes/no question; expressions see true or false."
    keys: ClassVar[JSON] = {
        "yes_label": key(TEXT, "The words of the yes answer (default: Yes)."),
        "no_label": key(TEXT, "The words of the no answer (default: No)."),
    }
    required_variant = "yes_no"
    messages: ClassVar[dict[str, Words]] = {
        "yes_no.invalid": ("اختر نعم أو لا: {label}", "Select yes or no: {label}"),
    }
    example = "yes"
    web = Web(template="wizard/fields/choices.html", input_type="radio")

    @classmethod
    def normalise(cls, field: FieldSpec, raw: Any, ctx: ValueContext) -> bool:
        if isinstance(raw, bool):
            return raw
        text = raw.strip().lower() if isinstance(raw, str) else ""
        if text in _YES or text in _NO:
            return text in _YES
        raise InvalidValue("yes_no.invalid")

    @classmethod
    def answer_words(cls, field: FieldSpec, answer: bool, lang: str) -> str:
        """The words of one answer: the field's own label or Yes/No."""
        own = setting_words(field, "yes_label" if answer else "no_label", lang)
        return own or _WORDS[answer][1 if lang == "en" else 0]

    @classmethod
    def choices(
        cls, field: FieldSpec, options: tuple[OptionSpec, ...], lang: str
    ) -> tuple[tuple[str, str], ...]:
        return (
            ("yes", cls.answer_words(field, True, lang)),
            ("no", cls.answer_words(field, False, lang)),
        )

    @classmethod
    def display(cls, field: FieldSpec, value: Any, lang: str) -> str:
        return cls.answer_words(field, value, lang) if isinstance(value, bool) else str(value)

    @classmethod
    def control_value(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return "" if value is None else value
