"""Turn schema-valid service data into a `ServiceDefinition`, checking what the schema
cannot: references between parts, expressions, cycles, ranges, duplicates.

The compiler orchestrates: each top-level block of the file (`definitions.blocks`) checks
and compiles its own part, through the services this class offers them (`report`,
`expr`, the index of fields and lists); the expression checks are `definitions.scope`'s,
the dependency graph `definitions.graph`'s, the hash `definitions.hashing`'s. Every check
reports a `Problem` with a stable code and the place in the file; the compiler goes on
after a problem so that one run shows them all. It only runs on data the JSON Schema
accepted, so it may rely on shapes, never on meaning.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from khidma.definitions import typecheck
from khidma.definitions.blocks import BlockRegistry
from khidma.definitions.blocks.builtin import registry as builtin_blocks
from khidma.definitions.common import Option
from khidma.definitions.common import parse_options
from khidma.definitions.common import thaw as _thaw
from khidma.definitions.errors import Problem
from khidma.definitions.graph import dependencies
from khidma.definitions.graph import report_cycle
from khidma.definitions.graph import unit_order
from khidma.definitions.hashing import content_hash
from khidma.definitions.hashing import digest
from khidma.definitions.hashing import list_digest
from khidma.definitions.model import Field
from khidma.definitions.model import ServiceDefinition
from khidma.definitions.model import Step
from khidma.definitions.model import Unit
from khidma.definitions.scope import Expressions
from khidma.definitions.scope import lookup_targets
from khidma.definitions.yamlsource import Located
from khidma.definitions.yamlsource import Path
from khidma.fields import FieldTypeRegistry
from khidma.fields import registry as default_registry

# what the loader and the snapshots import from here
__all__ = [
    "Compiler",
    "_thaw",
    "compile_service",
    "content_hash",
    "digest",
    "list_digest",
    "parse_options",
]

# what the definition holds besides the blocks' parts
_OWN = frozenset(
    {
        "hash",
        "source",
        "lists",
        "affects",
        "evaluation_order",
        "evaluation_units",
        "raw",
        "shared_lists_used",
        "extensions",
        "_fields",
    }
)
_DECLARED = frozenset(f.name for f in dataclasses.fields(ServiceDefinition)) - _OWN


class Compiler:
    """Compiles one service file. Use `compile_service`."""

    def __init__(
        self,
        located: Located,
        file: str,
        shared_lists: Mapping[str, tuple[Option, ...]],
        types: FieldTypeRegistry,
        list_digests: Mapping[str, str] | None = None,
        blocks: BlockRegistry = builtin_blocks,
    ) -> None:
        self.list_digests = list_digests or {}
        self.located = located
        self.data: dict[str, Any] = located.data
        self.file = file
        self.types = types
        self.blocks = blocks
        self.problems: list[Problem] = []
        self.shared_lists = shared_lists
        self.lists: dict[str, tuple[Option, ...]] = dict(shared_lists)
        self.raw_fields: dict[str, tuple[dict[str, Any], Path, str | None]] = {}
        self.parts: dict[str, Any] = {}
        self.expressions = Expressions(self.report, self.data, self.raw_fields, self.lists, types)
        self.compiled_exprs = self.expressions.compiled
        self.expr = self.expressions.check  # what a block calls as `c.expr(…)`

    # -- reporting -------------------------------------------------------------------
    def report(
        self,
        path: Path,
        code: str,
        message: str,
        hint: str = "",
        *,
        key: bool = False,
        column_offset: int = 0,
        after: tuple[int, int] | None = None,
    ) -> tuple[int, int]:
        """Record a problem at `path`; `after` is the place of the problem causing it.
        Returns the place, for problems caused by this one."""
        line, col = self.located.where(path, key=key)
        self.problems.append(
            Problem(self.file, line, col + column_offset, code, message, hint, after)
        )
        return line, col + column_offset

    # -- entry -----------------------------------------------------------------------
    def compile(self) -> ServiceDefinition | None:
        for block in self.blocks:  # option lists and field ids, before any reference
            block.index(self)
        for block in self.blocks:
            self.parts.update(block.compile(self))
        graph = dependencies(self.raw_fields, self.compiled_exprs)
        for cycle in graph.cycles:
            report_cycle(self, cycle, self.raw_fields, self.compiled_exprs, graph.field_at)
        if self.problems:
            return None
        used = sorted(self._used_shared_lists())
        list_digests = {
            name: self.list_digests[name]
            if name in self.list_digests
            else list_digest(self.shared_lists[name])
            for name in used
        }
        steps: tuple[Step, ...] = self.parts["steps"]
        fields = {f.id: f for s in steps for top in s.fields for f in (top, *top.fields)}
        declared = {k: v for k, v in self.parts.items() if k in _DECLARED}
        extensions = {k: v for k, v in self.parts.items() if k not in _DECLARED}
        return ServiceDefinition(
            **declared,
            hash=content_hash(self.located.digest or digest(self.data), list_digests),
            source=self.file,
            lists=MappingProxyType(dict(self.lists)),
            affects=MappingProxyType(dict(graph.affects)),
            evaluation_order=graph.order,
            evaluation_units=_units(steps, graph.order),
            raw=MappingProxyType(self.data),
            shared_lists_used=tuple(used),
            extensions=MappingProxyType(extensions),
            _fields=MappingProxyType(fields),
        )

    @property
    def service_types(self) -> typecheck.ServiceTypes:
        return self.expressions.service_types

    def _used_shared_lists(self) -> set[str]:
        used = {
            raw["options_from"]
            for raw, _, _ in self.raw_fields.values()
            if raw.get("options_from") in self.shared_lists
        }
        for expr in self.compiled_exprs.values():
            used.update(n for n in lookup_targets(expr.source) if n in self.shared_lists)
        return used


def _reads(field: Field) -> set[str]:
    """What a unit reads: the names of its field's and its children's conditions, option
    filters and computed expressions."""
    names: set[str] = set()
    for owner in (field, *field.fields):
        for expr in (owner.visible_when, owner.required_when, owner.options_filter):
            if expr is not None:
                names |= expr.names
        if owner.expression is not None:
            names |= owner.expression.names
    return names


def _units(steps: tuple[Step, ...], order: tuple[str, ...]) -> tuple[Unit, ...]:
    """Every top-level field as a unit (a group with its children), each after the
    top-level fields it reads; ties keep `order`. The engine settles a group together
    with its children: its value, the list of items, is known once every child is."""
    position = {fid: i for i, fid in enumerate(order)}
    top = [f for step in steps for f in step.fields]
    ids = {f.id for f in top}
    by_id = {f.id: f for f in top}
    reads = {f.id: (_reads(f) & ids) - {f.id} for f in top}
    return tuple(
        (
            by_id[fid],
            tuple(sorted(by_id[fid].fields, key=lambda c: position.get(c.id, len(position)))),
        )
        for fid in unit_order(reads, position)
    )


def compile_service(
    located: Located,
    file: str,
    shared_lists: Mapping[str, tuple[Option, ...]],
    types: FieldTypeRegistry = default_registry,
    list_digests: Mapping[str, str] | None = None,
    blocks: BlockRegistry = builtin_blocks,
) -> tuple[ServiceDefinition | None, list[Problem]]:
    compiler = Compiler(located, file, shared_lists, types, list_digests, blocks)
    definition = compiler.compile()
    return definition, compiler.problems
