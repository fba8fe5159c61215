"""Scenario tests for service definitions: answers in, what the engine makes of them out.

A scenario file (`<anything>.scenarios.yaml`, beside the services or in a folder below
them; see docs/scenarios.md) names one service and lists scenarios. Each gives answers and
what must follow from them: the fields shown and hidden, required and optional, the errors
(by input path and code), computed and other values, the options offered, the fee and the
wizard's next page. `run_file` runs every scenario through the engine's own functions
(`validate_submission`, `evaluate`, `plan`, the fee `quote`) — no web layer, no database —
and returns one `Outcome` per scenario, each listing what differed, expected against got.

`coverage` says which conditions the scenarios of a service have not yet seen both ways:
every `visible_when` (shown and hidden, on a visible step), every `required_when` (required
and not; a hidden field counts as not required), every computed field (checked with two
different values), every rule (seen failing), every `options_filter` (its options checked)
and the fee.
Coverage is measured on outcomes, not on the branches inside one expression.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from khidma.definitions.errors import Problem
from khidma.definitions.loader import SUFFIXES
from khidma.definitions.loader import is_scenario_file
from khidma.definitions.model import Field
from khidma.definitions.model import ServiceDefinition
from khidma.definitions.yamlsource import Located
from khidma.definitions.yamlsource import YamlProblem
from khidma.definitions.yamlsource import load_located
from khidma.engine.errors import FieldError
from khidma.engine.evaluate import State
from khidma.engine.evaluate import evaluate
from khidma.engine.order import plain
from khidma.engine.prefill import initial_answers
from khidma.engine.validate import validate_submission
from khidma.engine.wizard import plan
from khidma.payments.fees import FeeError
from khidma.payments.fees import quote

__all__ = [
    "EXPECT_KEYS",
    "Mismatch",
    "Outcome",
    "Scenario",
    "ScenarioFile",
    "coverage",
    "find_scenario_files",
    "read_scenarios",
    "run_file",
]

# What `expect` may say, in the order differences are reported.
EXPECT_KEYS = (
    "steps",
    "visible",
    "hidden",
    "required",
    "optional",
    "errors",
    "values",
    "options",
    "fee",
    "next",
)
_FIELD_LISTS = ("visible", "hidden", "required", "optional")
_SCENARIO_KEYS = {"name", "answers", "expect", "identity", "today", "lang"}
_FILE_KEYS = {"kind", "service", "today", "lang", "identity", "base", "scenarios"}
_PAGE_NAMES = {"_review": "review", "_instructions": "instructions"}


@dataclass(frozen=True)
class Scenario:
    name: str
    file: str
    line: int
    answers: Mapping[str, Any]
    expect: Mapping[str, Any]
    expect_lines: Mapping[str, int]
    identity: Mapping[str, Any] | None
    today: dt.date
    lang: str


@dataclass(frozen=True)
class ScenarioFile:
    path: str
    service: str
    line: int  # of `service:`
    scenarios: tuple[Scenario, ...]


@dataclass(frozen=True)
class Mismatch:
    """One expectation that did not hold: `item` is e.g. `visible`, `values.fee_total`."""

    item: str
    line: int
    expected: Any
    got: Any
    detail: str = ""

    def __str__(self) -> str:
        text = (
            f"line {self.line}: {self.item}: expected {_show(self.expected)}, got {_show(self.got)}"
        )
        return f"{text}\n      {self.detail}" if self.detail else text


@dataclass
class Outcome:
    scenario: Scenario
    mismatches: list[Mismatch] = field(default_factory=list)
    state: State | None = None

    @property
    def passed(self) -> bool:
        return not self.mismatches

    def report(self) -> str:
        """The scenario's verdict, and for a failure every difference on its own line."""
        s = self.scenario
        head = f"{'ok  ' if self.passed else 'FAIL'} {s.file}:{s.line}: {s.name}"
        return "\n".join([head, *(f"    {m}" for m in self.mismatches)])


