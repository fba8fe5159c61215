"""Load service and lists files from disk: parse, validate, compile, report.

`load(paths)` reads every `*.yaml`/`*.yml` below the given files and folders. Lists files
(`kind: lists`) are read first, since services may use their lists. Every problem of every
file is collected; nothing is raised half-way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from khidma.definitions import fastschema
from khidma.definitions.cache import Compiled
from khidma.definitions.cache import DefinitionCache
from khidma.definitions.compiler import compile_service
from khidma.definitions.compiler import list_digest
from khidma.definitions.compiler import parse_options
from khidma.definitions.errors import DefinitionError
from khidma.definitions.errors import Problem
from khidma.definitions.model import Option
from khidma.definitions.model import ServiceDefinition
from khidma.definitions.yamlsource import Located
from khidma.definitions.yamlsource import YamlProblem
from khidma.definitions.yamlsource import load_located
from khidma.fields import FieldTypeRegistry
from khidma.fields import registry as default_registry

SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 2 * 1024 * 1024


@dataclass
class LoadResult:
    services: list[ServiceDefinition] = field(default_factory=list)
    lists: dict[str, tuple[Option, ...]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0

    def raise_for_problems(self) -> None:
        if self.problems:
            raise DefinitionError(self.problems)


SCENARIO_SUFFIXES = tuple(f".scenarios{suffix}" for suffix in SUFFIXES)


def is_scenario_file(path: Path) -> bool:
    """Scenario files (`*.scenarios.yaml`, read by `khidma test`) may sit among the services;
    they are not definitions."""
    return path.name.endswith(SCENARIO_SUFFIXES)


_LISTS_FILE = re.compile(r"^kind:\s*[\"']?lists[\"']?\s*(#.*)?$", re.M)


def find_files(paths: Iterable[str | Path]) -> list[Path]:
    """The definition files below `paths`. A file named on its own brings the lists files
    (`kind: lists`) beside it, so checking one service sees the lists it uses. Scenario
    files are left out."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.suffix in SUFFIXES and f.is_file() and not is_scenario_file(f)
                )
            )
        elif is_scenario_file(p):
            continue
        else:
            found.append(p)
            found.extend(_sibling_lists(p))
    return list(dict.fromkeys(found))


def _sibling_lists(path: Path) -> list[Path]:
    siblings = []
    for f in sorted(path.parent.glob("*")):
        if f.suffix not in SUFFIXES or f == path or not f.is_file() or is_scenario_file(f):
            continue
        try:
            head = f.read_text(encoding="utf-8-sig", errors="replace")[:4096]
        except OSError:
            continue
        if _LISTS_FILE.search(head):
            siblings.append(f)
    return siblings


def read_bytes(path: Path) -> tuple[bytes | None, Problem | None]:
    try:
        return path.read_bytes(), None
    except OSError as exc:
        return None, Problem(str(path), 1, 1, "file.unreadable", exc.strerror or str(exc))


def decode(raw: bytes, path: Path) -> tuple[str | None, Problem | None]:
    if len(raw) > MAX_FILE_BYTES:
        return None, Problem(
            str(path),
            1,
            1,
            "file.too-large",
            f"the file is {len(raw)} bytes; the limit is {MAX_FILE_BYTES}",
        )
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return None, Problem(
            str(path),
            1,
            1,
            "file.encoding",
            f"not UTF-8 text (byte {exc.start})",
            "save the file as UTF-8",
        )


def parse(
    text: str, file: str, types: FieldTypeRegistry = default_registry
) -> tuple[Located | None, str, list[Problem]]:
    """Parse and schema-check one document. Returns the data, its kind and problems."""
    try:
        located = load_located(text)
    except YamlProblem as exc:
        return (
            None,
            "service",
            [Problem(file, exc.line, exc.column, exc.code, exc.message, exc.hint)],
        )
    problems = [
        Problem(
            file,
            line,
            col,
            "yaml.duplicate-key",
            f"key {path[-1]!r} appears twice; YAML would keep only the last",
            "remove or rename one of them",
        )
        for path, line, col in located.duplicates
    ]
    data = located.data
    kind = data.get("kind", "service") if isinstance(data, dict) else "service"
    kind = kind if kind in ("service", "lists") else "service"
    if data is None:
        problems.append(Problem(file, 1, 1, "file.empty", "the file holds no definition"))
        return None, kind, problems
    problems.extend(_schema_problems(located, file, kind, types))
    return located, kind, problems


def _schema_problems(
    located: Located, file: str, kind: str, types: FieldTypeRegistry
) -> list[Problem]:
    """Valid files pass the compiled check alone; for any other, jsonschema says what is
    wrong (imported only then: it is most of the start-up of `khidma check`)."""
    if fastschema.is_valid(located.data, kind, types):
        return []
    from khidma.definitions.validation import schema_problems

    return schema_problems(located, file, kind, types)


