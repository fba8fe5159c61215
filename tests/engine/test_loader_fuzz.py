"""Property tests: whatever text a loader is given, it answers with problems, never a crash.

`compile_text` may only raise `DefinitionError`; `load` must never raise at all (it reports
every problem in `LoadResult.problems`). Fed with
  (a) random YAML documents (nested data dumped with yaml.safe_dump), random text, random
      bytes decoded as text, and the minimal fixture with a random part replaced;
  (b) the seed service files (services.d/*.yaml, tests/engine/fixtures/minimal.yaml) with
      random line-level mutations.
YAML core tags on scalars are fuzzed on their own (test_core_tag_on_random_scalar), and the
crashes found so far are pinned in test_known_crasher (xfail until the loader is fixed).
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck
from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from khidma.definitions.errors import DefinitionError
from khidma.definitions.errors import Problem
from khidma.definitions.loader import compile_text
from khidma.definitions.loader import load

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "services.d"
MINIMAL = Path(__file__).parent / "fixtures" / "minimal.yaml"

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)

CODE = re.compile(r"^[a-z]+\.[a-z-]+$")

# When a property fails, Hypothesis writes a patch with the failing example and, doing so,
# imports mypy_extensions, which warns; the suite's `filterwarnings = ["error"]` would turn
# the report of the failure into an INTERNALERROR that hides it.
pytestmark = pytest.mark.filterwarnings(
    "ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning"
)


# --------------------------------------------------------------------------------------
# The property
# --------------------------------------------------------------------------------------


def check_problems(problems: list[Problem], file: str | None = None) -> None:
    for p in problems:
        assert isinstance(p, Problem)
        assert p.line >= 1 and p.column >= 1, p
        assert CODE.match(p.code), p
        assert p.message, p
        if file is not None:
            assert p.file == file, p
        str(p)  # printable


# Loader bugs the fuzzers have found. Each is pinned by a strict xfail below
# (test_known_crasher, and in test_broken_definitions.py where it has a line to report);
# the properties let exactly these through so they go on searching for new ones. When the
# loader is fixed, the xfail turns into a failure: delete the entry here and the mark there.
KNOWN_BUGS = [
    # (exception type, file of the innermost frame, words of the message)
]


def known_bug(exc: BaseException) -> bool:
    innermost = Path(traceback.extract_tb(exc.__traceback__)[-1].filename).name
    return any(
        type(exc).__name__ == kind and innermost == where and words in str(exc)
        for kind, where, words in KNOWN_BUGS
    )


def compiles_or_reports(
    text: str, shared_lists: dict[str, Any] | None = None, *, tolerate_known_bugs: bool = True
) -> None:
    """compile_text either returns a definition or raises DefinitionError with problems."""
    try:
        compile_text(text, "fuzz.yaml", shared_lists)
    except DefinitionError as exc:
        assert exc.problems, "DefinitionError without problems"
        check_problems(exc.problems, "fuzz.yaml")
    except Exception as exc:
        if not (tolerate_known_bugs and known_bug(exc)):
            raise


def loads_without_raising(
    content: str | bytes, name: str = "fuzz.yaml", extra: Sequence[Path] = ()
) -> None:
    """load() on a file with this content never raises; every problem is well formed."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / name
        if isinstance(content, str):  # lone surrogates become bytes that are not UTF-8
            content = content.encode("utf-8", errors="surrogatepass")
        target.write_bytes(content)
        try:
            result = load([target, *extra])
        except Exception as exc:
            if known_bug(exc):
                return
            raise
        assert result.files == 1 + len(extra)
        check_problems(result.problems)
        if not result.problems:
            assert result.services or result.lists


# --------------------------------------------------------------------------------------
# (a) random documents, text and bytes
# --------------------------------------------------------------------------------------

