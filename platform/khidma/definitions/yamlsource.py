"""Read YAML into plain data while remembering where every value and key stood.

`yaml.safe_load` forgets positions, so we compose the node graph with the safe loader and
build the data ourselves, recording the 1-based line and column of every value (by its
path of keys and indexes) and of every mapping key. Duplicate keys, which PyYAML silently
overwrites, are reported; so are alias bombs and recursive anchors.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import yaml

from khidma.definitions.errors import impossible_date_hint

Path = tuple[str | int, ...]

MAX_NODES = 200_000
MAX_DEPTH = 64
MAX_FLOW_BRACKETS = 5000


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


_TAG_NAMES = {
    "tag:yaml.org,2002:bool": "true/false value",
    "tag:yaml.org,2002:int": "whole number",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:timestamp": "date",
    "tag:yaml.org,2002:null": "empty value",
    "tag:yaml.org,2002:binary": "base64 value",
}


_STR = "tag:yaml.org,2002:str"


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


class _Lines:
    """Line and column of a character offset, counting only "\n" as a line break.

    YAML also breaks lines at U+2028, U+2029, U+0085 and a lone CR, which editors and
    `file:line` tools do not; a mark's own line number would then be off by one for
    every such character above it."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, mark: yaml.Mark | None) -> tuple[int, int]:
        if mark is None:
            return 1, 1
        index = mark.index
        line = bisect.bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1


class _Builder:
    def __init__(self, lines: _Lines) -> None:
        self.where = lines
        self.located = Located(None)
        self.constructor = yaml.SafeLoader("")
        self.count = 0

    def build(self, node: yaml.Node, path: Path, depth: int, stack: frozenset[int]) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            line, col = self.where(node.start_mark)
            raise YamlProblem(
                "yaml.too-large",
                f"the document expands to more than {MAX_NODES} values",
                line,
                col,
                "a service file needs far fewer; check anchors and aliases",
            )
        if depth > MAX_DEPTH or id(node) in stack:
            line, col = self.where(node.start_mark)
            raise YamlProblem(
                "yaml.too-deep",
                "the document nests too deeply or refers to itself",
                line,
                col,
                "remove the recursive anchor/alias",
            )
        self.located.values.setdefault(path, self.where(node.start_mark))
        inner = stack | {id(node)}
        if isinstance(node, yaml.MappingNode):
            explicit = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
            self.constructor.flatten_mapping(node)
            merged = len(node.value) - explicit  # `<<:` pairs come first; later keys override
            result: dict[Any, Any] = {}
            explicit_keys: set[str] = set()
            for position, (key_node, value_node) in enumerate(node.value):
                if not isinstance(key_node, yaml.ScalarNode):
                    line, col = self.where(key_node.start_mark)
                    raise YamlProblem("yaml.bad-key", "a key must be a plain value", line, col)
                # Keys are names: `on:`, `yes:` or `2026-01-01:` stay text as written.
                key = str(key_node.value)
                if position >= merged:
                    if key in explicit_keys:
                        where = self.where(key_node.start_mark)
                        self.located.duplicates.append(((*path, key), *where))
                    explicit_keys.add(key)
                self.located.keys[(*path, key)] = self.where(key_node.start_mark)
                self.located.values[(*path, key)] = self.where(value_node.start_mark)
                result[key] = self.build(value_node, (*path, key), depth + 1, inner)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [
                self.build(item, (*path, i), depth + 1, inner) for i, item in enumerate(node.value)
            ]
        if node.tag == _STR:
            # most scalars are text: what the constructor would return, without its calls
            return node.value
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (ValueError, TypeError, OverflowError, KeyError, AttributeError, IndexError) as exc:
            # a bad scalar, or an explicit tag it does not fit (`!!bool maybe`, `!!int ""`)
            # e.g. a timestamp-looking scalar that is not a real date ("2026-02-30")
            line, col = self.where(node.start_mark)
            raise YamlProblem(
                "yaml.bad-scalar",
                f"{node.value!r} is not a valid {_TAG_NAMES.get(node.tag, node.tag)}"
                + (
                    f" ({exc})"
                    if isinstance(exc, ValueError) and node.tag.endswith("timestamp")
                    else ""
                ),
                line,
                col,
                impossible_date_hint(str(node.value)) + "; if it is text, quote it"
                if node.tag.endswith("timestamp")
                else "quote the value to keep it as text",
            ) from None
        # Dates stay text: the schema and the engine speak ISO 8601 strings.
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, bytes):
            return value.decode("latin-1")
        return value


def _loader_for(text: str) -> type[yaml.SafeLoader]:
    """libyaml's composer recurses in C and overflows the stack (a crash, not an error)
    somewhere past 20,000 nested brackets; Python's raises RecursionError, which we can
    report. A real definition has a few hundred brackets in all."""
    if text.count("[") + text.count("{") > MAX_FLOW_BRACKETS:
        return yaml.SafeLoader
    return _Loader


def load_located(text: str) -> Located:
    """Parse one YAML document. Raises `YamlProblem` on anything that is not readable YAML."""
    lines = _Lines(text)
    try:
        loader = _loader_for(text)(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        context = exc.context or ""
        if "flow" in context and exc.context_mark is not None:
            # an unclosed bracket: point at where it opened, not past the end of the file
            line, col = lines(exc.context_mark)
            message = f"this {'[' if 'sequence' in context else '{'} is not closed"
            hint = "close it on the same entry, or quote text that contains brackets or ?"
        else:
            line, col = lines(exc.problem_mark or exc.context_mark)
            message = f"{exc.problem or exc.context or 'invalid YAML'}"
            hint = "check indentation and quoting around this place"
            if "'\\t'" in message or "tab character" in message:  # PyYAML's two wordings
                message = "a tab character: YAML indents with spaces, never tabs"
                hint = "replace the tab with spaces (set your editor to insert spaces)"
        raise YamlProblem("yaml.syntax", message, line, col, hint) from None
    except RecursionError:
        raise YamlProblem(
            "yaml.too-deep",
            "the document nests too deeply",
            1,
            1,
            f"a definition needs far fewer than {MAX_DEPTH} levels",
        ) from None
    except UnicodeError:
        raise YamlProblem(
            "yaml.syntax",
            "the text holds characters that are not valid Unicode",
            1,
            1,
            "save the file as UTF-8",
        ) from None
    except yaml.YAMLError as exc:
        raise YamlProblem("yaml.syntax", str(exc).splitlines()[0], 1, 1) from None
    builder = _Builder(_Lines(text))
    if node is None:
        builder.located.values[()] = (1, 1)
        return builder.located
    try:
        builder.located.data = builder.build(node, (), 0, frozenset())
    except yaml.constructor.ConstructorError as exc:
        line, col = builder.where(exc.problem_mark)
        raise YamlProblem("yaml.syntax", str(exc.problem or exc), line, col) from None
    return builder.located
