"""The JSON Schema (2020-12) of a service file and of a shared lists file.

It is assembled here from the field-type registry, so a new field type brings its keys
with it, and written to `service.schema.json` / `lists.schema.json` in this package (the
files editors use through the `# yaml-language-server: $schema=` line). A test keeps the
written files equal to what this module builds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from khidma.definitions import descriptions
from khidma.fields import EXPR, ID, TEXT, FieldTypeRegistry, registry

JSON = dict[str, Any]

HERE = Path(__file__).parent
SERVICE_SCHEMA_FILE = HERE / "service.schema.json"
LISTS_SCHEMA_FILE = HERE / "lists.schema.json"

HHMM = "([01][0-9]|2[0-3]):[0-5][0-9]"
WEEKDAYS = ["sat", "sun", "mon", "tue", "wed", "thu", "fri"]
EVENTS = [
    "submitted",
    "status_changed",
    "message_from_staff",
    "documents_requested",
    "booking_confirmed",
    "booking_cancelled",
    "booking_reminder",
    "payment_due",
    "payment_received",
]
ROLES = ["citizen", "staff", "system"]
PAYMENT_METHODS = ["sadad", "card", "bank_account"]
BENEFICIARIES = ["citizens", "residents", "visitors", "businesses", "government"]


def _obj(properties: JSON, required: list[str] | None = None, **extra: Any) -> JSON:
    schema: JSON = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    schema.update(extra)
    return schema


def _list(items: JSON, min_items: int = 0, **extra: Any) -> JSON:
    schema: JSON = {"type": "array", "items": items}
    if min_items:
        schema["minItems"] = min_items
    schema.update(extra)
    return schema


def _by_value(properties: JSON) -> JSON:
    """An object keyed by option values (a resource's or a service's), each a rule."""
    return {
        "type": "object",
        "propertyNames": {"type": "string", "minLength": 1, "maxLength": 100},
        "additionalProperties": _obj(properties, minProperties=1),
    }


SCHEDULE = _obj(
    {day: _list({"type": "string", "pattern": rf"^{HHMM}-{HHMM}$"}, 1) for day in WEEKDAYS},
    minProperties=1,
)
SLOT_MINUTES: JSON = {"type": "integer", "minimum": 5, "maximum": 240}
CAPACITY: JSON = {"type": "integer", "minimum": 1, "maximum": 500}
CLOSED_DATES = _list({"type": "string", "format": "date"}, uniqueItems=True)


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


def _service_properties() -> JSON:
    fees_kinds = {"enum": ["none", "fixed", "computed"]}
    return {
        "kind": {"const": "service"},
        "id": ID,
        "version": {
            "type": ["string", "integer"],
            "pattern": r"^[0-9]+(\.[0-9]+){0,2}$",
            "minimum": 1,
        },
        "agency": _obj({"id": ID, "name": TEXT}, ["id", "name"]),
        "title": TEXT,
        "summary": TEXT,
        "description": TEXT,
        "keywords": _list({"type": "string", "minLength": 1}),
        "audience": {"enum": ["individuals", "businesses"]},
        "beneficiaries": _list({"enum": BENEFICIARIES}, 1, uniqueItems=True),
        "sign_in": _obj(
            {
                "required": {"type": "boolean"},
                "methods": _list({"enum": ["national_sso", "local_account"]}, 1, uniqueItems=True),
                "note": TEXT,
            },
            ["required"],
        ),
        "fees": _obj(
            {
                "kind": fees_kinds,
                "amount": {"type": "number", "exclusiveMinimum": 0, "maximum": 1000000},
                "expression": EXPR,
                "currency": {"const": "SAR"},
                "payable": {"enum": ["on_submit", "after_approval"]},
                "methods": _list({"enum": PAYMENT_METHODS}, 1, uniqueItems=True),
                "note": TEXT,
            },
            ["kind"],
            allOf=[
                {
                    "if": {"properties": {"kind": {"const": "fixed"}}},
                    "then": {"required": ["amount", "payable", "methods"]},
                },
                {
                    "if": {"properties": {"kind": {"const": "computed"}}},
                    "then": {"required": ["expression", "payable", "methods"]},
                },
            ],
        ),
        "duration": _obj(
            {"text": TEXT, "sla_days": {"type": "integer", "minimum": 1, "maximum": 365}},
            ["text"],
        ),
        "channels": _list(_obj({"name": TEXT, "detail": TEXT}, ["name"])),
        "terms": _list(TEXT),
        "required_documents": _list(TEXT),
        "instructions": _obj(
            {"title": TEXT, "items": _list(TEXT, 1), "accept_label": TEXT},
            ["title", "items"],
        ),
        "rating": _obj({"enabled": {"type": "boolean"}}, ["enabled"]),
        "lists": {
            "type": "object",
            "propertyNames": {"$ref": "#/$defs/id"},
            "additionalProperties": {"$ref": "#/$defs/option_list"},
        },
        "steps": _list(
            _obj(
                {
                    "id": ID,
                    "title": TEXT,
                    "intro": TEXT,
                    "visible_when": EXPR,
                    "fields": _list({"$ref": "#/$defs/field"}, 1),
                },
                ["id", "title", "fields"],
            ),
            1,
        ),
        "review": _obj({"enabled": {"type": "boolean"}, "title": TEXT, "intro": TEXT}),
        "declarations": _list(_obj({"id": ID, "text": TEXT}, ["id", "text"])),
        "confirmation": _obj({"title": TEXT, "body": TEXT}, ["body"]),
        "booking": _obj(
            {
                "resource_field": ID,
                "service_field": ID,
                "slot_field": ID,
                "beneficiary_field": ID,
                "schedule": SCHEDULE,
                "slot_minutes": SLOT_MINUTES,
                "capacity_per_slot": CAPACITY,
                "closed_dates": CLOSED_DATES,
                "hold_minutes": {"type": "integer", "minimum": 1, "maximum": 60},
                "resources": _by_value(
                    {
                        "schedule": SCHEDULE,
                        "slot_minutes": SLOT_MINUTES,
                        "capacity_per_slot": CAPACITY,
                        "closed_dates": CLOSED_DATES,
                    }
                ),
                "services": _by_value(
                    {"slot_minutes": SLOT_MINUTES, "capacity_per_slot": CAPACITY}
                ),
                "window": _obj(
                    {
                        "min_days_ahead": {"type": "integer", "minimum": 0, "maximum": 365},
                        "max_days_ahead": {"type": "integer", "minimum": 1, "maximum": 365},
                    },
                    ["max_days_ahead"],
                ),
                "cancellation": _obj(
                    {
                        "allowed": {"type": "boolean"},
                        "deadline_hours": {"type": "integer", "minimum": 0, "maximum": 720},
                    },
                    ["allowed"],
                ),
                "reschedule": _obj({"allowed": {"type": "boolean"}}, ["allowed"]),
                "max_active_per_person": {"type": "integer", "minimum": 1, "maximum": 50},
                "ticket": _obj({"documents_to_bring": _list(TEXT), "instructions": _list(TEXT)}),
            },
            [
                "resource_field",
                "slot_field",
                "schedule",
                "slot_minutes",
                "capacity_per_slot",
                "window",
            ],
        ),
        "workflow": _obj(
            {
                "initial": ID,
                "statuses": _list(
                    _obj(
                        {
                            "id": ID,
                            "label": TEXT,
                            "final": {"type": "boolean"},
                            "waiting_for": {"enum": ["staff", "citizen", "payment"]},
                        },
                        ["id", "label"],
                    ),
                    2,
                ),
                "transitions": _list(
                    _obj(
                        {
                            "from": {"anyOf": [ID, _list(ID, 1)]},
                            "to": ID,
                            "by": _list({"enum": ROLES}, 1, uniqueItems=True),
                            "label": TEXT,
                            "note_required": {"type": "boolean"},
                        },
                        ["from", "to", "by"],
                    ),
                    1,
                ),
            },
            ["initial", "statuses", "transitions"],
        ),
        "notifications": _list(
            _obj(
                {
                    "event": {
                        "anyOf": [
                            {"enum": EVENTS},
                            {"type": "string", "pattern": r"^status:[a-z][a-z0-9_]*$"},
                        ]
                    },
                    "channel": {"enum": ["sms", "email"]},
                    "subject": TEXT,
                    "body": TEXT,
                },
                ["event", "channel", "body"],
            )
        ),
    }


def service_schema(types: FieldTypeRegistry = registry, *, dispatch: bool = True) -> JSON:
    """The JSON Schema of a service file. With dispatch=False, fields are only checked to
    be objects with a known type; the caller validates each against `field_<type>`."""
    return described(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://khidma.gov.sa/schemas/service.schema.json",
            "title": "Khidma service definition",
            "type": "object",
            "properties": _service_properties(),
            "required": ["id", "version", "agency", "title", "summary", "description", "steps"],
            "additionalProperties": False,
            "$defs": _common_defs(types, dispatch),
        },
        descriptions.SERVICE,
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
