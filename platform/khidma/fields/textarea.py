"""`textarea`: several lines of free text."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from khidma.fields.base import JSON
from khidma.fields.base import Web
from khidma.fields.base import key
from khidma.fields.text import LENGTH_MESSAGES
from khidma.fields.text import Text
from khidma.fields.text import length_keys

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec


class Textarea(Text):
    name = "textarea"
    summary = "Several lines of free text."
    multiline = True
    keys: ClassVar[JSON] = {
        **length_keys(20000),
        "rows": key({"type": "integer", "minimum": 2, "maximum": 30}, "The height of the box."),
    }
    messages = LENGTH_MESSAGES
    example = "First line\nSecond line"
    web = Web(template="wizard/fields/textarea.html")

    @classmethod
    def input_attributes(cls, field: FieldSpec) -> dict[str, Any]:
        return {**super().input_attributes(field), "rows": field.setting("rows") or 5}
