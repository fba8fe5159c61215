"""The schema check's happy path: a compiled validator (jsonschema-rs) that only says
valid or not.

jsonschema (Python) takes ~1.5 ms per KB and explains every error well; jsonschema-rs
takes ~0.05 ms per KB and is used only to say "valid". When it says anything else — or is
not installed, or cannot take the data — the loader asks jsonschema, whose problems are
what the author sees, exactly as before. So a file with a mistake costs one extra quick
check, and its messages do not change.

Why "valid" here means valid for jsonschema too: it checks the editor schema (the same
keys, with the field dispatch as `if/then`), with formats checked; its patterns are the
ASCII classes of our schema, and Python's `$` is the laxer of the two (it also matches
before a final newline). Where the two could differ, this side is the stricter one, which
only sends a file to the slow path.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from khidma.definitions import schema as schemas
from khidma.fields import FieldTypeRegistry
from khidma.fields import registry


@cache
def _validator(kind: str, types: FieldTypeRegistry) -> Any:
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a dependency; without it everything is slow
        return None
    built = schemas.lists_schema(types) if kind == "lists" else schemas.service_schema(types)
    return jsonschema_rs.validator_for(built, validate_formats=True)


def is_valid(data: Any, kind: str, types: FieldTypeRegistry = registry) -> bool:
    """True only when `data` is certainly valid against the schema of `kind` (with the
    field types of `types`)."""
    validator = _validator(kind, types)
    if validator is None:
        return False
    try:
        return bool(validator.is_valid(data))
    except (ValueError, TypeError, OverflowError, RecursionError):
        return False  # e.g. a number Rust cannot hold, or a lone surrogate: ask jsonschema
