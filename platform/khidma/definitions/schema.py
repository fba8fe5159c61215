"""The JSON Schema (2020-12) of a service file and of a shared lists file.

It is assembled here from the blocks (`definitions.blocks`: each brings its top-level
keys) and the field-type registry (each type its field keys), so a new block or field
type brings its keys with it, and written to `service.schema.json` / `lists.schema.json`
in this package (the files editors use through the `# yaml-language-server: $schema=`
line). A test keeps the written files equal to what this module builds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from khidma.definitions import descriptions
from khidma.definitions.blocks import BlockRegistry
from khidma.definitions.blocks.base import array as _list
from khidma.definitions.blocks.base import obj as _obj
from khidma.definitions.blocks.builtin import registry as builtin_blocks
from khidma.fields import EXPR
from khidma.fields import TEXT
from khidma.fields import FieldTypeRegistry
from khidma.fields import registry

JSON = dict[str, Any]

HERE = Path(__file__).parent
SERVICE_SCHEMA_FILE = HERE / "service.schema.json"
LISTS_SCHEMA_FILE = HERE / "lists.schema.json"


def _common_defs(types: FieldTypeRegistry, dispatch: bool = True) -> JSON:
    option_attribute = {
        "anyOf": [
            {"type": ["string", "number", "boolean"]},
            TEXT,
            _list({"anyOf": [{"type": "string"}, TEXT]}),
        ]
    }
    return {
        "id": {
            "type": "string",
            "pattern": r"^[a-z][a-z0-9_]{0,62}$",
            "description": "lower-case letters, digits and _; starts with a letter",
        },
        "text": _obj(
            {
                "ar": {"type": "string", "minLength": 1},
                "en": {"type": "string", "minLength": 1},
            },
            ["ar", "en"],
            description="bilingual text: Arabic first, English beside",
        ),
        "expression": {"type": "string", "minLength": 1, "description": "a CEL expression"},
        "rule": _obj({"check": EXPR, "message": TEXT}, ["check", "message"]),
        "option": {
            "type": "object",
            "properties": {
                "value": {"type": "string", "pattern": r"^[A-Za-z0-9_.-]{1,64}$"},
                "label": TEXT,
            },
            "required": ["value", "label"],
            "additionalProperties": option_attribute,
        },
        "option_list": _list({"$ref": "#/$defs/option"}, 1),
        "field": {
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"enum": types.names()}},
            # Editors pick the field's own schema by its type. The loader does that
            # dispatch itself (validation.py): 20 `if`s per field are slow to evaluate.
            **(
                {
                    "allOf": [
                        {
                            "if": {"properties": {"type": {"const": t.name}}, "required": ["type"]},
                            "then": {"$ref": f"#/$defs/field_{t.name}"},
                        }
                        for t in types
                    ]
                }
                if dispatch
                else {}
            ),
        },
        **{f"field_{t.name}": t.schema() for t in types},
    }


def service_schema(
    types: FieldTypeRegistry = registry,
    *,
    dispatch: bool = True,
    blocks: BlockRegistry = builtin_blocks,
) -> JSON:
    """The JSON Schema of a service file: the keys of its blocks, and the shared
    definitions with the field types. With dispatch=False, fields are only checked to be
    objects with a known type; the caller validates each against `field_<type>`."""
    return described(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://khidma.gov.sa/schemas/service.schema.json",
            "title": "Khidma service definition",
            "type": "object",
            "properties": blocks.properties(),
            "required": blocks.required(),
            "additionalProperties": False,
            "$defs": _common_defs(types, dispatch),
        },
        {**blocks.descriptions(), **descriptions.DEFS},
    )


def lists_schema(types: FieldTypeRegistry = registry) -> JSON:
    """The JSON Schema of a shared lists file (`kind: lists`)."""
    defs = _common_defs(types)
    return described(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://khidma.gov.sa/schemas/lists.schema.json",
            "title": "Khidma shared option lists",
            "type": "object",
            "properties": {
                "kind": {"const": "lists"},
                "lists": {
                    "type": "object",
                    "propertyNames": {"$ref": "#/$defs/id"},
                    "additionalProperties": {"$ref": "#/$defs/option_list"},
                    "minProperties": 1,
                },
            },
            "required": ["kind", "lists"],
            "additionalProperties": False,
            "$defs": {k: defs[k] for k in ("id", "text", "option", "option_list")},
        },
        {**descriptions.SERVICE, **descriptions.LISTS},
    )


def property_paths(schema: JSON) -> list[tuple[str, JSON]]:
    """Every key a file may hold, by its path (`fees/kind`; list items skipped;
    `$defs/<name>/<key>` for shared definitions), with its schema: what `described` gives
    descriptions to."""
    found: list[tuple[str, JSON]] = []

    def walk(node: Any, path: str) -> None:
        if not isinstance(node, dict):
            return
        for key, value in (node.get("properties") or {}).items():
            inner = f"{path}/{key}" if path else key
            found.append((inner, value))
            walk(value, inner)
        for key in ("items", "additionalProperties"):
            walk(node.get(key), path)
        for choice in node.get("anyOf", []):
            walk(choice, path)

    walk({"properties": schema.get("properties", {})}, "")
    for name, definition in schema.get("$defs", {}).items():
        walk(definition, f"$defs/{name}")
    return found


def described(schema: JSON, table: dict[str, str]) -> JSON:
    """`schema` with a `description` on each key `table` names (see `property_paths`).
    Builds new dictionaries on the way: the parts are shared (one `TEXT` for every text
    key), so a description written in place would land on all of them."""

    def walk(node: Any, path: str) -> Any:
        if not isinstance(node, dict):
            return node
        out = dict(node)
        if isinstance(node.get("properties"), dict):
            out["properties"] = {}
            for key, value in node["properties"].items():
                inner = f"{path}/{key}" if path else key
                value = walk(value, inner)
                if inner in table:
                    value = {**value, "description": table[inner]}
                out["properties"][key] = value
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                out[key] = walk(node[key], path)
        if isinstance(node.get("anyOf"), list):
            out["anyOf"] = [walk(choice, path) for choice in node["anyOf"]]
        return out

    result: JSON = walk({**schema, "$defs": {}}, "")
    result["$defs"] = {
        name: walk(definition, f"$defs/{name}")
        for name, definition in schema.get("$defs", {}).items()
    }
    return result


def dump(schema: JSON) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_files() -> None:
    """Regenerate the shipped schema files (`khidma schema --write`)."""
    SERVICE_SCHEMA_FILE.write_text(dump(service_schema()), encoding="utf-8")
    LISTS_SCHEMA_FILE.write_text(dump(lists_schema()), encoding="utf-8")