# Keys the schema knows, so random mappings get past "unknown key" now and then.
KNOWN_KEYS = [
    "kind",
    "id",
    "version",
    "agency",
    "name",
    "title",
    "summary",
    "description",
    "steps",
    "fields",
    "type",
    "label",
    "ar",
    "en",
    "options",
    "options_from",
    "options_filter",
    "value",
    "lists",
    "visible_when",
    "required_when",
    "expression",
    "required",
    "default",
    "min",
    "max",
    "min_length",
    "max_length",
    "booking",
    "workflow",
    "statuses",
    "transitions",
    "from",
    "to",
    "by",
    "initial",
    "final",
    "notifications",
    "event",
    "channel",
    "body",
    "subject",
    "declarations",
    "text",
    "schedule",
    "window",
    "resource_field",
    "slot_field",
    "max_days_ahead",
    "fees",
    "amount",
    "rules",
    "check",
    "message",
    "prefill",
    "readonly",
    "pattern",
    "item",
    "content",
]
FIELD_TYPES = [
    "text",
    "integer",
    "number",
    "select",
    "radio",
    "checkboxes",
    "group",
    "computed",
    "date",
    "time",
    "file",
    "appointment",
    "info",
    "yes_no",
    "hidden",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # nan and inf included
    st.text(max_size=20),
    st.sampled_from(
        [
            *FIELD_TYPES,
            *("today", "today+3d", "2026-02-30", "1.0", "status:x", "a + b", "item.x"),
            *("option.y", "lookup('l', x)", "{x}"),
        ]
    ),
)
keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=8))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(keys, children, max_size=6),
    ),
    max_leaves=40,
)


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@FUZZ
@given(documents)
def test_random_yaml_document(data: Any) -> None:
    text = dump(data)
    compiles_or_reports(text)
    loads_without_raising(text)


YAMLISH = st.lists(
    st.one_of(
        st.sampled_from(
            [*"{}[]:-,#&*!|>'\"%@`?~ \t\n\r", "\n  ", "\n- ", ": ", "---\n", "...\n", "<<: "]
        ),
        st.characters(),
    ),
    max_size=60,
).map("".join)


@FUZZ
@given(st.one_of(st.text(max_size=200), YAMLISH))
def test_random_text(text: str) -> None:
    compiles_or_reports(text)
    loads_without_raising(text)


@FUZZ
@given(st.binary(max_size=300), st.sampled_from(["utf-8", "latin-1", "utf-16", "cp1256"]))
def test_random_bytes(raw: bytes, encoding: str) -> None:
    compiles_or_reports(raw.decode(encoding, errors="replace"))
    loads_without_raising(raw)  # whatever it is, straight from disk


MINIMAL_DATA = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found += _paths(v, (*prefix, i))
    return found


MINIMAL_PATHS = _paths(MINIMAL_DATA)[1:]


parts = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(keys, children, max_size=3)
    ),
    max_leaves=8,
)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(MINIMAL_PATHS), parts), min_size=1, max_size=3))
def test_minimal_with_a_random_part(replacements: list[tuple[tuple, Any]]) -> None:
    """The valid fixture with one to three parts replaced by random data: this gets
    past the YAML and schema layers and into the compiler's cross-checks."""
    data = copy.deepcopy(MINIMAL_DATA)
    for path, value in replacements:
        node = data
        try:
            for step in path[:-1]:
                node = node[step]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this place
    compiles_or_reports(dump(data))  # (load() is fuzzed by the tests above)


# --------------------------------------------------------------------------------------
# (b) mutations of the seed files
# --------------------------------------------------------------------------------------


def seed_files() -> list[Path]:
    return sorted(SERVICES.glob("*.yaml")) + sorted(SERVICES.glob("*.yml"))


def is_lists_file(text: str) -> bool:
    return re.search(r"^kind:\s*lists\b", text, re.M) is not None


SCALAR_AT_END = re.compile(r"(:\s+|-\s+)([^\s{}\[\]#][^\n#]*?)\s*$")


