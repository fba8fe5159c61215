"""Field types: one module per type, one registry that knows them all.

A field type (`base.FieldType`) holds everything that is true of every field of that
type: the keys a definition may give it (its JSON Schema fragment, each key with a
description), how raw input becomes its stored value, the messages of its errors, how
its value is shown and exported, an example value, and its web side as data (`Web`:
template, how it is posted, input type). The engine, the web layer and the renderer read
those attributes; nothing asks for a type by name. Nothing here imports Flask or a
database. Adding a type: one module here (registered below) plus its template.
"""

from __future__ import annotations

from khidma.fields.appointment import Appointment
from khidma.fields.base import EXPR
from khidma.fields.base import ID
from khidma.fields.base import JSON
from khidma.fields.base import PREFILL_SOURCES
from khidma.fields.base import TEXT
from khidma.fields.base import FieldType
from khidma.fields.base import FieldTypeRegistry
from khidma.fields.base import InvalidValue
from khidma.fields.base import ValueContext
from khidma.fields.base import Web
from khidma.fields.checkboxes import Checkboxes
from khidma.fields.computed import Computed
from khidma.fields.date import Date
from khidma.fields.email import Email
from khidma.fields.file import FILE_KINDS
from khidma.fields.file import File
from khidma.fields.group import Group
from khidma.fields.hidden import Hidden
from khidma.fields.info import Info
from khidma.fields.integer import Integer
from khidma.fields.mobile import Mobile
from khidma.fields.national_id import NationalId
from khidma.fields.number import Number
from khidma.fields.radio import Radio
from khidma.fields.select import Select
from khidma.fields.text import Text
from khidma.fields.textarea import Textarea
from khidma.fields.time import Time
from khidma.fields.yes_no import YesNo

__all__ = [
    "EXPR",
    "FILE_KINDS",
    "ID",
    "JSON",
    "PREFILL_SOURCES",
    "TEXT",
    "FieldType",
    "FieldTypeRegistry",
    "InvalidValue",
    "ValueContext",
    "Web",
    "registry",
]

# The platform's types, in the order the docs and the schema list them.
registry = FieldTypeRegistry(
    (
        Text,
        Textarea,
        Number,
        Integer,
        Email,
        Mobile,
        NationalId,
        Date,
        Time,
        Select,
        Radio,
        Checkboxes,
        YesNo,
        File,
        Info,
        Computed,
        Hidden,
        Appointment,
        Group,
    )
)
