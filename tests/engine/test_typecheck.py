"""Typed expressions: the types the checker infers, the numeric rule at run time, and
run-time failures that are never silent. (Refused expressions are rows of the table in
test_broken_definitions.py.)"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from tests.drivers import service_yaml

from khidma.definitions.compiler import Compiler
from khidma.definitions.loader import compile_text
from khidma.definitions.loader import load
from khidma.definitions.typecheck import TypeChecker
from khidma.definitions.typecheck import field_type
from khidma.definitions.yamlsource import load_located
from khidma.engine.evaluate import evaluate
from khidma.engine.validate import validate_step
from khidma.expression_syntax import Unsupported
from khidma.expression_syntax import parse
from khidma.fields import registry
from khidma.payments.fees import quote

SERVICES = Path(__file__).parents[2] / "services.d"
TODAY = dt.date(2026, 3, 1)

SERVICE = service_yaml(
    "typed",
    """\
steps:
  - id: only
    title: {ar: خطوة, en: Step}
    fields:
      - {id: count, type: integer, label: {ar: عدد, en: Count}}
      - {id: price, type: number, label: {ar: سعر, en: Price}}
      - id: people
        type: group
        label: {ar: أشخاص, en: People}
        fields: [{id: person, type: text, label: {ar: اسم, en: Name}}]
""",
)


def computed(*expressions: str) -> str:
    """SERVICE with one computed field `c0`, `c1`… per expression."""
    return SERVICE + "".join(
        f"      - id: c{i}\n        type: computed\n        label: {{ar: ح, en: C}}\n"
        f"        expression: '{source}'\n"
        for i, source in enumerate(expressions)
    )


@pytest.mark.parametrize(
    ("source", "answers", "expected"),
    [
        ("1 + 2.5", {}, 3.5),
        ("50.0 * size(people)", {"people": [{"person": "a"}, {"person": "b"}]}, 100.0),
        ("count * 1.5", {"count": 3}, 4.5),
        ("price * 2", {"price": 2.5}, 5.0),
        ("price * 2", {"price": 2}, 4.0),  # a whole number where a decimal is expected
        ("count > 2 ? count : 0.5", {"count": 3}, 3.0),
        ("count / 2", {"count": 7}, 3),  # two whole numbers stay whole
        ("[1, 2].map(x, x * 0.5)", {}, [0.5, 1.0]),
        ("-count * 1.5 + sum([1, 2.5])", {"count": 1}, 2.0),
    ],
)
def test_whole_numbers_and_decimals_mix_at_run_time(
    source: str, answers: dict[str, object], expected: object
) -> None:
    definition = compile_text(computed(source), "typed.yaml")
    state = evaluate(definition, answers, today=TODAY)
    assert state.expression_errors == ()
    assert state.values["c0"] == expected


def test_the_promoted_program_keeps_the_authors_source() -> None:
    definition = compile_text(computed("count * 1.5"), "typed.yaml")
    expression = definition.field("c0").expression
    assert expression is not None and expression.source == "count * 1.5"


def seed_types() -> dict[str, dict[str, str]]:
    """service id → field id → the described type of every top-level value field."""
    result = load([SERVICES])
    assert result.problems == []
    found: dict[str, dict[str, str]] = {}
    for path in sorted(SERVICES.glob("*.yaml")):
        located = load_located(path.read_text(encoding="utf-8"))
        if located.data.get("kind") == "lists":
            continue
        compiler = Compiler(located, str(path), result.lists, registry)
        assert compiler.compile() is not None
        found[located.data["id"]] = {
            fid: compiler.service_types.field_type(fid).describe()
            for fid, (raw, _, group) in compiler.raw_fields.items()
            if group is None and registry[raw["type"]].holds_value
        }
    return found


def test_the_types_inferred_for_the_seed_services() -> None:
    types = seed_types()
    mumaris = types["mumaris_renewal"]
    assert mumaris["cme_remaining_hours"] == "a whole number"  # max(0, … - sum(…))
    assert mumaris["date_of_birth"] == "a date"
    assert mumaris["q_criminal_conviction"] == "true/false"
    assert mumaris["specialty"] == "an option value of field 'specialty'"
    assert mumaris["cme_activities"].startswith("a list of items")
    visit = types["emirate_visit"]
    assert visit["visitor_items"] == "a list of option values of field 'visitor_items'"
    assert visit["full_name"] == "text"
    traffic = types["traffic"]
    assert traffic["service_instructions"] == "text"  # lookup(...).instructions.map(...).join
    assert traffic["appointment"] == "a date and time"
    assert types["mawid"]["health_centre"] == "an option value of field 'health_centre'"


def test_a_run_time_failure_is_logged_and_told_to_the_applicant(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # well typed, but `count` unanswered is null: `null * 2` fails when it runs
    definition = compile_text(computed("count * 2"), "typed.yaml")
    with caplog.at_level(logging.WARNING, logger="khidma.expressions"):
        errors = validate_step(definition, "only", {"price": "1"}, {}, today=TODAY).errors
    assert [(e.field_id, e.code) for e in errors] == [("c0", "computed.failed")]
    logged = [r.getMessage() for r in caplog.records if r.name == "khidma.expressions"]
    assert len(logged) == 1
    assert "service=typed" in logged[0] and "field=c0" in logged[0]
    assert "'count * 2'" in logged[0]


def test_the_parser_keeps_spans_and_refuses_what_it_does_not_know() -> None:
    tree = parse('a.b(1) + [x][0] * -2.5 ? "s" : {"k": 1}.k')
    assert tree.kind == "cond" and (tree.start, tree.end) == (0, 41)
    plus = tree.args[0]
    assert plus.kind == "binary" and plus.name == "+"
    assert plus.args[0].kind == "call" and plus.args[0].target is not None
    with pytest.raises(Unsupported):
        parse("Msg{field: 1}")


def test_unsupported_syntax_is_left_unchecked() -> None:
    checker = TypeChecker({}, lambda name: None, {})
    assert checker.check("Msg{field: 1}", {}, "bool").issues == []


def test_field_types_follow_the_value_shape_for_unknown_types() -> None:
    raw = {"id": "x", "type": "plugin"}
    assert field_type(raw, "scalar", None).kind == "dyn"
    assert field_type(raw, "list", None).describe() == "a list"


def test_a_fee_mixing_whole_numbers_and_decimals_is_quoted() -> None:
    text = SERVICE + (
        'fees:\n  kind: computed\n  expression: "size(people) * 2.5 + 10"\n'
        "  payable: on_submit\n  methods: [sadad]\n"
    )
    definition = compile_text(text, "typed.yaml")
    fee = quote(definition, {"people": [{"person": "a"}, {"person": "b"}]}, today=TODAY)
    assert fee is not None and fee.sar == "15"