@st.composite
def replacement_values(draw: st.DrawFn, ids: list[str]) -> str:
    return draw(
        st.one_of(
            st.sampled_from(
                [
                    "no",
                    "yes",
                    "on",
                    "~",
                    "null",
                    "''",
                    '""',
                    "[]",
                    "{}",
                    "2026-02-30",
                    "1:30",
                    "0x1F",
                    ".nan",
                    "-.inf",
                    "99999999999999999999",
                    "today",
                    "today-1d",
                    '"{unknown}"',
                    '"status:nope"',
                    "&a x",
                    "*a",
                    "|",
                    ">",
                    '"a =="',
                    '"item.nope"',
                    '"option.nope"',
                    "\"lookup('nope', x)\"",
                    "true",
                    "1e3",
                    "-1",
                    "0",
                    "'12:00-08:00'",
                    "[a, b",
                    "{a: 1",
                ]
            ),
            st.sampled_from(ids) if ids else st.just("x"),
            st.lists(st.sampled_from(ids or ["x"]), min_size=1, max_size=3).map(
                lambda names: '"' + " + ".join(names) + '"'
            ),  # expressions over real ids
            st.integers(-(10**6), 10**6).map(str),
            st.text(max_size=12),
        )
    )


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    ids = sorted(set(re.findall(r"\bid:\s*([a-z][a-z0-9_]*)", text)))
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            lines = [""]
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "scalar", "insert"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            body = lines[i].lstrip(" \t")
            indent = draw(
                st.one_of(
                    st.integers(0, 16).map(lambda n: " " * n),
                    st.sampled_from(["\t", " \t", "\t  "]),
                )
            )
            lines[i] = indent + body
        elif op == "scalar":
            m = SCALAR_AT_END.search(lines[i].rstrip("\n"))
            value = draw(replacement_values(ids))
            if m:
                line = lines[i].rstrip("\n")
                lines[i] = line[: m.start(2)] + value + "\n"
            else:  # no trailing scalar: replace a word
                words = list(re.finditer(r"[A-Za-z0-9_:.-]+", lines[i]))
                if words:
                    w = draw(st.sampled_from(words))
                    lines[i] = lines[i][: w.start()] + value + lines[i][w.end() :]
        else:  # insert random characters
            pos = draw(st.integers(0, len(lines[i])))
            chars = draw(
                st.one_of(
                    st.text(min_size=1, max_size=5),
                    st.sampled_from(
                        [
                            "{",
                            "[",
                            "]",
                            "}",
                            ":",
                            "- ",
                            "&x ",
                            "*x",
                            "!",
                            "#",
                            "'",
                            '"',
                            "\t",
                            "\n",
                            "%",
                            "@",
                        ]
                    ),
                )
            )
            lines[i] = lines[i][:pos] + chars + lines[i][pos:]
    return "".join(lines)


def _shared_lists(seeds: list[Path]) -> tuple[dict[str, Any], list[Path]]:
    lists_files = [p for p in seeds if is_lists_file(p.read_text(encoding="utf-8"))]
    return dict(load(lists_files).lists) if lists_files else {}, lists_files


def test_mutated_seed_services() -> None:
    seeds = seed_files()
    if not seeds:
        pytest.skip(f"no seed services yet in {SERVICES} (colleagues are still writing them)")
    shared, lists_files = _shared_lists(seeds)
    texts = {p: p.read_text(encoding="utf-8") for p in seeds}

    @FUZZ
    @given(st.sampled_from(seeds).flatmap(lambda p: st.tuples(st.just(p), mutated(texts[p]))))
    def run(seed_and_text: tuple[Path, str]) -> None:
        seed, text = seed_and_text
        if is_lists_file(texts[seed]):
            # a mutated lists file, loaded beside the other lists files
            loads_without_raising(text, seed.name, [p for p in lists_files if p != seed])
            compiles_or_reports(text)
        else:
            compiles_or_reports(text, shared)
            loads_without_raising(text, seed.name, lists_files)

    run()


def test_mutated_minimal_fixture() -> None:
    if not MINIMAL.exists():
        pytest.skip(f"{MINIMAL} is missing")
    text = MINIMAL.read_text(encoding="utf-8")

    @FUZZ
    @given(mutated(text))
    def run(mutant: str) -> None:
        compiles_or_reports(mutant)
        loads_without_raising(mutant)

    run()


