"""Editor help: every key of the schema has a description (hover text), and
`khidma schema --output` writes the schema a file kept anywhere can point at."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from khidma.cli import main
from khidma.definitions import descriptions
from khidma.definitions.schema import lists_schema
from khidma.definitions.schema import property_paths
from khidma.definitions.schema import service_schema


def _undescribed(schema: dict[str, object], *, field_types: bool) -> list[str]:
    return [
        path
        for path, sub in property_paths(schema)
        if "description" not in sub and path.startswith("$defs/field_") == field_types
    ]


@pytest.mark.parametrize("schema", [service_schema(), lists_schema()], ids=["service", "lists"])
def test_every_block_key_has_a_description(schema: dict[str, object]) -> None:
    assert _undescribed(schema, field_types=False) == []


def test_every_field_type_key_has_a_description() -> None:
    assert _undescribed(service_schema(), field_types=True) == []


def test_every_description_names_a_real_key() -> None:
    paths = {p for p, _ in property_paths(service_schema())} | {
        p for p, _ in property_paths(lists_schema())
    }
    assert sorted(set(descriptions.SERVICE) - paths) == []
    assert sorted(set(descriptions.LISTS) - paths) == []


def test_a_shared_part_is_described_per_key() -> None:
    # `title` and `summary` are the same TEXT schema underneath; each has its own words
    props = service_schema()["properties"]
    assert props["title"]["description"] != props["summary"]["description"]


@pytest.mark.parametrize("which", ["service", "lists"])
def test_schema_output_writes_the_file(tmp_path: Path, which: str) -> None:
    target = tmp_path / "editor" / f"{which}.schema.json"
    target.parent.mkdir()
    result = CliRunner().invoke(main, ["schema", f"--{which}", "--output", str(target)])
    assert result.exit_code == 0, result.output
    built = service_schema() if which == "service" else lists_schema()
    assert json.loads(target.read_text(encoding="utf-8")) == built
    assert f"wrote {target}" in result.output


def test_schema_output_to_an_unwritable_place_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["schema", "--output", str(tmp_path / "no" / "x.json")])
    assert result.exit_code == 1
    assert "cannot write" in result.output


def test_schema_still_prints_by_default() -> None:
    result = CliRunner().invoke(main, ["schema", "--lists"])
    assert result.exit_code == 0
    assert json.loads(result.output) == lists_schema()
