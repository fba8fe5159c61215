"""The dependency graph and the evaluation order are worked out once, at compile time
(`definitions.graph`), and the engine reads them from the definition."""

from __future__ import annotations

import datetime as dt

import pytest

from khidma.definitions import graph
from khidma.definitions.blocks import Block
from khidma.definitions.blocks import BlockRegistry
from khidma.definitions.blocks.builtin import registry
from khidma.definitions.loader import compile_text
from khidma.engine.evaluate import evaluate
from khidma.engine.order import units
from tests.drivers import service_yaml

SERVICE = service_yaml(
    "order",
    """\
steps:
  - id: one
    title: {ar: أولى, en: One}
    fields:
      - id: note
        type: text
        label: {ar: ملاحظة, en: Note}
        visible_when: total > 10
      - id: people
        type: group
        label: {ar: أشخاص, en: People}
        fields:
          - id: hours
            type: integer
            label: {ar: ساعات, en: Hours}
          - id: double
            type: computed
            label: {ar: ضعف, en: Double}
            expression: item.hours * 2
      - id: total
        type: computed
        label: {ar: المجموع, en: Total}
        expression: sum(people.map(p, p.double))
""",
)


def test_units_follow_what_each_field_reads() -> None:
    definition = compile_text(SERVICE, "order.yaml")
    order = [(field.id, [c.id for c in children]) for field, children in units(definition)]
    assert order == [("people", ["hours", "double"]), ("total", []), ("note", [])]
    assert definition.affects["hours"] == {"double", "people", "total", "note"}


def test_the_engine_does_not_sort_per_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    definition = compile_text(SERVICE, "order.yaml")
    assert units(definition) is definition.evaluation_units

    def refuse(*args: object) -> None:
        raise AssertionError("sorted again")

    monkeypatch.setattr(graph, "unit_order", refuse)
    monkeypatch.setattr(graph, "toposort", refuse)
    state = evaluate(definition, {"people": [{"hours": 3}, {"hours": 4}]}, today=dt.date.today())
    assert state.values["total"] == 14 and "note" in state.visible


def test_a_registry_refuses_a_name_or_a_key_given_twice() -> None:
    class Again(Block):
        name = "fees"

    class Steals(Block):
        name = "pricing"
        properties = {"fees": {}}  # noqa: RUF012

    with pytest.raises(ValueError, match="already registered"):
        registry.with_blocks(Again)
    with pytest.raises(ValueError, match="key 'fees' of block 'pricing' is fees's"):
        registry.with_blocks(Steals)
    assert BlockRegistry().properties() == {}
