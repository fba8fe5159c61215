"""`group`: a repeatable group; the applicant adds items, each with the group's fields.
Posted as `group-<i>-<child>` with a `group-count`; stored as a list of item dicts."""

from __future__ import annotations

from collections.abc import Mapping
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

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec


class Group(FieldType):
    name = "group"
    summary = "A repeatable group: the applicant adds items, each with the group's fields."
    prefillable = False
    value_shape = "items"
    keys: ClassVar[JSON] = {
        "fields": key(
            {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/field"}},
            "The fields of each item (no groups inside a group).",
        ),
        "min_items": key(
            {"type": "integer", "minimum": 0, "maximum": 100}, "The fewest items accepted."
        ),
        "max_items": key(
            {"type": "integer", "minimum": 1, "maximum": 100}, "The most items accepted."
        ),
        "add_label": key(TEXT, "The words of the add button."),
        "remove_label": key(TEXT, "The words of each item's remove button."),
        "item_title": key(TEXT, "The heading of each item; `{n}` is its number."),
    }
    required_keys = ("id", "type", "label", "fields")
    summary_kind = "table"
    messages: ClassVar[dict[str, Words]] = {
        "group.too_few": ("أضف {min} على الأقل إلى {label}", "Add at least {min} to {label}"),
        "group.too_many": (
            "يمكنك إضافة {max} على الأكثر إلى {label}",
            "Add no more than {max} to {label}",
        ),
    }
    example: ClassVar[Any] = [{}]
    web = Web(template="wizard/fields/group.html", posted="items")

    @classmethod
    def normalise(cls, field: FieldSpec, raw: Any, ctx: ValueContext) -> list[dict[str, Any]]:
        """Only the shape: a list of items (or a form's {"0": item, "1": item}), each a
        mapping from child id to raw input; keys that are not children are dropped. The
        engine normalises each child with that child's own type."""
        if isinstance(raw, Mapping):
            if not all(isinstance(k, str) and k.isdigit() for k in raw):
                raise InvalidValue("value.invalid")
            raw = [raw[k] for k in sorted(raw, key=int)]
        if not isinstance(raw, (list, tuple)) or not all(isinstance(i, Mapping) for i in raw):
            raise InvalidValue("value.invalid")
        children = [child.id for child in field.fields if child.type.holds_value]
        return [{cid: item[cid] for cid in children if cid in item} for item in raw]
