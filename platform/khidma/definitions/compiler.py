"""Turn schema-valid service data into a `ServiceDefinition`, checking what the schema
cannot: references between parts, expressions, cycles, ranges, duplicates.

The compiler orchestrates: each top-level block of the file (`definitions.blocks`) checks
and compiles its own part, through the services this class offers them (`report`,
`expr`, the index of fields and lists); the dependency graph is `definitions.graph`'s,
the hash `definitions.hashing`'s. Every check reports a `Problem` with a stable code and
the place in the file; the compiler goes on after a problem so that one run shows them
all. It only runs on data the JSON Schema accepted, so it may rely on shapes, never on
meaning.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from khidma import expressions
from khidma.definitions import defaults, typecheck
from khidma.definitions.blocks import BlockRegistry
from khidma.definitions.blocks.base import listing
from khidma.definitions.blocks.builtin import registry as builtin_blocks
from khidma.definitions.common import Option, parse_options
from khidma.definitions.common import thaw as _thaw
from khidma.definitions.errors import Problem
from khidma.definitions.graph import MEMBER, dependencies, report_cycle, unit_order
from khidma.definitions.hashing import content_hash, digest, list_digest
from khidma.definitions.model import Field, ServiceDefinition, Step, Unit
from khidma.definitions.yamlsource import Located, Path
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

HOST_FUNCTIONS = frozenset({"lookup"})
_LOOKUP = re.compile(r"\blookup\s*\(\s*(\"[^\"]*\"|'[^']*'|[^,)]*)")
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
        self.compiled_exprs: dict[Path, expressions.Expression] = {}
        self.parts: dict[str, Any] = {}
        self._scopes: dict[str, frozenset[str]] = {}
        self._attributes: dict[str, frozenset[str]] = {}
        self._service_types: typecheck.ServiceTypes | None = None

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

    def _used_shared_lists(self) -> set[str]:
        used = {
            raw["options_from"]
            for raw, _, _ in self.raw_fields.values()
            if raw.get("options_from") in self.shared_lists
        }
        for expr in self.compiled_exprs.values():
            used.update(n for n in _lookup_targets(expr.source) if n in self.shared_lists)
        return used

    # -- expressions -----------------------------------------------------------------
    def expr(
        self,
        owner: Mapping[str, Any],
        key: str,
        path: Path,
        options_from: str | None,
        where: str,
        option_list: list[dict[str, Any]] | None = None,
    ) -> expressions.Expression | None:
        source = owner.get(key)
        if source is None:
            return None
        epath = (*path, key)
        try:
            expr = expressions.compile(source)
        except expressions.ExpressionSyntaxError as exc:
            self.report(
                epath,
                "expr.syntax",
                f"expression {source!r}: {exc.message}",
                "see the expressions section of docs/definition-format.md",
                column_offset=max((exc.column or 1) - 1, 0) if "\n" not in source else 0,
            )
            return None
        ok = True
        known = self._names_for(where)
        if key == "options_filter":
            known = known | {"option"}
        for name in sorted(expr.names - known):
            if name in ("item", "option"):
                self.report(
                    epath,
                    "expr.out-of-scope",
                    f"{name!r} is only available "
                    + ("inside a group's fields" if name == "item" else "in options_filter"),
                )
            elif self._group_field(name):
                self._report_group_field(epath, name, where)
            else:
                close = difflib.get_close_matches(name, sorted(known), n=1)
                self.report(
                    epath,
                    "expr.unknown-name",
                    f"expression reads {name!r}, which is not a field",
                    f"did you mean {close[0]!r}?" if close else "names are field ids",
                )
            ok = False
        allowed_functions = expressions.function_names() | HOST_FUNCTIONS
        for function in sorted(expr.functions - allowed_functions):
            self.report(epath, "expr.unknown-function", f"unknown function {function!r}")
            ok = False
        for target in _lookup_targets(source):
            if target not in self.lists:
                self.report(
                    epath,
                    "list.unknown",
                    f"lookup() names no option list {target!r}",
                    "the first argument of lookup is a list name in quotes; "
                    + listing("lists", self.lists),
                )
                ok = False
        ok = self._check_members(expr, epath, where, options_from, option_list) and ok
        typed = self._typed(expr, epath, key, options_from, option_list) if ok else None
        if typed is not None:
            self.compiled_exprs[epath] = typed
        return typed

    # -- types -----------------------------------------------------------------------
    def _typed(
        self,
        expr: expressions.Expression,
        epath: Path,
        key: str,
        options_from: str | None,
        option_list: list[dict[str, Any]] | None,
    ) -> expressions.Expression | None:
        """Type-check `expr` (khidma.definitions.typecheck); None when it is refused. The
        expression returned runs with the checker's numeric promotions."""
        expect = {"expression": "number" if epath[0] == "fees" else ""}.get(key, "bool")
        options = None
        if key == "options_filter":
            options = (
                parse_options(option_list) if option_list else self.lists.get(options_from or "")
            )
        checked = self.service_types.check(expr.source, self._group_of(epath), options, expect)
        for issue in checked.issues:
            offset = issue.offset if "\n" not in expr.source.strip() else 0
            self.report(
                epath,
                issue.code,
                f"expression {expr.source!r}: {issue.message}",
                issue.hint,
                column_offset=offset,
            )
        if checked.issues:
            return None
        return expr.promoted(checked.promotions) if checked.promotions else expr

    @property
    def service_types(self) -> typecheck.ServiceTypes:
        if self._service_types is None:  # once every field is indexed
            self._service_types = typecheck.ServiceTypes(
                {fid: (raw, group) for fid, (raw, _, group) in self.raw_fields.items()},
                self.lists,
                self.types,
            )
        return self._service_types

    def _group_field(self, name: str) -> str | None:
        entry = self.raw_fields.get(name)
        return entry[2] if entry else None

    def _report_group_field(self, epath: Path, name: str, where: str) -> None:
        group = self._group_field(name)
        inside = where == "item" and self._group_of(epath) == group
        self.report(
            epath,
            "expr.group-field",
            f"expression reads {name!r}, a field of group {group!r}, by its bare id",
            f"inside the group, read it as item.{name}"
            if inside
            else f"each item of {group!r} has its own {name}: e.g. "
            f"{group}.exists(i, i.{name} == …) or {group}.map(i, i.{name})",
        )

    def _names_for(self, where: str) -> frozenset[str]:
        if where not in self._scopes:
            self._scopes[where] = self._scope(where)
        return self._scopes[where]

    def _scope(self, where: str) -> frozenset[str]:
        top = {
            fid
            for fid, (raw, _, group) in self.raw_fields.items()
            if group is None and self.types[raw["type"]].holds_value
        }
        names = top | defaults.BUILTIN_NAMES
        if where == "item":
            names.add("item")
        return frozenset(names)

    def _check_members(
        self,
        expr: expressions.Expression,
        path: Path,
        where: str,
        options_from: str | None,
        option_list: list[dict[str, Any]] | None,
    ) -> bool:
        ok = True
        for owner, member in MEMBER.findall(expr.source):
            if owner == "item" and where == "item" and "item" in expr.names:
                group_id = self._group_of(path)
                children = {c for c, (_, _, g) in self.raw_fields.items() if g == group_id}
                if member not in children:
                    self.report(
                        path,
                        "expr.unknown-name",
                        f"item has no field {member!r}",
                        "item fields: " + ", ".join(sorted(children)),
                    )
                    ok = False
            elif owner == "option" and "option" in expr.names:
                if option_list:
                    attributes = frozenset({"value", "label"} | {k for o in option_list for k in o})
                else:
                    attributes = self._list_attributes(options_from or "")
                if attributes and member not in attributes:
                    self.report(
                        path,
                        "expr.unknown-name",
                        f"the options have no attribute {member!r}",
                        "attributes: " + ", ".join(sorted(attributes)),
                    )
                    ok = False
        return ok

    def _list_attributes(self, name: str) -> frozenset[str]:
        if name not in self._attributes:
            options = self.lists.get(name, ())
            found = {k for o in options for k in o.attributes}
            self._attributes[name] = (
                frozenset({"value", "label"} | found) if options else frozenset()
            )
        return self._attributes[name]

    def _group_of(self, path: Path) -> str | None:
        # path: steps, s, fields, i, fields, j, ...
        if len(path) >= 6 and path[4] == "fields":
            step = self.data["steps"][path[1]]
            group: str = step["fields"][path[3]]["id"]
            return group
        return None


def _lookup_targets(source: str) -> list[str]:
    targets = []
    for arg in _LOOKUP.findall(source):
        arg = arg.strip()
        targets.append(arg[1:-1] if arg[:1] in "\"'" and arg[-1:] == arg[:1] else arg)
    return targets


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