def test_cache_gives_the_same_answer(tmp_path_factory: pytest.TempPathFactory) -> None:
    """load() with a DefinitionCache, cold and then warm, reports exactly what it reports
    without one (mutated copies of the minimal fixture)."""
    from khidma.definitions.cache import DefinitionCache

    text = MINIMAL.read_text(encoding="utf-8")
    cache_dir = tmp_path_factory.mktemp("cache")

    @FUZZ
    @given(mutated(text))
    def run(mutant: str) -> None:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "fuzz.yaml"
            target.write_bytes(mutant.encode("utf-8", errors="surrogatepass"))
            try:
                plain = load([target])
            except Exception as exc:
                if known_bug(exc):
                    return
                raise
            cache = DefinitionCache(cache_dir)
            cold = load([target], cache=cache)
            warm = load([target], cache=cache)
            assert cold.problems == plain.problems
            assert warm.problems == plain.problems
            assert [d.hash for d in warm.services] == [d.hash for d in plain.services]

    run()


# --------------------------------------------------------------------------------------
# YAML core tags, and the crashes found so far
# --------------------------------------------------------------------------------------

# yamlsource catches ValueError/TypeError/OverflowError from a scalar's constructor; these
# constructors fail otherwise (the tag forces the constructor whatever the text).
# PyYAML's constructors for these raise KeyError/AttributeError/IndexError on values that
# do not fit the tag; the builder reports them as yaml.bad-scalar.
TAGS = [
    "!!bool",
    "!!timestamp",
    "!!int",
    "!!float",
    "!!str",
    "!!null",
    "!!binary",
    "!!set",
    "!!omap",
    "!!pairs",
    "!!seq",
    "!!map",
    "!!merge",
    "!!python/object",
    "!custom",
]


@pytest.mark.parametrize("tag", TAGS)
def test_core_tag_on_random_scalar(tag: str) -> None:
    base = MINIMAL.read_text(encoding="utf-8")

    @settings(max_examples=50, deadline=None)
    @given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12))
    def run(value: str) -> None:
        assume("'" not in value)
        text = base.replace('version: "1"', f"version: {tag} '{value}'", 1)
        compiles_or_reports(text, tolerate_known_bugs=False)

    run()


def crasher(text: str, exc: type[BaseException], reason: str) -> pytest.ParameterSet:
    """An input that once made `exc` escape the loader (fixed; kept as a regression)."""
    return pytest.param(text, id=f"{reason}-{exc.__name__}")


KNOWN_CRASHERS = [
    crasher(
        "steps:\n  - fields:\n      - {id: a, type: [], label: {ar: أ, en: A}}\n",
        TypeError,
        "field-type-is-a-list",
    ),
    crasher("x: !!bool maybe\n", KeyError, "bool-tag"),
    crasher("x: !!timestamp abc\n", AttributeError, "timestamp-tag"),
    crasher('x: !!int ""\n', IndexError, "empty-int-tag"),
    crasher('x: !!float ""\n', IndexError, "empty-float-tag"),
    crasher("x: \ud800\n", UnicodeEncodeError, "lone-surrogate"),
]


@pytest.mark.parametrize("text", KNOWN_CRASHERS)
def test_known_crasher(text: str) -> None:
    compiles_or_reports(text, tolerate_known_bugs=False)


DEEP = 50_000  # a 100 KB file, well under the 2 MB limit


@pytest.mark.parametrize("entry", ["compile_text", "load"])
def test_deeply_nested_document_is_reported_not_fatal(entry: str, tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * DEEP + "]" * DEEP, encoding="utf-8")
    program = (
        "import sys\n"
        "from pathlib import Path\n"
        "from khidma.definitions.errors import DefinitionError\n"
        "from khidma.definitions.loader import compile_text, load\n"
        f"path = Path({str(deep)!r})\n"
        f"if {entry == 'load'}:\n"
        "    result = load([path])\n"
        "    print(result.problems[0].code)\n"
        "else:\n"
        "    try:\n"
        "        compile_text(path.read_text(), 'deep.yaml')\n"
        "    except DefinitionError as exc:\n"
        "        print(exc.problems[0].code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-500:]}"
    assert done.stdout.strip() == "yaml.too-deep"
