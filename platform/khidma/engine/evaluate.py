"""What a definition means for the answers given so far.

`evaluate` computes, from the stored answers: the variables expressions see, the computed
values, which steps and fields are visible, which are required, and the options each
choice field offers now. It never raises for a bad expression result: a condition that
cannot be evaluated is false, a computed value that cannot be computed is null, and both
are listed in `State.expression_errors` for diagnostics.

What expressions see (see docs/definition-format.md): every top-level field id that holds
a value → its answer, or its type's empty value when unanswered *or hidden*; a hidden
field never influences anything. A group is a list of item maps, each holding every child
id (hidden children empty). Locked fields (`prefill.is_locked`) hold their locked value,
whatever the answers say. `today` is the ISO date; `lang` is "ar" or "en".

One evaluation serves a whole request: a `State` remembers what it read of the answers
(`State.reads`), and `holds_for` says whether it is also the evaluation of other answers
(the normalised copy of stored answers, the answers a step post leaves) — the callers
(`validate`, `wizard.plan`, `summary`, the fees) hand theirs to `evaluate`
(`known=`), which evaluates again only when it is not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from types import MappingProxyType
from typing import Any

from khidma.definitions.model import Field
from khidma.definitions.model import Option
from khidma.definitions.model import ServiceDefinition
from khidma.engine.conditions import Evaluator
from khidma.engine.conditions import ExpressionProblem
from khidma.engine.order import units
from khidma.engine.prefill import Identity
from khidma.engine.prefill import is_locked
from khidma.engine.prefill import locked_value
from khidma.engine.prefill import prefill_answers

__all__ = [
    "ExpressionProblem",
    "ItemState",
    "State",
    "evaluate",
    "holds_for",
    "prefill_answers",
    "reads",
]


@dataclass(frozen=True)
class ItemState:
    """One item of a group: its values as expressions see them (as `item`), and which of
    its child fields are visible and required, with their options."""

    values: Mapping[str, Any]
    visible: frozenset[str]
    required: frozenset[str]
    options: Mapping[str, tuple[Option, ...]]


@dataclass(frozen=True)
class State:
    """The evaluated answers. `values` holds every top-level value field (computed ones
    included) exactly as expressions saw it; `variables` adds `today` and `lang`.
    `visible` and `required` hold top-level field ids (`visible` includes `info` blocks);
    `options` the options offered now by visible top-level choice fields; `items` the
    state of each item of each visible group. Treat everything as read-only."""

    today: dt.date
    lang: str
    values: Mapping[str, Any]
    variables: Mapping[str, Any]
    visible_steps: tuple[str, ...]
    visible: frozenset[str]
    required: frozenset[str]
    options: Mapping[str, tuple[Option, ...]]
    items: Mapping[str, tuple[ItemState, ...]]
    expression_errors: tuple[ExpressionProblem, ...]
    # what the evaluation read of the answers (`reads`): equal reads, equal state
    basis: tuple[Any, ...] | None = dc_field(default=None, repr=False, compare=False)

    def _item(self, field_id: str, item: int) -> ItemState | None:
        states = self.items.get(field_id, ())
        return states[item] if 0 <= item < len(states) else None

    def is_visible(self, field_id: str, item: int | None = None, group: str | None = None) -> bool:
        """Whether a top-level field (or, with `group` and `item`, a child of that item) is
        shown."""
        if group is None or item is None:
            return field_id in self.visible
        state = self._item(group, item)
        return state is not None and field_id in state.visible

    def is_required(self, field_id: str, item: int | None = None, group: str | None = None) -> bool:
        """Whether an answer is required: `required` or `required_when` true, and visible."""
        if group is None or item is None:
            return field_id in self.required
        state = self._item(group, item)
        return state is not None and field_id in state.required

    def options_for(
        self, field_id: str, item: int | None = None, group: str | None = None
    ) -> tuple[Option, ...]:
        """The options a visible choice field offers now (after `options_filter`); empty
        for hidden fields."""
        if group is None or item is None:
            return self.options.get(field_id, ())
        state = self._item(group, item)
        return state.options.get(field_id, ()) if state is not None else ()


class _Run:
    """One evaluation. Steps may be shown on conditions that read later fields, so field
    visibility is settled for a guess of step visibility, and again until the guess holds."""

    def __init__(
        self,
        definition: ServiceDefinition,
        answers: Mapping[str, Any],
        today: dt.date,
        lang: str,
        identity: Identity | None,
    ) -> None:
        self.definition = definition
        self.answers = answers
        self.today = today
        self.lang = lang
        self.identity = identity
        self.units = units(definition)
        self.ev = Evaluator(definition)

    def answer(self, field: Field, source: Mapping[str, Any]) -> Any:
        return _answer(field, source, self.identity, self.today)

    def steps(self, variables: Mapping[str, Any]) -> dict[str, bool]:
        return {
            s.id: self.ev.condition(s.visible_when, variables, f"step:{s.id}", "visible_when", True)
            for s in self.definition.steps
        }

    def run(self) -> State:
        variables: dict[str, Any] = {"today": self.today.isoformat(), "lang": self.lang}
        for field, _ in self.units:
            if field.type.holds_value:
                variables[field.id] = self.answer(field, self.answers)
        shown_steps = self.steps(variables)
        for _ in range(len(self.definition.steps) + 1):
            self.ev.problems.clear()
            visible, items = self.settle(variables, shown_steps)
            again = self.steps(variables)
            if again == shown_steps:
                break
            shown_steps = again
        return self.finish(variables, shown_steps, visible, items)

    def settle(
        self, variables: dict[str, Any], shown_steps: Mapping[str, bool]
    ) -> tuple[set[str], dict[str, list[set[str]]]]:
        visible: set[str] = set()
        items: dict[str, list[set[str]]] = {}
        for field, children in self.units:
            shown = shown_steps.get(field.step, False) and self.ev.condition(
                field.visible_when, variables, field.id, "visible_when"
            )
            if shown:
                visible.add(field.id)
            if not field.type.holds_value:
                continue
            if not shown:
                variables[field.id] = field.type.empty_value()
            elif field.expression is not None:  # a computed field
                variables[field.id] = self.ev.compute(field, variables)
            elif field.type.value_shape == "items":  # a group
                variables[field.id], items[field.id] = self.group(field, children, variables)
            else:
                variables[field.id] = self.answer(field, self.answers)
        return visible, items

    def group(
        self, group: Field, children: tuple[Field, ...], variables: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], list[set[str]]]:
        raw_items = self.answers.get(group.id)
        raw_list = raw_items if isinstance(raw_items, (list, tuple)) else []
        values = [
            {
                c.id: self.answer(c, raw if isinstance(raw, Mapping) else {})
                for c in children
                if c.type.holds_value
            }
            for raw in raw_list
        ]
        shown: list[set[str]] = [set() for _ in values]
        for child in children:
            for index, item in enumerate(values):
                scope = {**variables, "item": item}
                if self.ev.condition(
                    child.visible_when, scope, child.id, "visible_when", index=index
                ):
                    shown[index].add(child.id)
                    if child.expression is not None:
                        item[child.id] = self.ev.compute(child, scope, index)
                elif child.type.holds_value:
                    item[child.id] = child.type.empty_value()
        return values, shown

    def finish(
        self,
        variables: dict[str, Any],
        shown_steps: Mapping[str, bool],
        visible: set[str],
        items: dict[str, list[set[str]]],
    ) -> State:
        required: set[str] = set()
        options: dict[str, tuple[Option, ...]] = {}
        item_states: dict[str, tuple[ItemState, ...]] = {}
        for field, children in self.units:
            if field.id not in visible or not field.type.holds_value:
                continue
            if self.ev.required(field, variables):
                required.add(field.id)
            if field.options is not None:
                options[field.id] = self.ev.options(field, variables)
            if field.type.value_shape == "items":
                item_states[field.id] = tuple(
                    self.item_state(children, variables, item, shown, index)
                    for index, (item, shown) in enumerate(
                        zip(variables[field.id], items.get(field.id, ()), strict=True)
                    )
                )
        values = {k: v for k, v in variables.items() if k not in ("today", "lang")}
        return State(
            today=self.today,
            lang=self.lang,
            values=MappingProxyType(values),
            variables=MappingProxyType(variables),
            visible_steps=tuple(s.id for s in self.definition.steps if shown_steps[s.id]),
            visible=frozenset(visible),
            required=frozenset(required),
            options=MappingProxyType(options),
            items=MappingProxyType(item_states),
            expression_errors=tuple(self.ev.problems),
            basis=reads(self.definition, self.answers, today=self.today, identity=self.identity),
        )

    def item_state(
        self,
        children: tuple[Field, ...],
        variables: Mapping[str, Any],
        item: dict[str, Any],
        shown: set[str],
        index: int,
    ) -> ItemState:
        scope = {**variables, "item": item}
        required = {c.id for c in children if c.id in shown and self.ev.required(c, scope, index)}
        options = {
            c.id: self.ev.options(c, scope, index)
            for c in children
            if c.id in shown and c.options is not None
        }
        return ItemState(
            MappingProxyType(item), frozenset(shown), frozenset(required), MappingProxyType(options)
        )


def evaluate(
    definition: ServiceDefinition,
    answers: Mapping[str, Any],
    *,
    today: dt.date,
    lang: str = "ar",
    identity: Identity | None = None,
    known: State | None = None,
) -> State:
    """Evaluate `definition` for the stored (normalised) `answers`. Unknown ids in
    `answers` are ignored; answers of computed fields are ignored and recomputed. With
    `identity`, locked prefilled fields hold the identity's claims. `known`, an evaluation
    the caller already has, is returned as it is when it holds for these answers
    (`holds_for`), so that one request evaluates its answers once."""
    if known is not None and holds_for(
        known, definition, answers, today=today, lang=lang, identity=identity
    ):
        return known
    return _Run(definition, answers, today, lang, identity).run()


def _answer(
    field: Field, source: Mapping[str, Any], identity: Identity | None, today: dt.date
) -> Any:
    """The value an evaluation starts from for `field`: its answer in `source` (a locked
    field's locked value), or its type's empty value."""
    value = source.get(field.id)
    if is_locked(field):
        value = locked_value(field, value, identity, today=today)
    return field.type.empty_value() if value is None else value


def reads(
    definition: ServiceDefinition,
    answers: Mapping[str, Any],
    *,
    today: dt.date,
    identity: Identity | None = None,
) -> tuple[Any, ...]:
    """Everything an evaluation of `answers` reads of them, in a comparable form: two
    answer mappings with equal reads evaluate to the same `State` (for the same `today`,
    `lang` and identity, which the locked values below carry).

    `evaluate` starts every value field from its answer and then settles the fields in
    dependency order, each from its own answer (groups: each item's children from the
    item's); the starting values of a computed field and of a group's raw list are read
    only by the first guess of which steps are shown, so they count only when a step's
    condition names them."""
    stepped = definition.step_condition_names
    found: list[Any] = []
    for f, children in definition.evaluation_units:
        if not f.type.holds_value:
            continue
        if f.type.value_shape == "items":  # a group
            raw = answers.get(f.id)
            items = raw if isinstance(raw, (list, tuple)) else []
            found.append(
                [
                    [
                        _answer(c, item if isinstance(item, Mapping) else {}, identity, today)
                        for c in children
                        if c.type.holds_value
                    ]
                    for item in items
                ]
            )
            if f.id in stepped:
                found.append(_answer(f, answers, identity, today))
        elif f.expression is None or f.id in stepped:  # a computed one only if a step reads it
            found.append(_answer(f, answers, identity, today))
    return tuple(found)


def holds_for(
    state: State | None,
    definition: ServiceDefinition,
    answers: Mapping[str, Any],
    *,
    today: dt.date,
    lang: str,
    identity: Identity | None = None,
) -> bool:
    """True when `state` is what `evaluate(definition, answers, today=today, lang=lang,
    identity=identity)` would give, so it can be used instead. A state evaluated in the
    other language serves when no expression of the definition reads `lang`."""
    if state is None or state.basis is None or state.today != today:
        return False
    if state.lang != lang and definition.reads_lang:
        return False
    return state.basis == reads(definition, answers, today=today, identity=identity)
