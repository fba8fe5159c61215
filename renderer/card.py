"""A service card's facts as text lines, for the card page and the guide PDF alike: both
print the same fee lines, in the same words, from the same definition.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

from khidma.formatting import format_number
from khidma.words import word

__all__ = ["fee_lines", "get", "text", "texts"]


def get(source: Any, name: str, default: Any = None) -> Any:
    """`name` of a mapping or an object (plain data or a compiled definition)."""
    if isinstance(source, Mapping):
        return source.get(name, default)
    return getattr(source, name, default)


def text(value: Any, lang: str) -> str:
    """A bilingual text (`{ar, en}` mapping, or an object with `.ar`/`.en`) in `lang`;
    a plain string as it is; None as ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return str(value.get(lang) or value.get("ar") or "")
    if hasattr(value, "ar") and hasattr(value, "en"):
        return str(getattr(value, lang))
    return str(value)


def texts(values: Iterable[Any] | None, lang: str) -> list[str]:
    return [t for t in (text(v, lang) for v in values or ()) if t]


def _said(line: str) -> str:
    """What a line says, for comparing: letters and digits only, case folded."""
    return re.sub(r"[\W_]+", "", line.casefold())


def fee_lines(fees: Any, lang: str) -> list[str]:
    """The fee facts of a service, one line each: what it costs (nothing, an amount, or
    computed from the answers), when it is paid, by which methods, and the agency's
    note. A note that only repeats a line already there ("لا يوجد رسوم" under "لا يوجد
    رسوم") is left out.

    `fees` is a `Fees` record or a mapping with the same names (`kind`, `amount`,
    `currency`, `payable`, `methods`, `note`), a ready text, or a list of texts."""
    if fees is None:
        return []
    if isinstance(fees, str) or (isinstance(fees, Mapping) and not get(fees, "kind")):
        return texts([fees], lang)
    if isinstance(fees, list | tuple):
        return texts(fees, lang)
    kind = get(fees, "kind", "none")
    if kind == "fixed":
        amount = get(fees, "amount")
        shown = format_number(amount) if isinstance(amount, int | float) else str(amount)
        lines = [word("card.fee_amount", lang, amount=shown)]
    elif kind == "computed":
        lines = [word("card.fee_computed", lang)]
    else:
        lines = [word("card.no_fees", lang)]
    payable = get(fees, "payable")
    if payable:
        lines.append(word(f"card.payable_{payable}", lang))
    methods = get(fees, "methods") or ()
    if methods:
        lines.append(" · ".join(word(f"payments.method.{m}", lang) for m in methods))
    note = text(get(fees, "note"), lang)
    if note and _said(note) not in {_said(line) for line in lines}:
        lines.append(note)
    return lines
