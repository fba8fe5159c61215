"""The order in which the engine settles fields, and the host functions expressions call.

The engine settles a group together with its children (the group's value — the list of
items — is only known once every child of every item is), so it orders *units*: a
top-level field, or a group with its children, each after every top-level field that its
expressions, or its children's, read. The compiler works that order out once per
definition (`definitions.graph`, stored as `evaluation_units`); nothing sorts per
evaluation.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from khidma.definitions.model import ServiceDefinition
from khidma.definitions.model import Unit

__all__ = ["Unit", "host_functions", "plain", "units"]


def units(definition: ServiceDefinition) -> tuple[Unit, ...]:
    """Every top-level field as a unit, each after the top-level fields it reads (the
    compiler's `evaluation_units`)."""
    return definition.evaluation_units


def plain(value: Any) -> Any:
    """`value` with read-only mappings and tuples turned into dicts and lists, as the
    expression runtime and JSON expect."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def host_functions(definition: ServiceDefinition) -> Mapping[str, Callable[..., Any]]:
    """The functions the platform adds to the expression language:
    `lookup(list, value)` — the option of `list` whose value is `value`, as a map of its
    attributes with `value` and `label` (Arabic); an empty map when there is no such list
    or option (so `lookup(...).x` is an evaluation error, never a crash)."""

    def lookup(list_id: Any, value: Any) -> dict[str, Any]:
        for option in definition.lists.get(str(list_id), ()):
            if option.value == value:
                result: dict[str, Any] = plain(option.as_context())
                return result
        return {}

    return MappingProxyType({"lookup": lookup})