def _show(value: Any) -> str:
    if isinstance(value, (set, frozenset)):
        return "[" + ", ".join(sorted(map(str, value))) + "]"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(v if isinstance(v, str) else _show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "null"
    return str(value).lower() if isinstance(value, bool) else str(value)


# ----------------------------------------------------------------------------------------
# reading scenario files
# ----------------------------------------------------------------------------------------


def find_scenario_files(paths: Iterable[str | Path]) -> list[Path]:
    """The scenario files named in `paths` or below the folders among them."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(
                sorted(f for f in p.rglob("*") if f.suffix in SUFFIXES and is_scenario_file(f))
            )
        elif is_scenario_file(p):
            found.append(p)
    return list(dict.fromkeys(found))


def read_scenarios(path: Path) -> tuple[ScenarioFile | None, list[Problem]]:
    """Parse one scenario file. Problems (with file:line) are returned, never raised."""
    file = str(path)
    try:
        located = load_located(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        return None, [Problem(file, 1, 1, "file.unreadable", exc.strerror or str(exc))]
    except YamlProblem as exc:
        return None, [Problem(file, exc.line, exc.column, exc.code, exc.message, exc.hint)]
    reader = _Reader(located, file)
    return reader.read(), reader.problems


class _Reader:
    def __init__(self, located: Located, file: str) -> None:
        self.located = located
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, path: tuple[str | int, ...], code: str, message: str, hint: str = "") -> None:
        line, col = self.located.where(path)
        self.problems.append(Problem(self.file, line, col, code, message, hint))

    def unknown_keys(
        self, data: Mapping[str, Any], allowed: set[str], path: tuple[Any, ...]
    ) -> None:
        for key in data:
            if key not in allowed:
                self.problem(
                    (*path, key),
                    "scenario.unknown-key",
                    f"unknown key {key!r}",
                    "use one of: " + ", ".join(sorted(allowed)),
                )

    def read(self) -> ScenarioFile | None:
        data = self.located.data
        if not isinstance(data, dict) or not isinstance(data.get("service"), str):
            self.problem((), "scenario.service", "a scenario file names its `service:` (an id)")
            return None
        self.unknown_keys(data, _FILE_KEYS, ())
        items = data.get("scenarios")
        if not isinstance(items, list) or not items:
            self.problem(("scenarios",), "scenario.none", "`scenarios:` must list scenarios")
            return None
        defaults = {
            "today": data.get("today"),
            "lang": data.get("lang", "ar"),
            "identity": data.get("identity"),
            "base": data.get("base") or {},
        }
        scenarios = [s for i, raw in enumerate(items) if (s := self.scenario(i, raw, defaults))]
        line, _ = self.located.where(("service",))
        return ScenarioFile(self.file, data["service"], line, tuple(scenarios))

    def scenario(self, index: int, raw: Any, defaults: Mapping[str, Any]) -> Scenario | None:
        path: tuple[str | int, ...] = ("scenarios", index)
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            self.problem(path, "scenario.name", "each scenario is a mapping with a `name:`")
            return None
        self.unknown_keys(raw, _SCENARIO_KEYS, path)
        expect = raw.get("expect") or {}
        if not isinstance(expect, dict):
            self.problem((*path, "expect"), "scenario.expect", "`expect:` is a mapping")
            return None
        self.unknown_keys(expect, set(EXPECT_KEYS), (*path, "expect"))
        try:
            today = dt.date.fromisoformat(str(raw.get("today") or defaults["today"]))
        except ValueError:
            self.problem((*path, "today"), "scenario.today", "`today:` must be a date YYYY-MM-DD")
            return None
        answers = {**defaults["base"], **(raw.get("answers") or {})}
        return Scenario(
            name=raw["name"],
            file=self.file,
            line=self.located.where(path)[0],
            answers={k: v for k, v in answers.items() if v is not None},
            expect=expect,
            expect_lines={k: self.located.where((*path, "expect", k))[0] for k in expect},
            identity=raw.get("identity", defaults["identity"]),
            today=today,
            lang=str(raw.get("lang") or defaults["lang"]),
        )


def check_names(scenarios: ScenarioFile, definition: ServiceDefinition) -> list[Problem]:
    """Field and step ids in the expectations that the service does not have: a typo
    there would otherwise pass silently (a hidden field that does not exist is hidden)."""
    problems = []
    steps = {s.id for s in definition.steps}
    for s in scenarios.scenarios:
        for key, names in _named_ids(s.expect):
            known = steps if key == "steps" else None
            for name in names:
                top = str(name).split(".")[0]
                ok = top in known if known is not None else definition.has_field(top)
                if not ok:
                    problems.append(
                        Problem(
                            s.file,
                            s.expect_lines[key],
                            1,
                            "scenario.unknown-id",
                            f"{s.name}: {key} names {name!r}, which service "
                            f"{definition.id!r} does not have",
                        )
                    )
        for answer in s.answers:
            if not definition.has_field(answer):
                problems.append(
                    Problem(
                        s.file,
                        s.line,
                        1,
                        "scenario.unknown-id",
                        f"{s.name}: an answer for {answer!r}, which is not a field",
                    )
                )
    return problems


def _named_ids(expect: Mapping[str, Any]) -> Iterator[tuple[str, Iterable[Any]]]:
    for key in (*_FIELD_LISTS, "steps"):
        if isinstance(expect.get(key), list):
            yield key, expect[key]
    for key in ("errors", "values", "options"):
        if isinstance(expect.get(key), dict):
            yield key, expect[key]


# ----------------------------------------------------------------------------------------
# running
# ----------------------------------------------------------------------------------------


def _file_answer(name: Any) -> Any:
    """`letter.pdf` written as a file field's answer stands for an uploaded file."""
    if not isinstance(name, str):
        return name
    kind = name.rsplit(".", 1)[-1].lower()
    kind = "jpeg" if kind == "jpg" else kind
    digest = hashlib.sha256(name.encode()).hexdigest()
    return {"id": digest[:16], "name": name, "size": 2048, "kind": kind, "sha256": digest}


def _answers(definition: ServiceDefinition, scenario: Scenario) -> dict[str, Any]:
    answers = initial_answers(definition, scenario.identity, today=scenario.today)
    for key, value in scenario.answers.items():
        f = definition.field(key) if definition.has_field(key) else None
        answers[key] = _with_files(f, value, definition)
    return answers


def _with_files(f: Field | None, value: Any, definition: ServiceDefinition) -> Any:
    if f is None:
        return value
    if f.type.value_shape == "files":
        return [_file_answer(v) for v in value] if isinstance(value, list) else _file_answer(value)
    if f.type.value_shape == "items" and isinstance(value, list):
        return [
            {
                k: _with_files(
                    definition.field(k) if definition.has_field(k) else None, v, definition
                )
                for k, v in item.items()
            }
            if isinstance(item, dict)
            else item
            for item in value
        ]
    return value


def _errors(errors: Iterable[FieldError]) -> dict[str, Any]:
    found: dict[str, list[str]] = {}
    for e in errors:
        found.setdefault(e.path, []).append(e.code)
    return {path: codes[0] if len(codes) == 1 else codes for path, codes in found.items()}


def _fee(definition: ServiceDefinition, answers: Mapping[str, Any], s: Scenario) -> Any:
    try:
        fee = quote(definition, answers, today=s.today, lang=s.lang, identity=s.identity)
    except FeeError as exc:
        return f"error: {exc.code}"
    if fee is None or not fee.due:
        return 0
    return fee.amount / 100


def run_scenario(definition: ServiceDefinition, s: Scenario) -> Outcome:
    answers = _answers(definition, s)
    clean, errors, _ = validate_submission(
        definition, answers, today=s.today, identity=s.identity, lang=s.lang
    )
    state = evaluate(definition, clean, today=s.today, lang=s.lang, identity=s.identity)
    outcome = Outcome(s, state=state)
    got: dict[str, Any] = {"steps": list(state.visible_steps), "errors": _errors(errors)}
    for key in EXPECT_KEYS:
        if key not in s.expect:
            continue
        expected, line = s.expect[key], s.expect_lines[key]
        if key == "fee":
            got[key] = _fee(definition, clean, s)
        elif key == "next":
            wizard = plan(
                definition, clean, today=s.today, identity=s.identity, instructions_accepted=True
            )
            page = wizard.first_incomplete()
            got[key] = _PAGE_NAMES.get(page.id, page.id) if page else None
        outcome.mismatches.extend(_compare(key, expected, got, state, line))
    return outcome


def _compare(
    key: str, expected: Any, got: dict[str, Any], state: State, line: int
) -> list[Mismatch]:
    if key in _FIELD_LISTS:
        return _field_list(key, expected, state, line)
    if key == "errors":
        return _error_diff(expected or {}, got["errors"], line)
    if key in ("values", "options"):
        return [
            Mismatch(f"{key}.{name}", line, want, have)
            for name, want in (expected or {}).items()
            if not _same(want, have := _lookup(key, name, state))
        ]
    if not _same(expected, got[key]):
        return [Mismatch(key, line, expected, got[key])]
    return []


def _field_list(key: str, expected: Any, state: State, line: int) -> list[Mismatch]:
    names = [str(n) for n in expected or ()]
    opposite = {"visible": "hidden", "hidden": "visible", "required": "optional"}.get(
        key, "required"
    )

    def holds(name: str) -> bool:
        if key in ("visible", "hidden"):
            return state.is_visible(*_address(name)) == (key == "visible")
        return state.is_required(*_address(name)) == (key == "required")

    return [Mismatch(f"{key}.{n}", line, key, opposite) for n in names if not holds(n)]


def _address(name: str) -> tuple[str, int | None, str | None]:
    """`field`, or `group.index.child` for a child of one item."""
    parts = name.split(".")
    if len(parts) == 3 and parts[1].isdigit():
        return parts[2], int(parts[1]), parts[0]
    return name, None, None


def _lookup(key: str, name: str, state: State) -> Any:
    field_id, index, group = _address(name)
    if key == "options":
        return [o.value for o in state.options_for(field_id, index, group)]
    if group is not None and index is not None:
        items = state.values.get(group) or []
        return plain(items[index].get(field_id)) if index < len(items) else None
    return plain(state.values.get(name))


def _same(expected: Any, got: Any) -> bool:
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected is got
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)):
        return abs(expected - got) < 1e-9
    if isinstance(expected, list) and isinstance(got, list):
        return len(expected) == len(got) and all(map(_same, expected, got))
    if isinstance(expected, dict) and isinstance(got, dict):
        return expected.keys() == got.keys() and all(_same(v, got[k]) for k, v in expected.items())
    return bool(expected == got)


