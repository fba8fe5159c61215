"""The identity of a definition version: the sha256 of its data's canonical JSON and of
the shared lists it uses, so comments, key order and layout do not make a new version."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

from khidma.definitions.common import Option
from khidma.definitions.common import thaw


def digest(data: Any) -> str:
    """sha256 of the canonical JSON of `data`: the same for the same meaning, whatever the
    YAML's comments, order of keys or layout."""
    canonical = json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def content_hash(data_digest: str, list_digests: Mapping[str, str]) -> str:
    """Identity of a definition version: its data and the shared lists it uses."""
    lists = ",".join(f"{name}={value}" for name, value in sorted(list_digests.items()))
    return hashlib.sha256(f"{data_digest}|{lists}".encode()).hexdigest()


def list_digest(options: Iterable[Option]) -> str:
    return digest(
        [
            {"value": o.value, "label": {"ar": o.label.ar, "en": o.label.en}, **thaw(o.attributes)}
            for o in options
        ]
    )
