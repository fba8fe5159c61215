"""What a request costs: a service's `fees` evaluated for one request's answers.

`quote(definition, answers, today=...)` gives a `FeeQuote`: the amount in halalas and the
rule that produced it (the fixed amount, or the expression's source and the values it
read). The quote is a snapshot: taken when the request is submitted and stored with it
(`as_snapshot` / `from_snapshot`), it is what the citizen owes whatever later versions of
the definition say.

Rounding: the expression's number (SAR) is rounded half up to the halala (see
`khidma.payments.money.halalas`). A computed fee of zero means nothing is due; a negative
one, one above SAR 1,000,000, or an expression that cannot be evaluated on the answers is
a `FeeError` — a request whose fee cannot be known must not be taken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from khidma.definitions.model import ServiceDefinition
from khidma.engine.conditions import Evaluator
from khidma.engine.evaluate import State
from khidma.engine.evaluate import evaluate
from khidma.engine.order import plain
from khidma.engine.prefill import Identity
from khidma.payments.money import MoneyError
from khidma.payments.money import halalas

__all__ = ["FeeError", "FeeQuote", "as_snapshot", "from_snapshot", "quote"]

SNAPSHOT_VERSION = 1


class FeeError(ValueError):
    """The fee cannot be worked out for these answers; `code` is `expression` (it could
    not be evaluated), `not_a_number`, or a `MoneyError` code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class FeeQuote:
    """An amount due, with how it was found.

    `kind` is `fixed` or `computed`; `rule` the fixed amount as written ("300") or the
    expression's source; `inputs` the answers the expression read (as it saw them), so a
    receipt or an auditor can retrace it; `sar` the expression's own result before
    rounding (text). `payable` and `methods` are the definition's, kept with the amount.
    """

    amount: int  # halalas
    kind: str
    rule: str
    currency: str = "SAR"
    payable: str | None = None
    methods: tuple[str, ...] = ()
    inputs: Mapping[str, Any] = field(default_factory=dict)
    sar: str = ""
    definition_hash: str = ""

    @property
    def due(self) -> bool:
        return self.amount > 0


def quote(
    definition: ServiceDefinition,
    answers: Mapping[str, Any],
    *,
    today: dt.date,
    lang: str = "ar",
    identity: Identity | None = None,
    state: State | None = None,
) -> FeeQuote | None:
    """The fee of a request with these (stored, normalised) answers; None when the
    service is free. Expressions see what every other expression sees (hidden fields are
    empty, computed values computed; see `khidma.engine.evaluate`). `state`, the caller's
    evaluation of the answers, is used when it holds for them."""
    fees = definition.fees
    if fees.kind == "none":
        return None
    inputs: dict[str, Any] = {}
    if fees.kind == "fixed":
        result: Any = fees.amount
        rule = _number_text(fees.amount)
    else:
        expression = fees.expression
        if expression is None:  # the schema requires it; a hand-built definition may not
            raise FeeError("expression", "a computed fee has no expression")
        state = evaluate(
            definition, answers, today=today, lang=lang, identity=identity, known=state
        )
        ok, result = Evaluator(definition).value(expression, state.variables, "fees", "expression")
        if not ok:
            raise FeeError("expression", f"the fee expression {expression.source!r} failed")
        if isinstance(result, bool) or not isinstance(result, int | float):
            raise FeeError("not_a_number", f"the fee expression gave {result!r}, not a number")
        rule = expression.source
        inputs = {name: plain(state.variables.get(name)) for name in sorted(expression.names)}
    return FeeQuote(
        amount=_halalas(result),
        kind=fees.kind,
        rule=rule,
        currency=fees.currency,
        payable=fees.payable,
        methods=fees.methods,
        inputs=inputs,
        sar=_number_text(result),
        definition_hash=definition.hash,
    )


def _halalas(value: object) -> int:
    try:
        return halalas(value)
    except MoneyError as error:
        raise FeeError(error.code, str(error)) from None


def _number_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def as_snapshot(fee: FeeQuote) -> dict[str, Any]:
    """The quote as JSON, to store with the submission."""
    return {
        "v": SNAPSHOT_VERSION,
        "amount": fee.amount,
        "kind": fee.kind,
        "rule": fee.rule,
        "currency": fee.currency,
        "payable": fee.payable,
        "methods": list(fee.methods),
        "inputs": plain(fee.inputs),
        "sar": fee.sar,
        "definition_hash": fee.definition_hash,
    }


def from_snapshot(data: Mapping[str, Any]) -> FeeQuote:
    """A stored quote back (`as_snapshot`'s inverse)."""
    return FeeQuote(
        amount=int(data["amount"]),
        kind=str(data["kind"]),
        rule=str(data["rule"]),
        currency=str(data.get("currency", "SAR")),
        payable=data.get("payable"),
        methods=tuple(data.get("methods", ())),
        inputs=dict(data.get("inputs", {})),
        sar=str(data.get("sar", "")),
        definition_hash=str(data.get("definition_hash", "")),
    )