def _error_diff(expected: Mapping[str, Any], got: Mapping[str, Any], line: int) -> list[Mismatch]:
    """Errors are compared exactly: one line per input whose errors differ."""
    out = []
    for path in sorted(set(expected) | set(got), key=str):
        want, have = expected.get(path), got.get(path)
        if not _same(want, have):
            out.append(
                Mismatch(
                    f"errors.{path}",
                    line,
                    want if want is not None else "no error",
                    have if have is not None else "no error",
                )
            )
    return out


def run_file(
    scenarios: ScenarioFile, definitions: Mapping[str, ServiceDefinition]
) -> tuple[list[Outcome], list[Problem]]:
    """Run every scenario of the file against its service. A service that is not loaded,
    or an id the service does not have, is a problem, not a failed scenario."""
    definition = definitions.get(scenarios.service)
    if definition is None:
        known = ", ".join(sorted(definitions)) or "none"
        return [], [
            Problem(
                scenarios.path,
                scenarios.line,
                1,
                "scenario.service",
                f"service {scenarios.service!r} is not among the loaded services",
                f"loaded: {known}",
            )
        ]
    problems = check_names(scenarios, definition)
    return [run_scenario(definition, s) for s in scenarios.scenarios], problems


# ----------------------------------------------------------------------------------------
# coverage
# ----------------------------------------------------------------------------------------


