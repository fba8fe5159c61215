"""The package is untied: no import cycle among the modules of `khidma` and
`khidma.renderer`, and the layers import only downwards.

The imports are read with `ast`, not run. Every `import` statement counts wherever it
stands — at module level, inside a function, under `if TYPE_CHECKING:` — because an
import moved into a function or a type-checking block still ties the two modules
together; it only hides the cycle from the interpreter. `from package import name` is
an edge to the submodule `package.name` when there is one, else to the package.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# package name → the folder holding it (see `package-dir` in pyproject.toml)
SOURCES = {"khidma": ROOT / "platform" / "khidma", "khidma.renderer": ROOT / "renderer"}

# (importer prefix, imported prefix): a lower layer never imports a higher one.
FORBIDDEN_LAYERS = (
    ("khidma.identity", "khidma.web"),
    ("khidma.storage", "khidma.web"),
    ("khidma.engine", "khidma.web"),
    ("khidma.definitions", "khidma.web"),
    ("khidma.renderer", "khidma.web"),
    ("khidma.web", "khidma.app"),
)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    where: str  # file:line of the import statement


def modules() -> dict[str, Path]:
    """Every module of ours, by dotted name."""
    found: dict[str, Path] = {}
    for package, folder in SOURCES.items():
        for path in sorted(folder.rglob("*.py")):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([package, *parts])] = path
    return found


def _imported(name: str, path: Path, tree: ast.AST, known: set[str]) -> Iterator[tuple[str, int]]:
    """(dotted name, line) of every import in `tree`, relative imports resolved and each
    name cut back to the nearest module of ours ('' for a module not ours)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield _ours(alias.name, known), node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                # `from a.b import c` names the submodule a.b.c when there is one
                submodule = f"{base}.{alias.name}"
                yield _ours(submodule if submodule in known else base, known), node.lineno


def _ours(dotted: str, known: set[str]) -> str:
    while dotted and dotted not in known:
        dotted = dotted.rpartition(".")[0]
    return dotted


@cache
def import_graph() -> dict[str, dict[str, Edge]]:
    """Module → the modules of ours it imports (the first import statement of each);
    read once per test session (callers must not change it)."""
    known = modules()
    graph: dict[str, dict[str, Edge]] = {name: {} for name in known}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for target, line in _imported(name, path, tree, set(known)):
            if target and target != name:
                edge = Edge(name, target, f"{path.relative_to(ROOT)}:{line}")
                graph[name].setdefault(target, edge)
    return graph


def strongly_connected(graph: dict[str, dict[str, Edge]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative: the groups of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(group)
    return groups


def one_cycle(graph: dict[str, dict[str, Edge]], group: set[str]) -> list[Edge]:
    """A shortest cycle through the group's first module, as its import statements."""
    start = min(group)
    came_from: dict[str, Edge] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target, edge in sorted(graph[node].items()):
            if target not in group:
                continue
            if target == start:
                path = [edge]
                while path[0].source != start:
                    path.insert(0, came_from[path[0].source])
                return path
            if target not in came_from:
                came_from[target] = edge
                queue.append(target)
    raise AssertionError(f"no cycle through {start}")  # a group always has one


def describe(cycle: list[Edge]) -> str:
    names = " → ".join([cycle[0].source, *(edge.target for edge in cycle)])
    return names + "".join(f"\n    {e.source} imports {e.target} at {e.where}" for e in cycle)


def test_the_graph_sees_every_kind_of_import() -> None:
    graph = import_graph()
    assert len(graph) > 150
    # module level, relative, inside a function, and a submodule named by `from … import`
    assert "khidma.web.extensions" in graph["khidma.web.errors"]
    assert "khidma.storage.migrations" in graph["khidma.storage.db"]  # inside upgrade()
    assert "khidma.web.wizard" in graph["khidma.app"]  # `from khidma.web import … wizard`
    assert "khidma.renderer.summary" in graph["khidma.web.i18n"]


def test_the_cycle_finder_names_a_cycle() -> None:
    edge = {
        ("a", "b"): Edge("a", "b", "a.py:1"),
        ("b", "c"): Edge("b", "c", "b.py:2"),
        ("c", "a"): Edge("c", "a", "c.py:3"),
    }
    graph = {"a": {"b": edge["a", "b"]}, "b": {"c": edge["b", "c"]}, "c": {"a": edge["c", "a"]}}
    graph["d"] = {"a": Edge("d", "a", "d.py:4")}
    [group] = strongly_connected(graph)
    assert group == {"a", "b", "c"}
    assert describe(one_cycle(graph, group)).startswith("a → b → c → a\n    a imports b at a.py:1")


def test_no_import_cycle() -> None:
    graph = import_graph()
    cycles = [describe(one_cycle(graph, group)) for group in strongly_connected(graph)]
    assert not cycles, "import cycles (move the shared part to a module both can import):\n" + (
        "\n".join(cycles)
    )


def test_lower_layers_do_not_import_higher_ones() -> None:
    graph = import_graph()
    wrong = [
        f"{edge.source} imports {edge.target} at {edge.where}"
        for edges in graph.values()
        for edge in edges.values()
        for low, high in FORBIDDEN_LAYERS
        if _within(edge.source, low) and _within(edge.target, high)
    ]
    assert not wrong, "\n".join(wrong)


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")
