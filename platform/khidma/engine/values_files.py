"""The value of a `file` field: references to files the web layer has already stored.

The engine never sees file contents. The web layer keeps the blob (checking its real type
by content), and posts a reference `{id, name, size, kind, sha256}` per file; this module
checks the references against the field's `accept`, `max_size_mb` and `max_files`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from khidma.definitions.model import Field
from khidma.engine.errors import InvalidValue
from khidma.fields import FILE_KINDS

__all__ = ["DEFAULT_MAX_FILES", "DEFAULT_MAX_SIZE_MB", "FileRef", "normalise_files"]

DEFAULT_MAX_FILES = 1
DEFAULT_MAX_SIZE_MB = 10

FileRef = dict[str, Any]
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MB = 1024 * 1024


def _reference(raw: Any) -> FileRef:
    if not isinstance(raw, Mapping):
        raise InvalidValue("file.invalid")
    file_id, name, size = raw.get("id"), raw.get("name"), raw.get("size")
    kind, sha256 = raw.get("kind"), raw.get("sha256")
    if (
        not isinstance(file_id, str)
        or not file_id
        or not isinstance(name, str)
        or not name.strip()
        or not isinstance(size, int)
        or isinstance(size, bool)
        or size < 0
        or not isinstance(kind, str)
        or not isinstance(sha256, str)
        or not _SHA256.match(sha256.lower())
    ):
        raise InvalidValue("file.invalid")
    return {
        "id": file_id,
        "name": name.strip(),
        "size": size,
        "kind": kind.lower(),
        "sha256": sha256.lower(),
    }


def normalise_files(field: Field, raw: Any, ctx: object) -> list[FileRef]:
    """A list of file references (a single reference counts as a list of one), each checked
    in turn: `file.invalid` (not a reference), `file.empty`, `file.type`, `file.too_large`;
    then `file.too_many`. Extra keys in a reference are dropped."""
    items = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(items, (list, tuple)):
        raise InvalidValue("file.invalid")
    files = [_reference(item) for item in items]
    accept = tuple(field.setting("accept") or FILE_KINDS)
    max_mb = field.setting("max_size_mb", DEFAULT_MAX_SIZE_MB)
    for ref in files:
        if ref["size"] == 0:
            raise InvalidValue("file.empty", name=ref["name"])
        if ref["kind"] not in accept:
            raise InvalidValue("file.type", name=ref["name"], accept=accept)
        if ref["size"] > max_mb * _MB:
            raise InvalidValue("file.too_large", name=ref["name"], max=max_mb)
    max_files = field.setting("max_files", DEFAULT_MAX_FILES)
    if len(files) > max_files:
        raise InvalidValue("file.too_many", max=max_files)
    return files