def coverage(definition: ServiceDefinition, outcomes: Iterable[Outcome]) -> list[str]:
    """What the scenarios have not shown about the service's conditions, one line each;
    empty when every condition was seen both ways."""
    runs = [o for o in outcomes if o.state is not None]
    seen: dict[str, set[Any]] = {}

    def saw(what: str, value: Any) -> None:
        seen.setdefault(what, set()).add(value)

    for o in runs:
        state = o.state
        assert state is not None
        for f in definition.all_fields():
            for field_id, index, group in _places(f, state):
                step_shown = f.step in state.visible_steps
                shown = state.is_visible(field_id, index, group)
                if f.visible_when is not None and step_shown and _parent_shown(f, state):
                    saw(f"visible_when of {f.id}", shown)
                if f.required_when is not None and step_shown:
                    # a hidden field is never required: that counts as the condition false
                    saw(f"required_when of {f.id}", state.is_required(field_id, index, group))
        values = o.scenario.expect.get("values") or {}
        for name, value in values.items():
            saw(f"computed {_address(str(name))[0]}", repr(value))
        for name in o.scenario.expect.get("options") or {}:
            saw(f"options_filter of {_address(str(name))[0]}", True)
        for code in _flat_codes(o.scenario.expect.get("errors") or {}):
            saw(f"rule of {code}", True)
        if "fee" in o.scenario.expect:
            saw("fee", repr(o.scenario.expect["fee"]))
    return list(_missing(definition, seen))


