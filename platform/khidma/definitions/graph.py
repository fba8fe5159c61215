"""The dependency graph between fields, worked out once per definition at compile time.

A field reads the fields its `visible_when`, `required_when`, `options_filter` and
computed `expression` name (rules only validate, they shape nothing shown); a group reads
its items' fields. From that come the cycles (problems), `affects` (which fields must be
re-rendered when one changes, transitively) and the orders the engine evaluates in: the
compiler stores both on the definition, so no evaluation sorts anything.

Pure and about names only: it knows field ids, the place of each expression and which
names each reads, nothing of the model.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from khidma.definitions.blocks.base import Compiling
from khidma.definitions.yamlsource import Path
from khidma.expressions import Expression

# `item.x` / `option.x` in an expression's source: the members it reads
MEMBER = re.compile(r"\b(item|option)\s*\.\s*([A-Za-z_]\w*)")

RawFields = Mapping[str, tuple[Mapping[str, Any], Path, str | None]]


def item_members(source: str) -> set[str]:
    """The `item.x` names of an expression."""
    return {m for o, m in MEMBER.findall(source) if o == "item"}


@dataclass(frozen=True)
class Dependencies:
    reads: Mapping[str, set[str]]  # field id → the field ids it reads
    affects: Mapping[str, frozenset[str]]  # field id → every field its change affects
    order: tuple[str, ...]  # every field id, each after the fields it reads
    cycles: list[list[str]]  # each a list of ids, each reading the next (the last the first)
    field_at: Mapping[Path, str]  # a field's path → its id


def dependencies(raw_fields: RawFields, exprs: Mapping[Path, Expression]) -> Dependencies:
    """Who reads whom, what each change affects, the cycles, a safe evaluation order."""
    reads: dict[str, set[str]] = {fid: set() for fid in raw_fields}
    field_at = {fpath: fid for fid, (_, fpath, _) in raw_fields.items()}
    for epath, expr in exprs.items():
        # expressions directly under a field; rules (…, "rules", k, "check") validate,
        # they do not shape what is shown, so they are not dependencies
        owner = field_at.get(epath[:-1])
        if owner is None:
            continue
        names = set(expr.names) & set(raw_fields)
        if "item" in expr.names:
            group = raw_fields[owner][2]
            names |= item_members(expr.source)
            names.discard(group or "")
        reads[owner] |= names
    # a group's value is made of its items' values
    for fid, (_, _, group) in raw_fields.items():
        if group is not None:
            reads[group].add(fid)
    order, cycles = toposort(reads)
    affects: dict[str, set[str]] = {fid: set() for fid in raw_fields}
    for reader, sources in reads.items():
        for source in sources:
            affects[source].add(reader)
    # a change inside a group item is a change of the group's value (`people.map(…)`)
    for fid, (_, _, group) in raw_fields.items():
        if group is not None:
            affects[fid].add(group)
    closure = {fid: frozenset(reach(fid, affects) - {fid}) for fid in affects}
    return Dependencies(reads, closure, tuple(order), cycles, field_at)


def report_cycle(
    c: Compiling,
    cycle: list[str],
    raw_fields: RawFields,
    exprs: Mapping[Path, Expression],
    field_at: Mapping[Path, str],
) -> None:
    """A cycle is reported at each expression that makes one of its links (field i
    reads field i+1); a link made by a group holding its items has no expression."""
    all_computed = all(raw_fields[f][0]["type"] == "computed" for f in cycle)
    code = "computed.cycle" if all_computed else "condition.cycle"
    circle = " → ".join([*cycle, cycle[0]])
    hint = "break the circle: a value cannot depend on itself"
    reported = False
    for reader, source in zip(cycle, [*cycle[1:], cycle[0]], strict=True):
        for epath, expr in exprs.items():
            if field_at.get(epath[:-1]) != reader:
                continue
            if source in expr.names or source in item_members(expr.source):
                c.report(
                    epath,
                    code,
                    f"{reader}'s {epath[-1]} reads {source}, and so on in a circle: {circle}",
                    hint,
                )
                reported = True
    if not reported:
        c.report(raw_fields[cycle[0]][1], code, f"a circle: {circle}", hint)


def unit_order(reads: Mapping[str, set[str]], position: Mapping[str, int]) -> list[str]:
    """The top-level fields (the keys of `reads`, each with the top-level fields it or
    its children read), each after what it reads; ties, and (impossible in a compiled
    definition) cycles, keep the order of `position`."""
    ids = set(reads)
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
    return [*ordered, *left]


def reach(start: str, edges: Mapping[str, Iterable[str]]) -> set[str]:
    """Every node reachable from `start` (not `start` itself, unless on a cycle)."""
    seen: set[str] = set()
    stack = list(edges.get(start, ()))
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(edges.get(node, ()))
    return seen


def toposort(reads: Mapping[str, set[str]]) -> tuple[list[str], list[list[str]]]:
    """Order nodes so each comes after what it reads; also return the cycles found."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done
    cycles: list[list[str]] = []
    for root in reads:
        if state.get(root):
            continue
        stack: list[tuple[str, list[str]]] = [(root, sorted(reads[root]))]
        path = [root]
        state[root] = 1
        while stack:
            node, pending = stack[-1]
            if pending:
                nxt = pending.pop()
                if state.get(nxt) == 1:
                    cycles.append(path[path.index(nxt) :])
                elif not state.get(nxt):
                    state[nxt] = 1
                    path.append(nxt)
                    stack.append((nxt, sorted(reads.get(nxt, ()))))
            else:
                stack.pop()
                path.pop()
                state[node] = 2
                order.append(node)
    unique: dict[frozenset[str], list[str]] = {}
    for cycle in cycles:
        unique.setdefault(frozenset(cycle), cycle)
    return order, list(unique.values())
