"""The expressions of one service: each is compiled, reads only names in its scope
(top-level field ids, `today`, `lang`; `item` inside a group, `option` in an
`options_filter`; `item.x` and `option.x` members that exist), calls known functions,
looks up known lists, and is type-checked (`definitions.typecheck`).

`Expressions.check` is what the blocks call as `c.expr(…)`; every expression accepted is
kept by its path in `compiled`, for the dependency graph.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from khidma import expressions
from khidma.definitions import defaults
from khidma.definitions import typecheck
from khidma.definitions.blocks.base import closest
from khidma.definitions.blocks.base import listing
from khidma.definitions.common import Option
from khidma.definitions.common import parse_options
from khidma.definitions.graph import MEMBER
from khidma.definitions.yamlsource import Path
from khidma.fields import FieldTypeRegistry

HOST_FUNCTIONS = frozenset({"lookup"})
_LOOKUP = re.compile(r"\blookup\s*\(\s*(\"[^\"]*\"|'[^']*'|[^,)]*)")

Report = Callable[..., tuple[int, int]]


class Expressions:
    """Checks the expressions of one service. `raw_fields` and `lists` are the
    compiler's, filled by the blocks' `index` before any expression is checked."""

    def __init__(
        self,
        report: Report,
        data: Mapping[str, Any],
        raw_fields: Mapping[str, tuple[dict[str, Any], Path, str | None]],
        lists: Mapping[str, tuple[Option, ...]],
        types: FieldTypeRegistry,
    ) -> None:
        self.report = report
        self.data = data
        self.raw_fields = raw_fields
        self.lists = lists
        self.types = types
        self.compiled: dict[Path, expressions.Expression] = {}
        self._scopes: dict[str, frozenset[str]] = {}
        self._attributes: dict[str, frozenset[str]] = {}
        self._service_types: typecheck.ServiceTypes | None = None

    # -- expressions -----------------------------------------------------------------
    def check(
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
                close = closest(name, known)
                self.report(
                    epath,
                    "expr.unknown-name",
                    f"expression reads {name!r}, which is not a field",
                    f"did you mean {close!r}?" if close else "names are field ids",
                )
            ok = False
        allowed_functions = expressions.function_names() | HOST_FUNCTIONS
        for function in sorted(expr.functions - allowed_functions):
            self.report(epath, "expr.unknown-function", f"unknown function {function!r}")
            ok = False
        for target in lookup_targets(source):
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
            self.compiled[epath] = typed
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
                known = {c for c, (_, _, g) in self.raw_fields.items() if g == group_id}
                message, what = f"item has no field {member!r}", "item fields"
            elif owner == "option" and "option" in expr.names:
                if option_list:
                    known = {"value", "label"} | {k for o in option_list for k in o}
                else:
                    known = set(self._list_attributes(options_from or ""))
                if not known:  # no list to check against (an unknown one is reported)
                    continue
                message, what = f"the options have no attribute {member!r}", "attributes"
            else:
                continue
            if member not in known:
                self.report(path, "expr.unknown-name", message, listing(what, known))
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


def lookup_targets(source: str) -> list[str]:
    """The list names `lookup(…)` calls in `source` name."""
    targets = []
    for arg in _LOOKUP.findall(source):
        arg = arg.strip()
        targets.append(arg[1:-1] if arg[:1] in "\"'" and arg[-1:] == arg[:1] else arg)
    return targets
