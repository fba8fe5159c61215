"""A definition version as one self-contained text, and back.

A draft or a submission is pinned to the version it was made with. The snapshot — the
service's data and the shared lists it uses, as canonical JSON — is what storage keeps, so
that version can be compiled again after the files in services.d have changed. Compiling a
snapshot gives the same `hash`.
"""

from __future__ import annotations

import json
from typing import Any

from khidma.definitions.common import parse_options
from khidma.definitions.common import thaw as _thaw
from khidma.definitions.compiler import compile_service
from khidma.definitions.errors import DefinitionError
from khidma.definitions.errors import Problem
from khidma.definitions.model import ServiceDefinition
from khidma.definitions.yamlsource import Located


def snapshot(definition: ServiceDefinition) -> str:
    lists = {
        name: [
            {"value": o.value, "label": {"ar": o.label.ar, "en": o.label.en}, **_thaw(o.attributes)}
            for o in definition.lists[name]
        ]
        for name in definition.shared_lists_used
    }
    return json.dumps(
        {"service": _thaw(definition.raw), "lists": lists},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def from_snapshot(text: str, source: str) -> ServiceDefinition:
    """Compile a snapshot. Raises `DefinitionError` if it does not compile (for instance
    a snapshot made by a platform version whose rules have since changed)."""
    try:
        data: dict[str, Any] = json.loads(text)
        service, lists = data["service"], data["lists"]
    except (ValueError, KeyError, TypeError) as exc:
        raise DefinitionError([Problem(source, 1, 1, "snapshot.invalid", str(exc))]) from None
    shared = {name: parse_options(options) for name, options in lists.items()}
    definition, problems = compile_service(Located(service), source, shared)
    if definition is None:
        raise DefinitionError(problems)
    return definition
