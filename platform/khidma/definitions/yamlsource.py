"""Read YAML into plain data while remembering where every value and key stood.

`yaml.safe_load` forgets positions, so we compose the node graph with the safe loader and
build the data ourselves, recording the 1-based line and column of every value (by its
path of keys and indexes) and of every mapping key. Duplicate keys, which PyYAML silently
overwrites, are reported; so are alias bombs and recursive anchors.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]

MAX_NODES = 200_000
MAX_DEPTH = 64


@dataclass
class Located:
    """The data of one YAML document and where each part of it stood in the file.
    `positions`, when given, loads `values` and `keys` the first time they are needed."""

    data: Any
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    duplicates: list[tuple[Path, int, int]] = field(default_factory=list)
    digest: str | None = None  # of `data`, when already known (the cache keeps it)
    positions: (
        Callable[[], tuple[dict[Path, tuple[int, int]], dict[Path, tuple[int, int]]]] | None
    ) = field(default=None, repr=False)

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at `path` (of its key, with key=True), or of its
        nearest located ancestor."""
        if self.positions is not None:
            # if the positions are lost, problems are reported at the nearest known place
            with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
                self.values, self.keys = self.positions()
            self.positions = None
        path = tuple(path)
        if key and path in self.keys:
            return self.keys[path]
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))


class YamlProblem(Exception):
    def __init__(self, code: str, message: str, line: int, column: int, hint: str = "") -> None:
        super().__init__(message)
        self.code, self.message, self.line, self.column, self.hint = (
            code,
            message,
            line,
            column,
            hint,
        )


# libyaml composes the node graph ~10x faster and keeps the marks we need.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    def __init__(self) -> None:
        self.located = Located(None)
        self.constructor = yaml.SafeLoader("")
        self.count = 0

    def build(self, node: yaml.Node, path: Path, depth: int, stack: frozenset[int]) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            line, col = _mark(node)
            raise YamlProblem(
                "yaml.too-large",
                f"the document expands to more than {MAX_NODES} values",
                line,
                col,
                "a service file needs far fewer; check anchors and aliases",
            )
        if depth > MAX_DEPTH or id(node) in stack:
            line, col = _mark(node)
            raise YamlProblem(
                "yaml.too-deep",
                "the document nests too deeply or refers to itself",
                line,
                col,
                "remove the recursive anchor/alias",
            )
        self.located.values.setdefault(path, _mark(node))
        inner = stack | {id(node)}
        if isinstance(node, yaml.MappingNode):
            self.constructor.flatten_mapping(node)
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    line, col = _mark(key_node)
                    raise YamlProblem("yaml.bad-key", "a key must be a plain value", line, col)
                # Keys are names: `on:`, `yes:` or `2026-01-01:` stay text as written.
                key = str(key_node.value)
                if key in result:
                    self.located.duplicates.append(((*path, key), *_mark(key_node)))
                self.located.keys[(*path, key)] = _mark(key_node)
                self.located.values[(*path, key)] = _mark(value_node)
                result[key] = self.build(value_node, (*path, key), depth + 1, inner)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [
                self.build(item, (*path, i), depth + 1, inner) for i, item in enumerate(node.value)
            ]
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (ValueError, TypeError, OverflowError) as exc:
            # e.g. a timestamp-looking scalar that is not a real date ("2026-02-30")
            line, col = _mark(node)
            raise YamlProblem(
                "yaml.bad-scalar",
                f"unreadable value {node.value!r}: {exc}",
                line,
                col,
                "quote the value to keep it as text",
            ) from None
        # Dates stay text: the schema and the engine speak ISO 8601 strings.
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, bytes):
            return value.decode("latin-1")
        return value


def load_located(text: str) -> Located:
    """Parse one YAML document. Raises `YamlProblem` on anything that is not readable YAML."""
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlProblem(
            "yaml.syntax",
            f"{exc.problem or exc.context or 'invalid YAML'}",
            line,
            col,
            "check indentation and quoting around this place",
        ) from None
    except yaml.YAMLError as exc:
        raise YamlProblem("yaml.syntax", str(exc).splitlines()[0], 1, 1) from None
    builder = _Builder()
    if node is None:
        builder.located.values[()] = (1, 1)
        return builder.located
    try:
        builder.located.data = builder.build(node, (), 0, frozenset())
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlProblem("yaml.syntax", str(exc.problem or exc), line, col) from None
    return builder.located
