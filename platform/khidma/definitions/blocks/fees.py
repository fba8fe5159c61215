"""`fees`: what the service costs — nothing, a fixed amount, or an expression of the
answers — and when and how it is paid."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import ClassVar
from typing import Literal

from khidma.definitions.blocks.base import EXPR
from khidma.definitions.blocks.base import JSON
from khidma.definitions.blocks.base import TEXT
from khidma.definitions.blocks.base import Block
from khidma.definitions.blocks.base import Compiling
from khidma.definitions.blocks.base import array
from khidma.definitions.blocks.base import obj
from khidma.definitions.common import Text
from khidma.expressions import Expression

PAYMENT_METHODS = ["sadad", "card", "bank_account"]


@dataclass(frozen=True)
class Fees:
    kind: Literal["none", "fixed", "computed"] = "none"
    amount: float | None = None
    expression: Expression | None = None
    currency: str = "SAR"
    payable: Literal["on_submit", "after_approval"] | None = None
    methods: tuple[str, ...] = ()
    note: Text | None = None


class FeesBlock(Block):
    name = "fees"
    summary = "What the service costs; without it the service is free."
    properties: ClassVar[JSON] = {
        "fees": obj(
            {
                "kind": {"enum": ["none", "fixed", "computed"]},
                "amount": {"type": "number", "exclusiveMinimum": 0, "maximum": 1000000},
                "expression": EXPR,
                "currency": {"const": "SAR"},
                "payable": {"enum": ["on_submit", "after_approval"]},
                "methods": array({"enum": PAYMENT_METHODS}, 1, uniqueItems=True),
                "note": TEXT,
            },
            ["kind"],
            allOf=[
                {
                    "if": {"properties": {"kind": {"const": "fixed"}}},
                    "then": {"required": ["amount", "payable", "methods"]},
                },
                {
                    "if": {"properties": {"kind": {"const": "computed"}}},
                    "then": {"required": ["expression", "payable", "methods"]},
                },
            ],
        ),
    }
    descriptions: ClassVar[Mapping[str, str]] = {
        "fees": "What the service costs; without it the service is free.",
        "fees/kind": (
            "`none`, `fixed` (an `amount`) or `computed` (an `expression` of the answers)."
        ),
        "fees/amount": "The fixed fee in SAR (more than 0, at most 1,000,000).",
        "fees/expression": "A CEL expression giving the fee in SAR from the answers.",
        "fees/currency": "The currency: SAR.",
        "fees/payable": "When the fee is paid: `on_submit` or `after_approval`.",
        "fees/methods": "How it may be paid: `sadad`, `card`, `bank_account`.",
        "fees/note": "How the fee is worked out, in words, shown on the card and review.",
    }

    @classmethod
    def compile(cls, c: Compiling) -> Mapping[str, Any]:
        raw = c.data.get("fees")
        if raw is None:
            return {"fees": Fees()}
        expression = c.expr(raw, "expression", ("fees",), None, "top")
        return {
            "fees": Fees(
                kind=raw["kind"],
                amount=raw.get("amount"),
                expression=expression,
                currency=raw.get("currency", "SAR"),
                payable=raw.get("payable"),
                methods=tuple(raw.get("methods", ())),
                note=Text.of(raw.get("note")),
            )
        }
