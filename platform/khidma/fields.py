"""Field types: one class per type, one registry that knows them all.

A field type holds everything that is true of every field of that type: the keys a
definition may give it (its JSON Schema fragment), what kind of value it holds, and — as
the engine grows — how that value is normalised, checked and shown. The web layer adds
how it renders; nothing here imports Flask or a database.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

JSON = dict[str, Any]

TEXT: JSON = {"$ref": "#/$defs/text"}
EXPR: JSON = {"$ref": "#/$defs/expression"}
ID: JSON = {"$ref": "#/$defs/id"}

PREFILL_SOURCES = (
    "national_id",
    "full_name_ar",
    "full_name_en",
    "first_name_ar",
    "family_name_ar",
    "mobile",
    "email",
    "date_of_birth",
    "date_of_birth_hijri",
    "nationality",
    "gender",
)

FILE_KINDS = ("pdf", "jpeg", "png", "webp", "docx", "xlsx")

# Keys every field that holds an answer accepts.
COMMON_INPUT: JSON = {
    "id": ID,
    "type": {"type": "string"},
    "label": TEXT,
    "hint": TEXT,
    "placeholder": TEXT,
    "default": {},
    "prefill": {"enum": list(PREFILL_SOURCES)},
    "readonly": {"type": "boolean"},
    "required": {"type": "boolean"},
    "visible_when": EXPR,
    "required_when": EXPR,
    "rules": {"type": "array", "items": {"$ref": "#/$defs/rule"}},
}

OPTION_KEYS: JSON = {
    "options": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/option"}},
    "options_from": ID,
    "options_filter": EXPR,
}

DATE_BOUND: JSON = {
    "type": "string",
    "pattern": r"^(today([+-][0-9]{1,4}d)?|[0-9]{4}-[0-9]{2}-[0-9]{2})$",
}
TIME_OF_DAY: JSON = {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$"}


class FieldType:
    """What every field of one type has in common. Subclasses set the class attributes."""

    name: ClassVar[str]
    summary: ClassVar[str]  # one line, for docs and `khidma schema`
    holds_value: ClassVar[bool] = True  # False for display-only blocks
    value_shape: ClassVar[str] = "scalar"  # "scalar" | "list" | "items" | "files"
    has_options: ClassVar[bool] = False
    keys: ClassVar[JSON] = {}
    required_keys: ClassVar[tuple[str, ...]] = ("id", "type", "label")

    @classmethod
    def schema(cls) -> JSON:
        base = dict(COMMON_INPUT) if cls.holds_value else {"id": ID, "type": {"type": "string"}}
        if cls.has_options:
            base.update(OPTION_KEYS)
        base.update(cls.keys)
        base["type"] = {"const": cls.name}
        return {
            "type": "object",
            "properties": base,
            "required": list(cls.required_keys),
            "additionalProperties": False,
        }

    @classmethod
    def empty_value(cls) -> Any:
        """The value expressions see for an unanswered field of this type."""
        return [] if cls.value_shape in ("list", "items", "files") else None


class FieldTypeRegistry:
    """Name → field type. Refuses two types with one name; tests may build their own."""

    def __init__(self) -> None:
        self._types: dict[str, type[FieldType]] = {}

    def register(self, field_type: type[FieldType]) -> type[FieldType]:
        if field_type.name in self._types:
            raise ValueError(f"field type {field_type.name!r} is already registered")
        self._types[field_type.name] = field_type
        return field_type

    def __getitem__(self, name: str) -> type[FieldType]:
        return self._types[name]

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def __iter__(self) -> Iterator[type[FieldType]]:
        return iter(self._types.values())

    def names(self) -> list[str]:
        return list(self._types)

    def as_mapping(self) -> Mapping[str, type[FieldType]]:
        return dict(self._types)


registry = FieldTypeRegistry()


@registry.register
class Text(FieldType):
    name = "text"
    summary = "One line of text."
    keys: ClassVar[JSON] = {
        "min_length": {"type": "integer", "minimum": 0, "maximum": 10000},
        "max_length": {"type": "integer", "minimum": 1, "maximum": 10000},
        "pattern": {"type": "string", "minLength": 1},
        "pattern_message": TEXT,
    }


@registry.register
class Textarea(FieldType):
    name = "textarea"
    summary = "Several lines of free text."
    keys: ClassVar[JSON] = {
        "min_length": {"type": "integer", "minimum": 0, "maximum": 20000},
        "max_length": {"type": "integer", "minimum": 1, "maximum": 20000},
        "rows": {"type": "integer", "minimum": 2, "maximum": 30},
    }


@registry.register
class Number(FieldType):
    name = "number"
    summary = "A decimal number."
    keys: ClassVar[JSON] = {
        "min": {"type": "number"},
        "max": {"type": "number"},
        "decimals": {"type": "integer", "minimum": 0, "maximum": 6},
        "unit": TEXT,
    }


@registry.register
class Integer(FieldType):
    name = "integer"
    summary = "A whole number."
    keys: ClassVar[JSON] = {
        "min": {"type": "integer"},
        "max": {"type": "integer"},
        "unit": TEXT,
    }


@registry.register
class Email(FieldType):
    name = "email"
    summary = "An e-mail address."
    keys: ClassVar[JSON] = {"max_length": {"type": "integer", "minimum": 6, "maximum": 254}}


@registry.register
class Mobile(FieldType):
    name = "mobile"
    summary = "A Saudi mobile number in any common spelling, stored as E.164 (+9665…)."


@registry.register
class NationalId(FieldType):
    name = "national_id"
    summary = "A national ID (starts with 1) or iqama (starts with 2): 10 digits, checksum."
    keys: ClassVar[JSON] = {
        "accept": {
            "type": "array",
            "items": {"enum": ["citizen", "resident"]},
            "minItems": 1,
            "uniqueItems": True,
        },
    }


@registry.register
class Date(FieldType):
    name = "date"
    summary = "A date: stored Gregorian, shown Hijri with Gregorian beside."
    keys: ClassVar[JSON] = {"min": DATE_BOUND, "max": DATE_BOUND}


@registry.register
class Time(FieldType):
    name = "time"
    summary = "A time of day (HH:MM)."
    keys: ClassVar[JSON] = {
        "min": TIME_OF_DAY,
        "max": TIME_OF_DAY,
        "step_minutes": {"type": "integer", "minimum": 1, "maximum": 720},
    }


@registry.register
class Select(FieldType):
    name = "select"
    summary = "One choice from a drop-down list."
    has_options = True


@registry.register
class Radio(FieldType):
    name = "radio"
    summary = "One choice from a short list shown as radio buttons."
    has_options = True


@registry.register
class Checkboxes(FieldType):
    name = "checkboxes"
    summary = "Any number of choices from a list."
    has_options = True
    value_shape = "list"
    keys: ClassVar[JSON] = {
        "min_selected": {"type": "integer", "minimum": 0, "maximum": 100},
        "max_selected": {"type": "integer", "minimum": 1, "maximum": 100},
    }


@registry.register
class YesNo(FieldType):
    name = "yes_no"
    summary = "A yes/no question; expressions see true or false."
    keys: ClassVar[JSON] = {"yes_label": TEXT, "no_label": TEXT}


@registry.register
class File(FieldType):
    name = "file"
    summary = "One or more uploaded files, checked by content, type and size."
    value_shape = "files"
    keys: ClassVar[JSON] = {
        "accept": {
            "type": "array",
            "items": {"enum": list(FILE_KINDS)},
            "minItems": 1,
            "uniqueItems": True,
        },
        "max_size_mb": {"type": "number", "exclusiveMinimum": 0, "maximum": 50},
        "max_files": {"type": "integer", "minimum": 1, "maximum": 20},
    }


@registry.register
class Info(FieldType):
    name = "info"
    summary = "A block of text shown to the applicant; holds no answer."
    holds_value = False
    required_keys = ("id", "type", "content")
    keys: ClassVar[JSON] = {
        "title": TEXT,
        "content": TEXT,
        "style": {"enum": ["note", "warning", "success"]},
        "visible_when": EXPR,
    }


@registry.register
class Computed(FieldType):
    name = "computed"
    summary = "A read-only value computed from other answers by an expression."
    required_keys = ("id", "type", "label", "expression")
    keys: ClassVar[JSON] = {
        "expression": EXPR,
        "format": {"enum": ["text", "integer", "number"]},
        "unit": TEXT,
    }

    @classmethod
    def schema(cls) -> JSON:
        schema = super().schema()
        for key in ("placeholder", "default", "prefill", "readonly", "required", "required_when"):
            del schema["properties"][key]
        return schema


@registry.register
class Hidden(FieldType):
    name = "hidden"
    summary = "A value the applicant does not see: a default or a prefilled identity claim."
    required_keys = ("id", "type")


@registry.register
class Appointment(FieldType):
    name = "appointment"
    summary = "A day and time slot from the service's `booking` block."


@registry.register
class Group(FieldType):
    name = "group"
    summary = "A repeatable group: the applicant adds items, each with the group's fields."
    value_shape = "items"
    keys: ClassVar[JSON] = {
        "fields": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/field"}},
        "min_items": {"type": "integer", "minimum": 0, "maximum": 100},
        "max_items": {"type": "integer", "minimum": 1, "maximum": 100},
        "add_label": TEXT,
        "remove_label": TEXT,
        "item_title": TEXT,
    }
    required_keys = ("id", "type", "label", "fields")
