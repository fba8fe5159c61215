"""The order in which the engine settles fields, and the host functions expressions call.

The compiler's `evaluation_order` puts every field after the fields its expressions name.
The engine settles a group together with its children (the group's value — the list of
items — is only known once every child of every item is), so it orders *units*: a
top-level field, or a group with its children. A unit comes after every top-level field
that its expressions, or its children's, read.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from khidma.definitions.model import Field, ServiceDefinition

__all__ = ["Unit", "host_functions", "plain", "units"]

Unit = tuple[Field, tuple[Field, ...]]  # a top-level field and, for a group, its children


def _reads(field: Field) -> set[str]:
    names: set[str] = set()
    for owner in (field, *field.fields):
        for expr in (owner.visible_when, owner.required_when, owner.options_filter):
            if expr is not None:
                names |= expr.names
        if owner.expression is not None:
            names |= owner.expression.names
    return names


def units(definition: ServiceDefinition) -> tuple[Unit, ...]:
    """Every top-level field as a unit, each after the top-level fields it reads; ties and
    (impossible in a compiled definition) cycles keep the compiler's order."""
    position = {fid: i for i, fid in enumerate(definition.evaluation_order)}
    top = [f for step in definition.steps for f in step.fields]
    ids = {f.id for f in top}
    reads = {f.id: (_reads(f) & ids) - {f.id} for f in top}
    waiting = {fid: len(names) for fid, names in reads.items()}
    readers: dict[str, list[str]] = {fid: [] for fid in ids}
    for reader, names in reads.items():
        for name in names:
            readers[name].append(reader)
    ready = [(position.get(fid, len(position)), fid) for fid, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    ordered: list[str] = []
    while ready:
        _, fid = heapq.heappop(ready)
        ordered.append(fid)
        for reader in readers[fid]:
            waiting[reader] -= 1
            if waiting[reader] == 0:
                heapq.heappush(ready, (position.get(reader, len(position)), reader))
    left = sorted(ids - set(ordered), key=lambda fid: position.get(fid, len(position)))
    by_id = {f.id: f for f in top}
    return tuple(
        (
            by_id[fid],
            tuple(sorted(by_id[fid].fields, key=lambda c: position.get(c.id, len(position)))),
        )
        for fid in [*ordered, *left]
    )


def plain(value: Any) -> Any:
    """`value` with read-only mappings and tuples turned into dicts and lists, as the
    expression runtime and JSON expect."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def host_functions(definition: ServiceDefinition) -> Mapping[str, Callable[..., Any]]:
    """The functions the platform adds to the expression language:
    `lookup(list, value)` — the option of `list` whose value is `value`, as a map of its
    attributes with `value` and `label` (Arabic); an empty map when there is no such list
    or option (so `lookup(...).x` is an evaluation error, never a crash)."""

    def lookup(list_id: Any, value: Any) -> dict[str, Any]:
        for option in definition.lists.get(str(list_id), ()):
            if option.value == value:
                result: dict[str, Any] = plain(option.as_context())
                return result
        return {}

    return MappingProxyType({"lookup": lookup})
