"""The one render tree of a submission: the review page, the PDF and the e-mail all walk
it, so they can never disagree about what was asked and answered.

A `Summary` has a `Section` per visible step with answers, each holding blocks: a `Row`
(label, value) per answered field (computed values included), a `Table` per group with
items, and `Files` per file field. Everything is display text in one language; hidden
fields, `hidden`-type values, `info` blocks and unanswered fields are left out. No markup:
each output escapes and styles the strings itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from khidma.definitions.model import Field, ServiceDefinition
from khidma.engine.display import display_value, size_text
from khidma.engine.evaluate import State, evaluate
from khidma.engine.prefill import Identity
from khidma.engine.values import is_empty

__all__ = [
    "Block",
    "DeclarationLine",
    "FileLine",
    "Files",
    "Row",
    "Section",
    "Summary",
    "Table",
    "build_summary",
]


@dataclass(frozen=True)
class Row:
    field_id: str
    label: str
    value: str


@dataclass(frozen=True)
class Table:
    """A group: one column per child field shown in any item, one row per item (an empty
    cell where the child is hidden in that item; file cells list the files' names)."""

    field_id: str
    label: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class FileLine:
    name: str
    size_text: str
    sha256: str
    kind: str


@dataclass(frozen=True)
class Files:
    field_id: str
    label: str
    files: tuple[FileLine, ...]


Block = Row | Table | Files


@dataclass(frozen=True)
class Section:
    step_id: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class DeclarationLine:
    """A declaration of the service; `accepted_at` is what the caller recorded (e.g. an
    ISO timestamp) for an accepted one."""

    declaration_id: str
    text: str
    accepted: bool
    accepted_at: str | None = None


@dataclass(frozen=True)
class Summary:
    lang: str
    service_title: str
    agency_name: str
    sections: tuple[Section, ...]
    declarations: tuple[DeclarationLine, ...]


def _label(field: Field, lang: str) -> str:
    return field.label.get(lang) if field.label is not None else field.id


def _shown(field: Field) -> bool:
    return field.type.holds_value and field.type_name != "hidden"


def _table(field: Field, state: State, lang: str) -> Table | None:
    items = state.items.get(field.id, ())
    if not items:
        return None
    children = [
        c for c in field.fields if _shown(c) and any(c.id in item.visible for item in items)
    ]
    rows = tuple(
        tuple(
            display_value(c, item.values.get(c.id), lang) if c.id in item.visible else ""
            for c in children
        )
        for item in items
    )
    return Table(field.id, _label(field, lang), tuple(_label(c, lang) for c in children), rows)


def _files(field: Field, value: Any, lang: str) -> Files:
    lines = tuple(
        FileLine(
            str(f.get("name", "")),
            size_text(int(f.get("size", 0)), lang),
            str(f.get("sha256", "")),
            str(f.get("kind", "")),
        )
        for f in value
        if isinstance(f, Mapping)
    )
    return Files(field.id, _label(field, lang), lines)


def _blocks(field: Field, state: State, lang: str) -> list[Block]:
    if field.id not in state.visible or not _shown(field):
        return []
    if field.type_name == "group":
        table = _table(field, state, lang)
        return [table, *_item_files(field, state, lang)] if table is not None else []
    value = state.values.get(field.id)
    if is_empty(value):
        return []
    if field.type_name == "file" and isinstance(value, list):
        return [_files(field, value, lang)]
    return [Row(field.id, _label(field, lang), display_value(field, value, lang))]


def _item_files(group: Field, state: State, lang: str) -> list[Block]:
    """The files inside a group's items, each item's with their size and SHA-256 (the
    table names them only)."""
    found: list[Block] = []
    for number, item in enumerate(state.items.get(group.id, ()), start=1):
        for child in group.fields:
            value = item.values.get(child.id)
            shown = child.type_name == "file" and child.id in item.visible
            if shown and isinstance(value, list) and value:
                block = _files(child, value, lang)
                title = f"{_label(group, lang)} {number} — {block.label}"
                found.append(Files(child.id, title, block.files))
    return found


def build_summary(
    definition: ServiceDefinition,
    answers: Mapping[str, Any],
    lang: str,
    *,
    declarations_accepted: Mapping[str, str] | None = None,
    today: dt.date | None = None,
    identity: Identity | None = None,
) -> Summary:
    """The render tree of `answers` (stored, normalised) in `lang`. `declarations_accepted`
    maps declaration id → when it was accepted; every declaration of the service is listed,
    accepted or not. `today` (for conditions that read it) defaults to the current date."""
    state = evaluate(
        definition, answers, today=today or dt.date.today(), lang=lang, identity=identity
    )
    sections = []
    for step in definition.steps:
        if step.id not in state.visible_steps:
            continue
        blocks = tuple(b for f in step.fields for b in _blocks(f, state, lang))
        if blocks:
            sections.append(Section(step.id, step.title.get(lang), blocks))
    accepted = declarations_accepted or {}
    declarations = tuple(
        DeclarationLine(d.id, d.text.get(lang), d.id in accepted, accepted.get(d.id))
        for d in definition.declarations
    )
    return Summary(
        lang=lang,
        service_title=definition.title.get(lang),
        agency_name=definition.agency.name.get(lang),
        sections=tuple(sections),
        declarations=declarations,
    )
