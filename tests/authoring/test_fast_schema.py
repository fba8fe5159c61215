"""The compiled schema check says "valid" only when jsonschema finds nothing: on the seed
services, and on many single-value mutations of a small service, any file it passes has
no schema problem (files it refuses go to jsonschema, whose messages the author sees)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from khidma.definitions import fastschema
from khidma.definitions.validation import schema_problems
from khidma.definitions.yamlsource import Located
from khidma.definitions.yamlsource import load_located

ROOT = Path(__file__).resolve().parents[2]
FILES = [
    *sorted((ROOT / "services.d").glob("*.yaml")),
    *sorted((ROOT / "docs/examples").glob("*.yaml")),
    *sorted((ROOT / "tests/engine/fixtures").glob("*.yaml")),
]
ODD_VALUES: list[Any] = ["", "yes", "abc\n", 1.0, 1.5, -1, 10**20, True, None, [], {}]
ODD_VALUES += [{"ar": "a"}, "2026-02-30"]
EVERY = 5  # of the paths of the fixture: enough to meet every kind of key, in seconds


def _kind(data: Any) -> str:
    return "lists" if isinstance(data, dict) and data.get("kind") == "lists" else "service"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_valid_files_pass_the_fast_check(path: Path) -> None:
    located = load_located(path.read_text(encoding="utf-8"))
    kind = _kind(located.data)
    assert schema_problems(located, str(path), kind) == []
    assert fastschema.is_valid(located.data, kind)


def _scalar_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _scalar_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _scalar_paths(value, (*path, index))
    yield path


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copied = copy.deepcopy(data)
    node = copied
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return copied


def test_the_fast_check_never_passes_what_jsonschema_refuses() -> None:
    source = ROOT / "tests/engine/fixtures/engine_permit.yaml"
    data = load_located(source.read_text(encoding="utf-8")).data
    checked = refused = 0
    for path in list(_scalar_paths(data))[::EVERY]:
        for value in ODD_VALUES:
            mutated = _replaced(data, path, value)
            problems = schema_problems(Located(mutated), "x.yaml", "service")
            if fastschema.is_valid(mutated, "service"):
                assert problems == [], (path, value)
            elif not problems:
                refused += 1  # only slower: jsonschema is asked and finds nothing
            checked += 1
    assert checked > 300
    assert refused < checked // 20
