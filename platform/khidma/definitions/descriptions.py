"""What each key of a service or lists file means, as editors show it on hover.

Each block describes its own keys (`descriptions` of its class in `definitions.blocks`),
each field type its own (in `khidma.fields`); this module adds the keys of the shared
definitions and of a lists file, and gathers them all in `SERVICE`. Paths are the keys
from the top of the file joined by `/`, list items skipped: `steps/fields` is the `fields`
of any step, `booking/resources/schedule` the schedule of any resource; `$defs/<name>/<key>`
are keys of a shared definition. docs/definition-format.md says the same at length.
"""

from __future__ import annotations

from khidma.definitions.blocks.builtin import registry

# Keys of the shared definitions (`$defs`), which no block owns.
DEFS: dict[str, str] = {
    "$defs/text/ar": "The Arabic text (shown first).",
    "$defs/text/en": "The English text.",
    "$defs/rule/check": "A CEL condition that must be true for the answer to be accepted.",
    "$defs/rule/message": "The error shown when the check is false.",
    "$defs/option/value": "Letters, digits, _ . - (at most 64): the value expressions see.",
    "$defs/option/label": "What the applicant sees.",
    "$defs/field/type": "The field's type; it decides which other keys the field takes.",
}

# Every key of a service file: the blocks' (each block describes its own keys) and the
# shared definitions'.
SERVICE: dict[str, str] = {**registry.descriptions(), **DEFS}

LISTS: dict[str, str] = {
    "kind": "`lists`: this file holds option lists shared by the services beside it.",
    "lists": "Option lists by id; services use them with `options_from`.",
}
