"""The one render tree of a submission: the review page, the request page, the PDF, the
e-mail and the JSON export all walk it, so they can never disagree about what was asked
and answered.

A `Summary` has a `Section` per visible step with answers, each holding blocks: a `Row`
(label, value) per answered field (computed values included), a `Table` per group with
items, and `Files` per file field (the files of a group's items too). Everything is
display text in one language; hidden fields, `hidden`-type values, `info` blocks and
unanswered fields are left out. No markup: each output escapes and styles the strings.

Every node names its `kind` (a class constant). Outputs dispatch on `kind` alone — never
on which attributes a node happens to have — and `export()` gives each node's JSON form
with stable keys. A new kind of block (a booking, a payment) is a dataclass here with
`kind` and `export()`, plus its templates in `renderer/templates/summary/kinds/`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import ClassVar
from typing import Protocol

from khidma.definitions.model import Field
from khidma.definitions.model import ServiceDefinition
from khidma.engine.display import display_value
from khidma.engine.display import size_text
from khidma.engine.evaluate import State
from khidma.engine.evaluate import evaluate
from khidma.engine.prefill import Identity
from khidma.engine.values import is_empty

__all__ = [
    "FORMAT",
    "Block",
    "DeclarationLine",
    "FeeLine",
    "FileLine",
    "Files",
    "Node",
    "Row",
    "Section",
    "Summary",
    "Table",
    "build_summary",
    "subject_line",
]

# Names the shape of `Summary.export()`; a change that breaks a reader of the JSON
# (a key renamed or removed) takes the next number.
FORMAT = "khidma.summary/1"


class Node(Protocol):
    """What every node of the tree offers its outputs."""

    kind: ClassVar[str]

    def export(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Row:
    """One answer. `value` is its display text; `data` the answer as the field type
    exports it (JSON), for the export. `is_list`: the value's lines are the items of a
    list (a computed value joined with newlines: documents to bring, instructions), not
    the lines of one text (an address)."""

    kind: ClassVar[str] = "row"
    field_id: str
    label: str
    value: str
    data: Any = None
    is_list: bool = False

    @property
    def lines(self) -> tuple[str, ...]:
        """The value's non-blank lines: a computed list joined with newlines (documents to
        bring, instructions) is shown as a list, not run together."""
        return tuple(line for line in self.value.split("\n") if line.strip()) or (self.value,)

    def export(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "field": self.field_id,
            "label": self.label,
            "text": self.value,
            "value": self.data,
        }


@dataclass(frozen=True)
class Table:
    """A group: one column per child field shown in any item, one row per item (an empty
    cell where the child is hidden in that item; file cells list the files' names).
    `column_ids` are the child fields' ids and `data` the cells as exported."""

    kind: ClassVar[str] = "table"
    field_id: str
    label: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    column_ids: tuple[str, ...] = ()
    data: tuple[tuple[Any, ...], ...] = ()

    def export(self) -> dict[str, Any]:
        ids = self.column_ids or tuple(str(i) for i in range(len(self.columns)))
        items = []
        for number, row in enumerate(self.rows):
            values = self.data[number] if number < len(self.data) else ()
            cells = {}
            for column, text in enumerate(row):
                value = values[column] if column < len(values) else None
                if text or value is not None:
                    cells[ids[column]] = {"text": text, "value": value}
            items.append(cells)
        return {
            "kind": self.kind,
            "field": self.field_id,
            "label": self.label,
            "columns": [{"field": i, "label": c} for i, c in zip(ids, self.columns, strict=True)],
            "items": items,
        }


@dataclass(frozen=True)
class FileLine:
    name: str
    size_text: str
    sha256: str
    kind: str  # the file's type as sniffed ("pdf", "png"…), not a node kind
    size: int = 0  # bytes

    def export(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file_type": self.kind,
            "size": self.size,
            "size_text": self.size_text,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class Files:
    """The files of a file field; inside a group, `group_id` and `item` (from 1) say whose."""

    kind: ClassVar[str] = "files"
    field_id: str
    label: str
    files: tuple[FileLine, ...]
    group_id: str | None = None
    item: int | None = None

    def export(self) -> dict[str, Any]:
        exported: dict[str, Any] = {"kind": self.kind, "field": self.field_id, "label": self.label}
        if self.group_id is not None:
            exported.update(group=self.group_id, item=self.item)
        exported["files"] = [f.export() for f in self.files]
        return exported


Block = Row | Table | Files


@dataclass(frozen=True)
class Section:
    kind: ClassVar[str] = "section"
    step_id: str
    title: str
    blocks: tuple[Block, ...]

    def export(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "step": self.step_id,
            "title": self.title,
            "blocks": [b.export() for b in self.blocks],
        }


@dataclass(frozen=True)
class DeclarationLine:
    """A declaration of the service; `accepted_at` is what the caller recorded (e.g. an
    ISO timestamp) for an accepted one."""

    kind: ClassVar[str] = "declaration"
    declaration_id: str
    text: str
    accepted: bool
    accepted_at: str | None = None

    def export(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.declaration_id,
            "text": self.text,
            "accepted": self.accepted,
            "accepted_at": self.accepted_at,
        }


@dataclass(frozen=True)
class FeeLine:
    """What the request costs, as kept with it at submit time (or quoted on the review
    page): `amount` in halalas and its display text, how it was worked out (`rule`), and
    when it is paid (`when`: "on_submit", "after_approval" or None), with its text. The
    payments feature makes it (`khidma.payments.display.fee_line`); the engine only
    carries it, so every output shows the same amount."""

    kind: ClassVar[str] = "fee"
    amount: int
    amount_text: str
    rule: str
    when: str | None
    when_text: str
    currency: str = "SAR"

    def export(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "amount": self.amount,
            "currency": self.currency,
            "text": self.amount_text,
            "rule": self.rule,
            "payable": self.when,
        }


@dataclass(frozen=True)
class Summary:
    kind: ClassVar[str] = "summary"
    lang: str
    service_title: str
    agency_name: str
    sections: tuple[Section, ...]
    declarations: tuple[DeclarationLine, ...]
    fee: FeeLine | None = None

    def export(self) -> dict[str, Any]:
        """The JSON form: plain dicts, lists, strings, numbers, booleans and None."""
        return {
            "format": FORMAT,
            "kind": self.kind,
            "lang": self.lang,
            "service": {"title": self.service_title, "agency": self.agency_name},
            "sections": [s.export() for s in self.sections],
            "declarations": [d.export() for d in self.declarations],
            "fee": self.fee.export() if self.fee is not None else None,
        }


def _label(field: Field, lang: str) -> str:
    return field.label.get(lang) if field.label is not None else field.id


def _shown(field: Field) -> bool:
    return field.type.summary_kind != "none"


def _exported(field: Field, value: Any) -> Any:
    """The answer as its field type exports it (`FieldType.export`)."""
    return field.type.export(value)


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
    data = tuple(
        tuple(
            _exported(c, item.values.get(c.id)) if c.id in item.visible else None for c in children
        )
        for item in items
    )
    return Table(
        field.id,
        _label(field, lang),
        tuple(_label(c, lang) for c in children),
        rows,
        tuple(c.id for c in children),
        data,
    )


def _file_lines(value: Any, lang: str) -> tuple[FileLine, ...]:
    return tuple(
        FileLine(
            str(f.get("name", "")),
            size_text(int(f.get("size", 0)), lang),
            str(f.get("sha256", "")),
            str(f.get("kind", "")),
            int(f.get("size", 0)),
        )
        for f in value
        if isinstance(f, Mapping)
    )


def _blocks(field: Field, state: State, lang: str) -> list[Block]:
    if field.id not in state.visible or not _shown(field):
        return []
    kind = field.type.summary_kind
    if kind == "table":
        table = _table(field, state, lang)
        return [table, *_item_files(field, state, lang)] if table is not None else []
    value = state.values.get(field.id)
    if is_empty(value):
        return []
    if kind == "files" and isinstance(value, list):
        return [Files(field.id, _label(field, lang), _file_lines(value, lang))]
    text = display_value(field, value, lang)
    listed = field.type.summary_listed
    return [Row(field.id, _label(field, lang), text, _exported(field, value), listed)]


def _item_files(group: Field, state: State, lang: str) -> list[Block]:
    """The files inside a group's items, each item's with their size and SHA-256 (the
    table names them only)."""
    found: list[Block] = []
    for number, item in enumerate(state.items.get(group.id, ()), start=1):
        for child in group.fields:
            value = item.values.get(child.id)
            shown = child.type.summary_kind == "files" and child.id in item.visible
            if shown and isinstance(value, list) and value:
                title = f"{_label(group, lang)} {number} — {_label(child, lang)}"
                found.append(Files(child.id, title, _file_lines(value, lang), group.id, number))
    return found


def build_summary(
    definition: ServiceDefinition,
    answers: Mapping[str, Any],
    lang: str,
    *,
    declarations_accepted: Mapping[str, str] | None = None,
    today: dt.date | None = None,
    identity: Identity | None = None,
    state: State | None = None,
) -> Summary:
    """The render tree of `answers` (stored, normalised) in `lang`. `declarations_accepted`
    maps declaration id → when it was accepted; every declaration of the service is listed,
    accepted or not. `today` (for conditions that read it) defaults to the current date.
    `state`, the caller's evaluation of the answers, is used when it holds for them."""
    day = today or dt.date.today()
    state = evaluate(definition, answers, today=day, lang=lang, identity=identity, known=state)
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


def subject_line(
    definition: ServiceDefinition, answers: Mapping[str, Any], lang: str, *, selects: int = 2
) -> str:
    """What a request is about, in one line, for lists of requests: for a booking the
    resource (centre, branch), the service booked and the day and time (the `booking`
    block's fields); otherwise the first `selects` answered drop-down choices.

    `answers` are a submission's stored answers, which hold visible answers only, so
    nothing is evaluated here: a list of many requests stays cheap."""
    booking = definition.booking
    ids: Sequence[str | None]
    if booking is not None:
        ids = [booking.resource_field, booking.service_field, booking.slot_field]
    else:
        ids = [
            f.id
            for f in definition.all_fields()
            if f.group is None and f.type.names_subject and not is_empty(answers.get(f.id))
        ][:selects]
    parts = [
        display_value(definition.field(i), answers.get(i), lang)
        for i in ids
        if i is not None and definition.has_field(i) and not is_empty(answers.get(i))
    ]
    return " — ".join(p for p in parts if p)
