"""A field type that is not the platform's: a colour, `#RRGGBB`. The one module a new
type needs (its template is `templates/wizard/fields/colour.html` beside it)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from khidma.fields import FieldType
from khidma.fields import InvalidValue
from khidma.fields import ValueContext
from khidma.fields import Web

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec

_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")
_NAMES = {"#1b8354": ("أخضر سعودي", "Saudi green")}


class Colour(FieldType):
    name = "colour"
    summary = "A colour, as #RRGGBB."
    messages: ClassVar[dict[str, tuple[str, str]]] = {
        "colour.invalid": ("أدخل {label} بالصيغة ‎#RRGGBB", "Enter {label} as #RRGGBB"),
    }
    example = "#1B8354"
    web = Web(template="wizard/fields/colour.html", input_type="color")

    @classmethod
    def normalise(cls, field: FieldSpec, raw: Any, ctx: ValueContext) -> str:
        found = _HEX.match(raw.strip()) if isinstance(raw, str) else None
        if found is None:
            raise InvalidValue("colour.invalid")
        return "#" + found.group(1).lower()

    @classmethod
    def display(cls, field: FieldSpec, value: Any, lang: str) -> str:
        words = _NAMES.get(str(value))
        shown = str(value).lstrip("#").upper()  # a bare "#" is reordered in Arabic text
        return f"{words[1 if lang == 'en' else 0]} ({shown})" if words else shown

    @classmethod
    def export(cls, value: Any) -> Any:
        return {"hex": value}
