"""A content-addressed cache of parsed, schema-valid definition files — what `.pyc` files
are to Python source.

Parsing YAML and checking it against the JSON Schema cost ~1.5 ms per KB (see
docs/performance.md); a platform with many services would pay that on every start. The
cache keeps, per file content, the data and the positions of its values. A file whose bytes,
platform version and schema are unchanged is not parsed again; everything after — the
cross-checks and the compilation — runs again unless the compiled definition is cached
too (`CompiledCache`, below). Parsed entries are written with `marshal`, which holds only
plain data and cannot run code when read; compiled ones with `pickle`, authenticated.
"""

from __future__ import annotations

import contextlib
import copyreg
import hashlib
import hmac
import io
import marshal
import os
import pickle
import secrets
import stat
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

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
        # the compiled definitions, when the folder is private to this user
        self.compiled = CompiledCache.open(self.folder)

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


# -- compiled definitions ------------------------------------------------------------------
# Cross-checks and compilation cost ~4 ms per file, which the parsed-data cache above does
# not save. A compiled `ServiceDefinition` is stored with `pickle`, which runs code when
# read: so only in a folder private to this user, and every entry is authenticated with
# HMAC-SHA256 under a random key kept in that folder. An entry that fails the check, or a
# folder that is not private, is ignored (the file is compiled again).

COMPILED_FORMAT = b"khidma-compiled-definition-1"
_PACKAGE = Path(__file__).resolve().parent.parent


@cache
def _code_salt() -> bytes:
    """The platform's version, its schemas and the source of every module of the package:
    a change to any of them compiles every file again."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version

    digest = hashlib.sha256(COMPILED_FORMAT + _salt())
    with contextlib.suppress(PackageNotFoundError):
        digest.update(version("khidma").encode())
    for source in sorted(_PACKAGE.rglob("*.py")):
        digest.update(str(source.relative_to(_PACKAGE)).encode() + b"\0")
        digest.update(source.read_bytes())
    return digest.digest()


def _private(path: Path, *, folder: bool) -> bool:
    try:
        info = path.lstat()
    except OSError:
        return False
    kind_ok = stat.S_ISDIR(info.st_mode) if folder else stat.S_ISREG(info.st_mode)
    return kind_ok and info.st_uid == os.getuid() and not info.st_mode & 0o077


def _proxy(data: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(data)


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.dispatch_table = {
            **copyreg.dispatch_table,
            MappingProxyType: lambda m: (_proxy, (dict(m),)),
        }


@dataclass(frozen=True)
class Compiled:
    """A service file's compiled definition and what it was compiled against."""

    definition: Any  # ServiceDefinition
    problems: tuple[Any, ...]  # Problem
    shared_names: tuple[str, ...]  # the shared lists there were
    list_digests: tuple[tuple[str, str], ...]  # the shared lists it used, with their digests
    id_where: tuple[int, int]


class CompiledCache:
    """The compiled half of `DefinitionCache` (its `compiled` attribute, None when the
    folder is not private to this user)."""

    def __init__(self, folder: Path, key: bytes) -> None:
        self.folder = folder
        self.key = key

    @classmethod
    def open(cls, folder: Path) -> CompiledCache | None:
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return None
        if not _private(folder, folder=True):
            return None
        key_file = folder / "key"
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        except OSError:
            return None
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(32))
        if not _private(key_file, folder=False):
            return None
        try:
            key = key_file.read_bytes()
        except OSError:
            return None
        return cls(folder, key) if len(key) == 32 else None

    def _name(self, raw: bytes, file: str) -> bytes:
        return hashlib.sha256(_code_salt() + file.encode() + b"\0" + raw).digest()

    def _path(self, name: bytes) -> Path:
        key = name.hex()
        return self.folder / key[:2] / f"{key}.compiled"

    def get(self, raw: bytes, file: str) -> Compiled | None:
        name = self._name(raw, file)
        try:
            blob = self._path(name).read_bytes()
        except OSError:
            return None
        mac, payload = blob[:32], blob[32:]
        if not hmac.compare_digest(mac, hmac.new(self.key, name + payload, "sha256").digest()):
            return None
        try:
            entry = pickle.loads(payload)
        except Exception:  # an entry this code cannot read any more: compile again
            return None
        return entry if isinstance(entry, Compiled) else None

    def put(self, raw: bytes, file: str, entry: Compiled) -> None:
        name = self._name(raw, file)
        path = self._path(name)
        try:
            buffer = io.BytesIO()
            _Pickler(buffer).dump(entry)
            payload = buffer.getvalue()
            mac = hmac.new(self.key, name + payload, "sha256").digest()
            path.parent.mkdir(mode=0o700, exist_ok=True)
            _atomic_write(path, mac + payload)
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            pass  # a cache that cannot be written is only slower
