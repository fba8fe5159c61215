"""The definition-format reference and the tutorial stay true to the code.

The reference must name every key of both JSON Schemas, have a section per field type and
list every error code the loader can emit; the tutorial's example must load cleanly, and its
snippets must be the example file's own text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from khidma.definitions import validation
from khidma.definitions.loader import load
from khidma.definitions.schema import lists_schema
from khidma.definitions.schema import service_schema
from khidma.fields import registry

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
REFERENCE = DOCS / "definition-format.md"
TUTORIAL = DOCS / "tutorial-first-service.md"
EXAMPLES = DOCS / "examples"
DEFINITIONS = ROOT / "platform" / "khidma" / "definitions"

# The code families the loader uses, as given when the reference was written...
CODE_LITERAL = re.compile(
    r'"((?:schema|yaml|file|expr|id|list|option|options|range|date|pattern|group|booking|'
    r"workflow|notification|computed|condition|required|prefill|field|default|service)"
    r'\.[a-z-]+)"'
)
# ...and any other `family.code` literal, so that a new family cannot slip past the reference
# (file names such as "yamlsource.py" are not codes).
ANY_CODE_LITERAL = re.compile(r'"([a-z_]+\.[a-z]+(?:-[a-z]+)*)"')
FILE_SUFFIXES = {"py", "json", "yaml", "yml", "md", "txt", "html", "css", "js", "data", "pos"}


def _reference() -> str:
    return REFERENCE.read_text(encoding="utf-8")


def _property_names(node: Any) -> Iterator[str]:
    """Every key of every `properties` mapping, at any depth ($defs included)."""
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            yield from properties
        for value in node.values():
            yield from _property_names(value)
    elif isinstance(node, list):
        for value in node:
            yield from _property_names(value)


def _emitted_codes() -> set[str]:
    codes = set(validation._CODES.values())
    for source in sorted(DEFINITIONS.glob("*.py")):
        text = source.read_text(encoding="utf-8")
        codes.update(CODE_LITERAL.findall(text))
        codes.update(
            code
            for code in ANY_CODE_LITERAL.findall(text)
            if code.rsplit(".", 1)[1] not in FILE_SUFFIXES
        )
    return codes


def _yaml_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", markdown, re.M | re.S)


def test_every_schema_key_is_documented() -> None:
    names = set(_property_names(service_schema())) | set(_property_names(lists_schema()))
    assert {"sat", "sun", "mon", "tue", "wed", "thu", "fri", "accept", "item_title"} <= names
    doc = _reference()
    missing = sorted(name for name in names if f"`{name}`" not in doc)
    assert not missing, f"keys not written as `key` in {REFERENCE.name}: {missing}"


def test_every_field_type_has_a_section() -> None:
    doc = _reference()
    missing = [
        name
        for name in registry.names()
        if not re.search(rf"^###\s.*`{re.escape(name)}`", doc, re.M)
    ]
    assert not missing, f"no '### `type`' heading for: {missing}"


def test_every_error_code_is_documented() -> None:
    codes = _emitted_codes()
    assert {"schema.unknown-key", "yaml.syntax", "file.empty", "expr.unknown-name"} <= codes
    doc = _reference()
    missing = sorted(code for code in codes if f"`{code}`" not in doc)
    assert not missing, f"error codes missing from {REFERENCE.name}: {missing}"


EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


def test_there_are_examples() -> None:
    assert (EXAMPLES / "municipal_permit.yaml") in EXAMPLE_FILES


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_example_loads_without_problems(path: Path) -> None:
    result = load([path])
    assert [str(p) for p in result.problems] == []
    assert result.services or result.lists


def test_all_examples_load_together() -> None:
    result = load([EXAMPLES])
    assert [str(p) for p in result.problems] == []
    assert result.files == len(EXAMPLE_FILES)


@pytest.mark.parametrize("doc", [REFERENCE, TUTORIAL], ids=lambda p: p.name)
def test_yaml_snippets_are_valid_yaml(doc: Path) -> None:
    """Every ```yaml block parses, with the pure-Python reader too (stricter than libyaml).
    A page with no block found means the pattern no longer matches the page: a failure,
    not a pass with nothing checked."""
    blocks = _yaml_blocks(doc.read_text(encoding="utf-8"))
    assert len(blocks) >= 5, f"only {len(blocks)} ```yaml blocks found in {doc.name}"
    for block in blocks:
        yaml.safe_load(block)  # the pure-Python SafeLoader, not libyaml


def test_tutorial_snippets_are_the_example_file() -> None:
    """What the tutorial asks readers to type is the finished example, piece by piece
    (except the deliberate mistakes and the schema line, whose path differs)."""
    example = (EXAMPLES / "municipal_permit.yaml").read_text(encoding="utf-8")
    blocks = _yaml_blocks(TUTORIAL.read_text(encoding="utf-8"))
    checked = 0
    for block in blocks:
        if "# mistake" in block or block.startswith("# yaml-language-server:"):
            continue
        assert block.rstrip("\n") in example, f"not in the example file:\n{block[:300]}"
        checked += 1
    assert checked >= 8
