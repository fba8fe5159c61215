"""JSON Schema validation turned into located, coded, human problems."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from functools import cache
from itertools import chain
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError

from khidma.definitions import schema as schemas
from khidma.definitions.blocks import BlockRegistry
from khidma.definitions.blocks.builtin import registry as builtin_blocks
from khidma.definitions.errors import YAML_BOOLEAN_HINT
from khidma.definitions.errors import Problem
from khidma.definitions.yamlsource import Located
from khidma.fields import FieldTypeRegistry
from khidma.fields import registry

_CODES = {
    "required": "schema.required",
    "additionalProperties": "schema.unknown-key",
    "unevaluatedProperties": "schema.unknown-key",
    "type": "schema.type",
    "enum": "schema.enum",
    "const": "schema.enum",
    "pattern": "schema.pattern",
    "minimum": "schema.range",
    "maximum": "schema.range",
    "exclusiveMinimum": "schema.range",
    "exclusiveMaximum": "schema.range",
    "minLength": "schema.empty",
    "maxLength": "schema.length",
    "minItems": "schema.too-few",
    "maxItems": "schema.too-many",
    "minProperties": "schema.too-few",
    "uniqueItems": "schema.not-unique",
    "format": "schema.format",
    "propertyNames": "schema.pattern",
}

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys",
    "null": "nothing",
}


def _make(
    schema: dict[str, Any], defs: dict[str, Any] | None = None
) -> jsonschema.protocols.Validator:
    return jsonschema.Draft202012Validator(
        _inline(schema, schema.get("$defs", {}) if defs is None else defs),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


_REF_KEYS = frozenset({"$ref", "description"})


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """Replace local `$ref`s by what they point at: resolving a reference costs more than
    the check it leads to. (The loader's schema has no recursive reference.)"""
    if isinstance(node, dict):
        ref = node.get("$ref")
        # A field type's key is `{"$ref": …, "description": …}`: the description is
        # only help for editors, so the reference is inlined all the same.
        if isinstance(ref, str) and ref.startswith("#/$defs/") and set(node) <= _REF_KEYS:
            target = _inline(defs[ref.removeprefix("#/$defs/")], defs)
            return {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return {
            k: (v if k == "$defs" else _inline(v, defs)) for k, v in node.items() if k != "$defs"
        }
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


# Validators are built once per field-type and block registry (the platform's, or a
# test's own).
@cache
def _validator(
    kind: str, types: FieldTypeRegistry = registry, blocks: BlockRegistry = builtin_blocks
) -> jsonschema.protocols.Validator:
    if kind == "lists":
        return _make(schemas.lists_schema(types))
    return _make(schemas.service_schema(types, dispatch=False, blocks=blocks))


@cache
def _field_validator(
    type_name: str, types: FieldTypeRegistry = registry
) -> jsonschema.protocols.Validator:
    full = schemas.service_schema(types, dispatch=False)
    return _make(full["$defs"][f"field_{type_name}"], full["$defs"])


def _field_errors(data: Any, types: FieldTypeRegistry) -> Iterator[ValidationError]:
    """Validate every field (and group item field) against its own type's schema."""
    steps = data.get("steps") if isinstance(data, dict) else None
    for s, step in enumerate(steps if isinstance(steps, list) else []):
        fields = step.get("fields") if isinstance(step, dict) else None
        for i, field in enumerate(fields if isinstance(fields, list) else []):
            yield from _one_field(field, ("steps", s, "fields", i), types)


def _one_field(
    field: Any, path: tuple[Any, ...], types: FieldTypeRegistry
) -> Iterator[ValidationError]:
    if not isinstance(field, dict) or not isinstance(field.get("type"), str):
        return  # the service schema reports it
    if field["type"] not in types:
        return  # the service schema reports it
    for error in _field_validator(field["type"], types).iter_errors(field):
        error.path.extendleft(reversed(path))
        yield error
    if types[field["type"]].value_shape == "items" and isinstance(field.get("fields"), list):
        for j, child in enumerate(field["fields"]):
            yield from _one_field(child, (*path, "fields", j), types)


def _describe_type(expected: Any) -> str:
    names = expected if isinstance(expected, list) else [expected]
    return " or ".join(_TYPE_NAMES.get(n, str(n)) for n in names)


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """The errors worth showing: a field of a known type that fails its `then` branch is
    reported through the branch's own errors, not as 'does not match'."""
    if error.validator in ("allOf", "if", "then") and error.context:
        for sub in error.context:
            yield from _leaves(sub)
    else:
        yield error


def schema_problems(
    located: Located,
    file: str,
    kind: str,
    types: FieldTypeRegistry = registry,
    blocks: BlockRegistry = builtin_blocks,
) -> list[Problem]:
    problems: list[Problem] = []
    errors = _validator(kind, types, blocks).iter_errors(located.data)
    fields = _field_errors(located.data, types) if kind == "service" else ()
    for top in chain(errors, fields):
        for error in _leaves(top):
            problems.extend(_problems_for(error, located, file))
    return problems


def _problems_for(error: ValidationError, located: Located, file: str) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    code = _CODES.get(str(error.validator), "schema.invalid")
    line, col = located.where(path)
    hint = ""
    message = error.message
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        allowed = sorted(
            (error.schema.get("properties") or {}) if isinstance(error.schema, dict) else []
        )
        instance = error.instance if isinstance(error.instance, dict) else {}
        for key in instance:
            if key in allowed:
                continue
            kline, kcol = located.where((*path, key), key=True)
            close = difflib.get_close_matches(str(key), allowed, n=1)
            yield Problem(
                file,
                kline,
                kcol,
                code,
                f"unknown key {key!r}{_where_text(path, instance)}",
                f"did you mean {close[0]!r}?" if close else f"allowed here: {', '.join(allowed)}",
            )
        return
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else ""
        message = f"missing key {missing!r}{_where_text(path, error.instance)}"
        if missing in ("ar", "en"):
            hint = "every text is bilingual: give both ar and en"
    elif error.validator == "type":
        message = f"{_value_text(error.instance)} should be {_describe_type(error.validator_value)}"
        wants_text = error.validator_value in ("string", ["string", "integer"])
        if wants_text and isinstance(error.instance, bool):
            code = "schema.yaml-boolean"
            message = (
                f"text is expected here, but YAML read {str(error.instance).lower()} "
                "(an unquoted yes, no, on, off, true or false)"
            )
            hint = YAML_BOOLEAN_HINT
        elif wants_text and isinstance(error.instance, (int, float)):
            hint = "YAML read this as a number; put it in quotes to keep it as text"
        elif error.validator_value == "object" and isinstance(error.instance, str) and path:
            hint = "give the text as {ar: ..., en: ...}" if _is_text_schema(error.schema) else ""
    elif error.validator in ("enum", "const"):
        choices = error.validator_value if error.validator == "enum" else [error.validator_value]
        message = f"{_value_text(error.instance)} is not allowed here"
        close = difflib.get_close_matches(str(error.instance), [str(c) for c in choices], n=1)
        hint = f"did you mean {close[0]!r}?" if close else "one of: " + ", ".join(map(str, choices))
        if path and path[-1] == "type" and error.validator == "enum":
            code = "field.unknown-type"
            message = f"unknown field type {error.instance!r}"
    elif error.validator == "anyOf" and _choices(error.validator_value):
        choices = _choices(error.validator_value)
        message = f"{_value_text(error.instance)} is not allowed here"
        close = difflib.get_close_matches(str(error.instance), choices, n=1)
        code = "schema.enum"
        hint = f"did you mean {close[0]!r}?" if close else "one of: " + ", ".join(choices)
    elif error.validator == "pattern":
        message = f"{_value_text(error.instance)} does not have the expected form"
        description = error.schema.get("description") if isinstance(error.schema, dict) else None
        hint = str(description) if description else f"it must match {error.validator_value}"
    elif error.validator == "minLength" and error.validator_value == 1:
        message = "this text is empty"
    yield Problem(file, line, col, code, message, hint)


def _choices(alternatives: Any) -> list[str]:
    """The listed values of an `anyOf` with an `enum` branch (e.g. notification events)."""
    found: list[str] = []
    for branch in alternatives if isinstance(alternatives, list) else []:
        if isinstance(branch, dict) and isinstance(branch.get("enum"), list):
            found += [str(v) for v in branch["enum"]]
    return found


def _is_text_schema(schema: Any) -> bool:
    return isinstance(schema, dict) and set(schema.get("required", [])) == {"ar", "en"}


def _value_text(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _where_text(path: tuple[Any, ...], instance: Any = None) -> str:
    if not path:
        return " at the top level of the file"
    if isinstance(instance, dict) and isinstance(instance.get("id"), str):
        kind = "field" if "type" in instance else "item"
        return f" in {kind} {instance['id']!r}"
    names = [p for p in path if isinstance(p, str)]
    return f" in {names[-1]!r}" if names else ""
