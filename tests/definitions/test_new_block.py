"""Issue 7's "done when" for blocks: a new top-level block is one module.

The `reminders` block (tests/definitions/reminders/reminders.py) joins a test registry —
the platform's is untouched — and a service using it is checked by the schema (its keys,
with their descriptions, in the editor schema too), cross-checked by the block's own
compile at the right line, and its model reaches the compiled definition, with no change
to the compiler, the schema module or the model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from khidma.definitions.blocks.builtin import registry
from khidma.definitions.compiler import compile_service
from khidma.definitions.errors import Problem
from khidma.definitions.schema import service_schema
from khidma.definitions.validation import schema_problems
from khidma.definitions.yamlsource import load_located
from tests.definitions.reminders.reminders import Reminders
from tests.definitions.reminders.reminders import RemindersBlock

HERE = Path(__file__).parent / "reminders"
BLOCKS = registry.with_blocks(RemindersBlock)
SERVICE = (HERE / "reminders_service.yaml").read_text(encoding="utf-8")


def _load(text: str, blocks: Any = BLOCKS) -> tuple[Any, list[Problem]]:
    """Schema check, then compile, as the loader does, with the blocks of `blocks`."""
    located = load_located(text)
    problems = schema_problems(located, "visit.yaml", "service", blocks=blocks)
    if problems:
        return None, problems
    return compile_service(located, "visit.yaml", {}, blocks=blocks)


def _codes(problems: list[Problem]) -> list[tuple[str, int]]:
    return [(p.code, p.line) for p in sorted(problems)]


def test_the_platform_registry_does_not_know_the_test_block() -> None:
    assert "reminders" in BLOCKS and "reminders" not in registry
    _, problems = _load(SERVICE, registry)
    assert _codes(problems) == [("schema.unknown-key", 18)]


def test_the_block_reaches_the_model() -> None:
    definition, problems = _load(SERVICE)
    assert problems == []
    assert definition.extensions["reminders"] == Reminders("visit_day", (7, 1))
    # the platform's blocks compiled as ever
    assert definition.field("visit_day").type_name == "date" and definition.booking is None


def test_the_schema_checks_the_block() -> None:
    _, problems = _load(SERVICE.replace("[1, 7]", "[1, 70]"))
    assert _codes(problems) == [("schema.range", 20)]
    _, problems = _load(SERVICE.replace("  days_before: [1, 7]\n", "  days: [1]\n"))
    assert sorted(p.code for p in problems) == ["schema.required", "schema.unknown-key"]


def test_the_block_cross_checks_what_the_schema_cannot() -> None:
    definition, problems = _load(SERVICE.replace("field: visit_day", "field: visit_dya"))
    assert definition is None
    assert _codes(problems) == [("reminders.unknown-field", 19)]
    assert problems[0].hint == "did you mean 'visit_day'?"
    _, problems = _load(SERVICE.replace("field: visit_day", "field: visitors"))
    assert _codes(problems) == [("reminders.field-type", 19)]
    assert problems[0].message == "field 'visitors' is of type integer"


def test_the_editor_schema_carries_the_block_with_its_descriptions() -> None:
    schema = service_schema(blocks=BLOCKS)
    block = schema["properties"]["reminders"]
    assert block["description"] == RemindersBlock.descriptions["reminders"]
    assert block["properties"]["days_before"]["description"].startswith("How many days")
    assert "reminders" not in service_schema()["properties"]
