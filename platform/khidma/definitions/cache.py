"""A content-addressed cache of parsed, schema-valid definition files — what `.pyc` files
are to Python source.

Parsing YAML and checking it against the JSON Schema cost ~1.5 ms per KB (see
docs/performance.md); a platform with many services would pay that on every start. The
cache keeps, per file content, the data and the positions of its values. A file whose bytes,
platform version and schema are unchanged is not parsed again; everything after — the
cross-checks and the compilation — always runs. Entries are written with `marshal`, which
holds only plain data and cannot run code when read.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from functools import cache
from pathlib import Path

from khidma.definitions import schema as schemas
from khidma.definitions.compiler import digest
from khidma.definitions.yamlsource import Located

FORMAT = b"khidma-definition-cache-1"


@cache
def _salt() -> bytes:
    digest = hashlib.sha256(FORMAT)
    digest.update(schemas.dump(schemas.service_schema()).encode())
    digest.update(schemas.dump(schemas.lists_schema()).encode())
    digest.update(Path(__file__).with_name("yamlsource.py").read_bytes())
    return digest.digest()


class DefinitionCache:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def _path(self, raw: bytes) -> Path:
        key = hashlib.sha256(_salt() + raw).hexdigest()
        return self.folder / key[:2] / key

    def get(self, raw: bytes) -> tuple[str, Located] | None:
        """The kind and data of a file with these bytes, if it was parsed and valid before."""
        path = self._path(raw)
        try:
            kind, data, data_digest = marshal.loads(path.with_suffix(".data").read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return None
        positions = path.with_suffix(".pos")
        return kind, Located(
            data, digest=data_digest, positions=lambda: marshal.loads(positions.read_bytes())
        )

    def put(self, raw: bytes, kind: str, located: Located) -> None:
        path = self._path(raw)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(path.with_suffix(".pos"), marshal.dumps((located.values, located.keys)))
            entry = (kind, located.data, located.digest or digest(located.data))
            _atomic_write(path.with_suffix(".data"), marshal.dumps(entry))
        except (OSError, ValueError):
            pass  # a cache that cannot be written is only slower


def _atomic_write(path: Path, content: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