def _places(f: Field, state: State) -> list[tuple[str, int | None, str | None]]:
    if f.group is None:
        return [(f.id, None, None)]
    return [(f.id, i, f.group) for i in range(len(state.items.get(f.group, ())))]


def _parent_shown(f: Field, state: State) -> bool:
    return f.group is None or state.is_visible(f.group)


def _flat_codes(errors: Mapping[str, Any]) -> Iterator[str]:
    for path, codes in errors.items():
        for code in codes if isinstance(codes, list) else [codes]:
            if code == "rule":
                parts = str(path).split(".")
                yield parts[-1] if len(parts) == 3 else parts[0]


def _missing(definition: ServiceDefinition, seen: Mapping[str, set[Any]]) -> Iterator[str]:
    for f in definition.all_fields():
        if f.visible_when is not None and len(seen.get(f"visible_when of {f.id}", ())) < 2:
            yield f"{f.id}: visible_when not seen both shown and hidden ({f.visible_when.source})"
        if f.required_when is not None and len(seen.get(f"required_when of {f.id}", ())) < 2:
            yield f"{f.id}: required_when not seen both required and optional"
        if f.expression is not None and len(seen.get(f"computed {f.id}", ())) < 2:
            yield f"{f.id}: computed value not checked with two different results"
        if f.options_filter is not None and f"options_filter of {f.id}" not in seen:
            yield f"{f.id}: options_filter not checked (expect options)"
        if f.rules and f"rule of {f.id}" not in seen:
            yield f"{f.id}: no scenario sees its rule fail"
    fees = definition.fees
    wanted = 2 if fees.kind == "computed" else 1
    if fees.kind != "none" and len(seen.get("fee", ())) < wanted:
        yield f"fee ({fees.kind}) not checked" + (" with two amounts" if wanted == 2 else "")


# ----------------------------------------------------------------------------------------
# a whole run (what `khidma test` prints)
# ----------------------------------------------------------------------------------------


@dataclass
class Report:
    files: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    uncovered: dict[str, list[str]] = field(default_factory=dict)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.passed]

    @property
    def exit_code(self) -> int:
        if self.files == 0:
            return 2
        return 1 if self.problems or self.failed else 0

    def lines(self, *, quiet: bool = False, coverage: bool = False) -> Iterator[str]:
        yield from map(str, self.problems)
        for o in self.outcomes:
            if not (quiet and o.passed):
                yield o.report()
        if coverage:
            for service, missing in self.uncovered.items():
                for what in missing:
                    yield f"not covered: {service}: {what}"

    def summary(self) -> str:
        if self.files == 0:
            return "no scenario files found (*.scenarios.yaml)"
        return (
            f"{self.files} file(s), {len(self.outcomes)} scenario(s), "
            f"{len(self.failed)} failed, {len(self.problems)} problem(s), "
            f"{sum(map(len, self.uncovered.values()))} condition(s) not covered"
        )


def run_paths(paths: Iterable[str | Path], services_dir: str | Path) -> Report:
    """Load the services in `services_dir`, then run every scenario file below `paths`."""
    from khidma.definitions.loader import load

    report = Report()
    loaded = load([services_dir])
    report.problems.extend(loaded.problems)
    definitions = {d.id: d for d in loaded.services}
    by_service: dict[str, list[Outcome]] = {}
    for path in find_scenario_files(paths):
        report.files += 1
        scenarios, problems = read_scenarios(path)
        report.problems.extend(problems)
        if scenarios is None:
            continue
        outcomes, problems = run_file(scenarios, definitions)
        report.problems.extend(problems)
        report.outcomes.extend(outcomes)
        by_service.setdefault(scenarios.service, []).extend(outcomes)
    for service, outcomes in by_service.items():
        if service in definitions:
            report.uncovered[service] = coverage(definitions[service], outcomes)
    return report
