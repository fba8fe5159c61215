"""Checking answers: one step as it is posted, and the whole submission at submit time.

Both run the same two phases. First every input of the fields concerned is normalised on
its own (`khidma.engine.values`); then the answers are evaluated together
(`khidma.engine.evaluate`) and each *visible* field is checked against what only the whole
can tell: requiredness, the options offered now, a group's item count, the definition's
rules. Hidden fields are never checked and their answers are dropped.

Input that cannot be accepted is never stored: the field is left unanswered and its error
carries the raw input (`FieldError.raw`) so the form can show the applicant exactly what
they typed beside the message. Values that are fine on their own but fail a later check
(a rule, an option no longer offered) are kept when the check is about other answers
(rules) and dropped when the value itself is not allowed (options).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import NamedTuple

from khidma.definitions.model import Field
from khidma.definitions.model import Option
from khidma.definitions.model import ServiceDefinition
from khidma.engine.conditions import Evaluator
from khidma.engine.errors import FieldError
from khidma.engine.errors import InvalidValue
from khidma.engine.evaluate import State
from khidma.engine.evaluate import evaluate
from khidma.engine.order import plain
from khidma.engine.prefill import Identity
from khidma.engine.prefill import is_locked
from khidma.engine.prefill import locked_value
from khidma.engine.values import is_empty
from khidma.engine.values import normalise

__all__ = [
    "Checked",
    "refused_inputs",
    "validate_declarations",
    "validate_step",
    "validate_submission",
]

Key = tuple[str, int | None, str | None]  # field, item, child


class Checked(NamedTuple):
    """What a check returns: the answers it keeps, its errors, and the evaluation its
    checks were made on (which the caller may use again where `holds_for` says it holds)."""

    answers: dict[str, Any]
    errors: list[FieldError]
    state: State


@dataclass
class _Pass:
    definition: ServiceDefinition
    today: dt.date
    identity: Identity | None
    lang: str
    values: dict[str, Any] = field(default_factory=dict)
    refused: dict[Key, FieldError] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)

    # -- phase 1: every input on its own -------------------------------------------------
    def take(self, f: Field, raw: Mapping[str, Any], stored: Mapping[str, Any]) -> None:
        if not f.type.holds_value or not f.type.takes_input:
            return
        if is_locked(f):
            locked = locked_value(f, stored.get(f.id), self.identity, today=self.today)
            self.values[f.id] = self.one(f, locked, (f.id, None, None))
        elif f.type.value_shape == "items":
            self.values[f.id] = self.take_items(f, raw.get(f.id))
        else:
            self.values[f.id] = self.one(f, raw.get(f.id), (f.id, None, None))

    def one(self, f: Field, raw: Any, key: Key) -> Any:
        try:
            return normalise(f, raw, today=self.today, options=f.options)
        except InvalidValue as exc:
            self.refused[key] = FieldError(
                key[0], exc.code, exc.params, key[1], key[2], exc.text, raw=raw
            )
            return f.type.empty_value()

    def take_items(self, group: Field, raw: Any) -> list[dict[str, Any]]:
        try:
            items = normalise(group, raw, today=self.today)
        except InvalidValue as exc:
            self.refused[(group.id, None, None)] = FieldError(group.id, exc.code, raw=raw)
            return []
        result = []
        for index, item in enumerate(items):
            values: dict[str, Any] = {}
            for child in group.fields:
                if not child.type.holds_value or not child.type.takes_input:
                    continue
                given = item.get(child.id)
                if is_locked(child):
                    given = locked_value(child, given, self.identity, today=self.today)
                values[child.id] = self.one(child, given, (group.id, index, child.id))
            result.append(values)
        return result

    # -- phase 2: against the whole ------------------------------------------------------
    def check(
        self, fields: Iterable[Field], answers: Mapping[str, Any], known: State | None = None
    ) -> State:
        state = evaluate(
            self.definition,
            answers,
            today=self.today,
            lang=self.lang,
            identity=self.identity,
            known=known,
        )
        rules = Evaluator(self.definition)
        for f in fields:
            if f.id not in state.visible or not f.type.holds_value:
                self.values.pop(f.id, None)
                continue
            value = state.values.get(f.id)
            if (f.id, None, None) in self.refused:
                self.errors.append(self.refused[(f.id, None, None)])
                continue
            if f.type.value_shape == "items":
                self.values[f.id] = self.check_items(f, state, rules)
                self.check_computed(f, state)
            elif f.type.takes_input:
                value = self.check_value(f, value, state.is_required(f.id), state.options_for(f.id))
                self.values[f.id] = value
            else:
                self.check_computed(f, state)
            if not is_empty(value) and not self.has_error(f.id):
                self.check_rules(f, state.variables, rules)
        return state

    def check_computed(self, f: Field, state: State) -> None:
        """A computed value that could not be computed is never shown silently empty: the
        applicant is told (`computed.failed`); the evaluator has logged the expression."""
        children = {c.id for c in f.fields if c.expression is not None}
        for problem in state.expression_errors:
            if problem.kind != "expression":
                continue
            if problem.owner == f.id and f.expression is not None:
                self.errors.append(FieldError(f.id, "computed.failed"))
            elif problem.owner in children and problem.item_index is not None:
                self.errors.append(
                    FieldError(
                        f.id,
                        "computed.failed",
                        item_index=problem.item_index,
                        child_id=problem.owner,
                    )
                )

    def has_error(self, field_id: str, index: int | None = None) -> bool:
        return any(e.field_id == field_id and e.item_index == index for e in self.errors)

    def check_value(
        self,
        f: Field,
        value: Any,
        required: bool,
        options: tuple[Option, ...],
        index: int | None = None,
    ) -> Any:
        group, child = (f.group, f.id) if index is not None and f.group else (f.id, None)
        if is_empty(value):
            if required:
                code = f.type.required_code
                self.errors.append(FieldError(group, code, item_index=index, child_id=child))
            return value
        if f.options is not None:
            allowed = {o.value for o in options}
            chosen = value if isinstance(value, list) else [value]
            if not set(chosen) <= allowed:
                self.errors.append(
                    FieldError(group, "option.invalid", item_index=index, child_id=child, raw=value)
                )
                return f.type.empty_value()
        return value

    def check_items(self, group: Field, state: State, rules: Evaluator) -> list[dict[str, Any]]:
        items = [dict(plain(s.values)) for s in state.items.get(group.id, ())]
        low = group.setting("min_items") or (1 if state.is_required(group.id) else 0)
        high = group.setting("max_items")
        if len(items) < low:
            self.errors.append(FieldError(group.id, "group.too_few", {"min": low}))
        elif high is not None and len(items) > high:
            self.errors.append(FieldError(group.id, "group.too_many", {"max": high}))
        for index, item in enumerate(items):
            scope = {**state.variables, "item": item}
            for child in group.fields:
                if not child.type.holds_value or not state.is_visible(child.id, index, group.id):
                    continue
                refused = self.refused.get((group.id, index, child.id))
                if refused is not None:
                    self.errors.append(refused)
                    continue
                if child.type.takes_input:
                    item[child.id] = self.check_value(
                        child,
                        item.get(child.id),
                        state.is_required(child.id, index, group.id),
                        state.options_for(child.id, index, group.id),
                        index,
                    )
                if not is_empty(item.get(child.id)):
                    self.check_rules(child, scope, rules, index)
        return items

    def check_rules(
        self, f: Field, variables: Mapping[str, Any], rules: Evaluator, index: int | None = None
    ) -> None:
        group, child = (f.group, f.id) if index is not None and f.group else (f.id, None)
        for number, rule in enumerate(f.rules):
            if not rules.rule(rule.check, variables, f.id, index):
                self.errors.append(
                    FieldError(group, "rule", {"rule": number}, index, child, rule.message)
                )
                return


def validate_step(
    definition: ServiceDefinition,
    step_id: str,
    raw_input: Mapping[str, Any],
    answers: Mapping[str, Any],
    *,
    today: dt.date,
    identity: Identity | None = None,
    lang: str = "ar",
) -> Checked:
    """Take the posted `raw_input` for step `step_id` into `answers`.

    Returns the new answers — `answers` with this step's fields replaced: accepted values
    stored, refused or hidden ones removed, locked ones set to their locked value; other
    steps untouched —, the errors of this step, in the order of its fields, and the
    evaluation its checks were made on (of the answers with this input taken; usually the
    evaluation of the new answers too: `holds_for` says). An input missing from
    `raw_input` is an empty answer (an unticked checkbox posts nothing). A hidden step
    takes nothing: its fields are hidden, so their answers are removed. Raises `KeyError`
    for an unknown step id."""
    step = next((s for s in definition.steps if s.id == step_id), None)
    if step is None:
        raise KeyError(step_id)
    run = _Pass(definition, today, identity, lang)
    for f in step.fields:
        run.take(f, raw_input, answers)
    merged = {k: v for k, v in answers.items() if k not in {f.id for f in step.fields}}
    merged.update(run.values)
    state = run.check(step.fields, merged)
    new_answers = {k: v for k, v in answers.items() if k not in {f.id for f in step.fields}}
    new_answers.update({k: v for k, v in run.values.items() if not is_empty(v)})
    return Checked(new_answers, run.errors, state)


def validate_submission(
    definition: ServiceDefinition,
    answers: Mapping[str, Any],
    *,
    today: dt.date,
    identity: Identity | None = None,
    lang: str = "ar",
    state: State | None = None,
) -> Checked:
    """Check everything again, trusting nothing that was stored or posted.

    The clean answers hold only visible, answered fields of visible steps (unknown ids and
    hidden answers are dropped), every value normalised again, locked fields reset to the
    identity's claim or their default, and computed values recomputed (what was sent for
    them is ignored). Errors cover every step, in the order of the definition. Returns
    the clean answers, the errors and the evaluation of the clean answers it checked.

    `state`, an evaluation the caller already has (of the stored answers, say), is used
    instead of evaluating the normalised answers when it holds for them (`holds_for`:
    normalising stored answers changes nothing an evaluation reads)."""
    run = _Pass(definition, today, identity, lang)
    fields = [f for step in definition.steps for f in step.fields]
    for f in fields:
        run.take(f, answers, answers)
    checked = run.check(fields, dict(run.values), state)
    clean = {k: v for k, v in run.values.items() if not is_empty(v)}
    for f in fields:
        if f.type.holds_value and not f.type.takes_input and f.id in checked.visible:
            value = checked.values.get(f.id)
            if value is not None:
                clean[f.id] = value
    return Checked(clean, run.errors, checked)


def validate_declarations(
    definition: ServiceDefinition, accepted_ids: Collection[str]
) -> list[FieldError]:
    """A `declaration.required` error for every declaration of the definition the
    applicant has not accepted; ids that are not declarations are ignored."""
    return [
        FieldError(d.id, "declaration.required")
        for d in definition.declarations
        if d.id not in accepted_ids
    ]


def refused_inputs(errors: Iterable[FieldError]) -> dict[str, Any]:
    """Input path (`FieldError.path`) → what the applicant sent, for every input whose
    value was refused: what a form shows again instead of the stored (absent) value."""
    return {e.path: e.raw for e in errors if e.raw is not None}
