"""Running a definition's expressions without ever letting one break a page.

An expression can fail on real answers (null arithmetic, a `lookup` that finds nothing,
a value of an unexpected type). The `Evaluator` turns each failure into a safe result —
a condition is false, a computed value is null, an option filter excludes the option —
and records an `ExpressionProblem` so that the author can find and fix the expression.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from khidma.definitions.model import Field
from khidma.definitions.model import Option
from khidma.definitions.model import ServiceDefinition
from khidma.engine.order import host_functions
from khidma.engine.order import plain
from khidma.expressions import EvaluationError
from khidma.expressions import Expression

__all__ = ["Evaluator", "ExpressionProblem"]

# Expressions are type-checked when a definition loads, so a failure here is rare and
# always worth a look: it is logged with the service, the field and the expression.
log = logging.getLogger("khidma.expressions")


@dataclass(frozen=True)
class ExpressionProblem:
    """An expression that could not be evaluated (or gave a non-boolean condition).
    `owner` is the field id, or `step:<id>` for a step's condition; `kind` is
    `visible_when`, `required_when`, `expression`, `options_filter` or `rule`."""

    owner: str
    kind: str
    source: str
    message: str
    item_index: int | None = None


class Evaluator:
    """Evaluates one definition's expressions, collecting problems in `problems`."""

    def __init__(self, definition: ServiceDefinition) -> None:
        self.functions = host_functions(definition)
        self.problems: list[ExpressionProblem] = []
        self.service = definition.id
        self._logged: set[tuple[str, str, int | None]] = set()

    def value(
        self,
        expr: Expression,
        variables: Mapping[str, Any],
        owner: str,
        kind: str,
        index: int | None = None,
    ) -> tuple[bool, Any]:
        """(True, result) or, when evaluation fails, (False, None) with a problem recorded."""
        try:
            return True, expr.evaluate(variables, self.functions)
        except (EvaluationError, RecursionError, OverflowError) as exc:
            self.problems.append(ExpressionProblem(owner, kind, expr.source, str(exc), index))
            if (owner, kind, index) not in self._logged:  # once per evaluation, not per pass
                self._logged.add((owner, kind, index))
                log.warning(
                    "expression failed: service=%s field=%s %s=%r item=%s: %s",
                    self.service,
                    owner,
                    kind,
                    expr.source,
                    index,
                    exc,
                )
            return False, None

    def condition(
        self,
        expr: Expression | None,
        variables: Mapping[str, Any],
        owner: str,
        kind: str,
        absent: bool = True,
        index: int | None = None,
    ) -> bool:
        """The condition's result; `absent` when there is no condition; False when it
        cannot be evaluated or does not give a boolean."""
        if expr is None:
            return absent
        ok, result = self.value(expr, variables, owner, kind, index)
        if ok and not isinstance(result, bool):
            message = f"gave {result!r}, not true or false"
            self.problems.append(ExpressionProblem(owner, kind, expr.source, message, index))
        return result is True

    def compute(self, field: Field, variables: Mapping[str, Any], index: int | None = None) -> Any:
        """A computed field's value: null when it cannot be computed; an integral number
        when the field's `format` is `integer`."""
        if field.expression is None:
            return None
        _, result = self.value(field.expression, variables, field.id, "expression", index)
        if (
            field.setting("format") == "integer"
            and isinstance(result, float)
            and result.is_integer()
        ):
            return int(result)
        return plain(result)

    def required(
        self, field: Field, variables: Mapping[str, Any], index: int | None = None
    ) -> bool:
        """`required`, or `required_when` true (visibility is the caller's concern)."""
        if field.required:
            return True
        return self.condition(
            field.required_when, variables, field.id, "required_when", False, index
        )

    def options(
        self, field: Field, variables: Mapping[str, Any], index: int | None = None
    ) -> tuple[Option, ...]:
        """The field's options that pass its `options_filter` (all without one). An option
        the filter cannot be evaluated for is left out; one problem per field is recorded."""
        options = field.options or ()
        expr = field.options_filter
        if expr is None:
            return options
        kept = []
        scope = dict(variables)
        before = len(self.problems)
        for option in options:
            scope["option"] = plain(option.as_context())
            if self.condition(expr, scope, field.id, "options_filter", False, index):
                kept.append(option)
        del self.problems[before + 1 :]
        return tuple(kept)

    def rule(
        self, expr: Expression, variables: Mapping[str, Any], owner: str, index: int | None = None
    ) -> bool:
        """Whether a rule holds. A rule that cannot be evaluated does not hold: what the
        agency receives must have passed every check."""
        return self.condition(expr, variables, owner, "rule", True, index)