def compile_text(
    text: str,
    file: str,
    shared_lists: Mapping[str, tuple[Option, ...]] | None = None,
    types: FieldTypeRegistry = default_registry,
) -> ServiceDefinition:
    """Compile one service from its text (e.g. a version stored with a submission).
    Raises `DefinitionError` with every problem."""
    located, kind, problems = parse(text, file, types)
    if kind != "service" and not problems:
        problems.append(Problem(file, 1, 1, "file.kind", "this is not a service file"))
    if located is None or problems:
        raise DefinitionError(problems)
    definition, more = compile_service(located, file, shared_lists or {}, types)
    if definition is None:
        raise DefinitionError(more)
    return definition


def load(
    paths: Iterable[str | Path],
    types: FieldTypeRegistry = default_registry,
    cache: DefinitionCache | None = None,
) -> LoadResult:
    """Load every definition file below `paths`. With a `cache`, files whose bytes were
    parsed and found schema-valid before are not parsed again, and a service compiled before
    (same bytes, same path, same shared lists, same platform code) is not compiled again."""
    result = LoadResult()
    compiled = cache.compiled if cache is not None and types is default_registry else None
    parsed: list[tuple[str, Located | None, bytes | None, Compiled | None]] = []
    list_origin: dict[str, str] = {}
    for path in find_files(paths):
        result.files += 1
        file = str(path)
        raw, problem = read_bytes(path)
        entry = compiled.get(raw, file) if compiled is not None and raw is not None else None
        if entry is not None:
            parsed.append((file, None, raw, entry))
            continue
        done = _parse_file(path, raw, problem, types, cache, result)
        if done is None:
            continue
        kind, located = done
        if kind == "lists":
            _add_lists(located, file, result, list_origin)
        else:
            parsed.append((file, located, raw, None))
    seen: dict[str, str] = {}
    list_digests = {name: list_digest(options) for name, options in result.lists.items()}
    shared_names = tuple(sorted(result.lists))
    for file, maybe_located, raw, entry in parsed:
        if entry is not None and (
            entry.shared_names != shared_names
            or any(list_digests.get(name) != d for name, d in entry.list_digests)
        ):
            entry = None  # the shared lists changed: compile again
            done = _parse_file(Path(file), raw, None, types, cache, result)
            if done is None:
                continue
            if done[0] == "lists":  # pragma: no cover - a compiled entry is a service
                continue
            maybe_located = done[1]
        if entry is not None:
            definition, problems, id_where = entry.definition, list(entry.problems), entry.id_where
        else:
            assert maybe_located is not None
            located = maybe_located
            definition, problems = compile_service(located, file, result.lists, types, list_digests)
            id_where = located.where(("id",))
            if compiled is not None and definition is not None and raw is not None:
                compiled.put(
                    raw,
                    file,
                    Compiled(
                        definition,
                        tuple(problems),
                        shared_names,
                        tuple((n, list_digests[n]) for n in definition.shared_lists_used),
                        id_where,
                    ),
                )
        result.problems.extend(problems)
        if definition is None:
            continue
        if definition.id in seen:
            line, col = id_where
            result.problems.append(
                Problem(
                    file,
                    line,
                    col,
                    "service.duplicate",
                    f"service id {definition.id!r} is also used by {seen[definition.id]}",
                )
            )
            continue
        seen[definition.id] = file
        result.services.append(definition)
    result.problems.sort()
    return result


def _parse_file(
    path: Path,
    raw: bytes | None,
    problem: Problem | None,
    types: FieldTypeRegistry,
    cache: DefinitionCache | None,
    result: LoadResult,
) -> tuple[str, Located] | None:
    """The kind and data of one file (from the parsed cache, or parsed and schema-checked),
    or None with its problems added to `result`."""
    hit = cache.get(raw) if cache is not None and raw is not None else None
    if hit is not None:
        return hit
    text, problem = decode(raw, path) if raw is not None else (None, problem)
    if problem:
        result.problems.append(problem)
        return None
    assert text is not None and raw is not None
    located, kind, problems = parse(text, str(path), types)
    result.problems.extend(problems)
    if located is None or problems:
        return None
    if cache is not None:
        cache.put(raw, kind, located)
    return kind, located


def _add_lists(located: Located, file: str, result: LoadResult, origin: dict[str, str]) -> None:
    data: dict[str, Any] = located.data
    for name, options in data["lists"].items():
        if name in result.lists:
            line, col = located.where(("lists", name), key=True)
            result.problems.append(
                Problem(
                    file,
                    line,
                    col,
                    "list.duplicate",
                    f"list {name!r} is already defined in {origin[name]}",
                )
            )
            continue
        values = [o["value"] for o in options]
        for i, value in enumerate(values):
            if value in values[:i]:
                line, col = located.where(("lists", name, i, "value"))
                result.problems.append(
                    Problem(
                        file,
                        line,
                        col,
                        "option.duplicate",
                        f"option value {value!r} appears twice in list {name!r}",
                    )
                )
        origin[name] = file
        result.lists[name] = parse_options(options)
