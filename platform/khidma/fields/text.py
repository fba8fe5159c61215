"""`text`: one line of text, with optional length limits and a pattern."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from khidma.engine.identifiers import normalise_digits
from khidma.fields.base import CONTROL
from khidma.fields.base import JSON
from khidma.fields.base import TEXT
from khidma.fields.base import FieldType
from khidma.fields.base import InvalidValue
from khidma.fields.base import ValueContext
from khidma.fields.base import Web
from khidma.fields.base import key
from khidma.fields.base import setting_text

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec

LENGTH_MESSAGES = {
    "text.invalid": ("أدخل {label} نصاً", "Enter {label} as text"),
    "text.too_short": (
        "يجب ألا يقل عدد أحرف {label} عن {min}",
        "{label} must be {min} characters or more",
    ),
    "text.too_long": (
        "يجب ألا يزيد عدد أحرف {label} على {max}",
        "{label} must be {max} characters or fewer",
    ),
}


def length_keys(limit: int) -> JSON:
    return {
        "min_length": key(
            {"type": "integer", "minimum": 0, "maximum": limit}, "The fewest characters accepted."
        ),
        "max_length": key(
            {"type": "integer", "minimum": 1, "maximum": limit}, "The most characters accepted."
        ),
    }


def length_attributes(field: FieldSpec) -> dict[str, Any]:
    """`maxlength`/`minlength` as WTForms' `Length` flags gave them: only with a maximum."""
    attrs: dict[str, Any] = {}
    if field.setting("max_length"):
        if field.setting("min_length"):
            attrs["minlength"] = field.setting("min_length")
        attrs["maxlength"] = field.setting("max_length")
    return attrs


class Text(FieldType):
    name = "text"
    summary = "One line of text."
    multiline: ClassVar[bool] = False
    keys: ClassVar[JSON] = {
        **length_keys(10000),
        "pattern": key(
            {"type": "string", "minLength": 1},
            "A regular expression the whole answer must match (digits typed in Arabic count).",
        ),
        "pattern_message": key(TEXT, "The message shown when the pattern does not match."),
    }
    messages: ClassVar[dict[str, tuple[str, str]]] = {
        **LENGTH_MESSAGES,
        "text.pattern": (
            "صيغة {label} غير صحيحة؛ تحقق مما أدخلته",
            "{label} is not in the right format; check what you entered",
        ),
    }
    example = "Nora"
    web = Web()

    @classmethod
    def normalise(cls, field: FieldSpec, raw: Any, ctx: ValueContext) -> str:
        if not isinstance(raw, str):
            raise InvalidValue("text.invalid")
        text = raw.replace("\r\n", "\n").replace("\r", "\n")
        if not cls.multiline:
            text = re.sub(r"[\n\t]+", " ", text)
        text = CONTROL.sub("", text).strip()
        pattern = field.setting("pattern")
        if pattern:
            # A postal code typed on an Arabic keyboard must pass `^[0-9]{5}$`.
            text = normalise_digits(text)
        minimum, maximum = field.setting("min_length"), field.setting("max_length")
        if minimum is not None and len(text) < minimum:
            raise InvalidValue("text.too_short", min=minimum)
        if maximum is not None and len(text) > maximum:
            raise InvalidValue("text.too_long", max=maximum)
        if pattern and not re.fullmatch(pattern, text):
            raise InvalidValue("text.pattern", setting_text(field, "pattern_message"))
        return text

    @classmethod
    def input_attributes(cls, field: FieldSpec) -> dict[str, Any]:
        return {**super().input_attributes(field), **length_attributes(field)}
