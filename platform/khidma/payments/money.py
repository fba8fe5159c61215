"""Money as integer halalas (1 SAR = 100 halalas): parsing, rounding and display.

Amounts are never floats. A definition's amount (a YAML number, or what a fee expression
gives) becomes halalas through its shortest decimal text, rounded half up to the halala,
so `0.1 + 0.2` is 30 halalas and `12.345` is 1235. Display is
`khidma.formatting.format_money` (re-exported here), beside every other number.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP
from decimal import Decimal
from decimal import InvalidOperation

from khidma.formatting import format_money

__all__ = [
    "MAX_HALALAS",
    "MoneyError",
    "format_money",
    "halalas",
    "parse_amount",
]

MAX_HALALAS = 1_000_000 * 100  # the schema's largest fee, SAR 1,000,000
_HALALA = Decimal("0.01")
_EASTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_AR_THOUSANDS, _AR_DECIMAL = "\u066c", "\u066b"  # ٬ and ٫


class MoneyError(ValueError):
    """Not an amount. `code` names the problem: `invalid`, `negative`, `too_large`,
    `too_precise` (more than two decimals typed), `zero`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def halalas(sar: object) -> int:
    """SAR (an int, float or Decimal, as YAML and CEL give them) → halalas, rounded half
    up to the halala. Refuses booleans, NaN, infinities, negatives and amounts above
    `MAX_HALALAS`."""
    if isinstance(sar, bool) or not isinstance(sar, int | float | Decimal):
        raise MoneyError("invalid", f"an amount is a number, not {sar!r}")
    if isinstance(sar, float) and not math.isfinite(sar):
        raise MoneyError("invalid", f"an amount is a finite number, not {sar!r}")
    try:
        # repr() is the shortest text that reads back as the same float: 0.30000000000000004
        # rounds to 0.30, and 2.675 (stored as 2.67499…) still rounds to 2.68.
        exact = Decimal(repr(sar)) if isinstance(sar, float) else Decimal(sar)
        value = int(exact.quantize(_HALALA, rounding=ROUND_HALF_UP) * 100)
    except InvalidOperation:
        raise MoneyError("invalid", f"an amount is a number, not {sar!r}") from None
    if value < 0:
        raise MoneyError("negative", f"an amount cannot be negative ({sar!r})")
    if value > MAX_HALALAS:
        raise MoneyError("too_large", f"{sar!r} SAR is more than SAR 1,000,000")
    return value


def parse_amount(text: str) -> int:
    """What a person typed ("150", "150.5", "1,234.50", "١٥٠٫٥٠") → halalas. At most two
    decimals; above zero."""
    cleaned = (
        text.strip()
        .translate(_EASTERN)
        .replace(_AR_DECIMAL, ".")
        .replace(_AR_THOUSANDS, "")
        .replace(",", "")
        .replace("\u060c", "")  # Arabic comma
    )
    for word in ("SAR", "sar", "ر.س", "ريال"):
        cleaned = cleaned.replace(word, "")
    cleaned = cleaned.strip()
    if not cleaned or not all(c.isdigit() or c == "." for c in cleaned) or cleaned.count(".") > 1:
        raise MoneyError("invalid", f"not an amount: {text!r}")
    whole, _, decimals = cleaned.partition(".")
    if len(decimals) > 2:
        raise MoneyError("too_precise", f"at most two decimals: {text!r}")
    value = int(whole or "0") * 100 + int((decimals + "00")[:2])
    if value == 0:
        raise MoneyError("zero", "the amount must be above zero")
    if value > MAX_HALALAS:
        raise MoneyError("too_large", f"{text!r} is more than SAR 1,000,000")
    return value
