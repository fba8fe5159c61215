"""From raw input to stored value, one normaliser per field type.

Raw input is what a browser posts (strings, lists of strings) or what the JSON API sends
(strings, numbers, booleans, lists, objects). `normalise` turns it into the value stored
with the submission and seen by expressions, or raises `InvalidValue` with a message
code. Stored values are JSON: text → str; number → float; integer → int; email → str
(domain lower-cased); mobile → E.164 str; national_id → ten ASCII digits; date → ISO
`YYYY-MM-DD`; time → `HH:MM`; select/radio → the option value; checkboxes → list of values
in the options' order; yes_no → bool; file → list of `{id, name, size, kind, sha256}`;
appointment → `YYYY-MM-DDTHH:MM`; hidden → the scalar as sent; group → list of item dicts
(structure only: the engine normalises each child with that child's own normaliser).

Every normaliser accepts its own output (`normalise(f, normalise(f, x)) == normalise(f, x)`),
which is what lets the whole submission be checked again at submit time. Empty input
(None, blank text, empty list) is the type's empty value; whether that is allowed is a
question of requiredness, answered by `khidma.engine.validate`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from khidma.definitions.model import Field, Option
from khidma.engine.display import setting_text
from khidma.engine.errors import InvalidValue
from khidma.engine.identifiers import (
    IdentifierError,
    clean_national_id,
    national_id_problem,
    normalise_digits,
    normalise_saudi_mobile,
)
from khidma.engine.values_dates import normalise_appointment, normalise_date, normalise_time
from khidma.engine.values_files import normalise_files
from khidma.engine.values_numbers import normalise_integer, normalise_number

__all__ = ["NORMALISERS", "ValueContext", "is_empty", "normalise"]


@dataclass(frozen=True)
class ValueContext:
    """What a normaliser may need besides the field and the input: the date bounds are
    relative to `today`; `options` are the options allowed now (after `options_filter`),
    None meaning all of the field's options."""

    today: dt.date
    options: tuple[Option, ...] | None = None


Normaliser = Callable[[Field, Any, ValueContext], Any]

# Control characters, and the Unicode direction embeddings, overrides and isolates
# (U+202A–202E, U+2066–2069) that reorder what is shown ("abc\u202edcba… fdp.exe" reads
# "…exe.pdf"), as file names drop them too. The marks U+200E/U+200F stay: they reorder
# nothing around them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def is_empty(value: Any) -> bool:
    """True for None, blank text and empty lists/mappings: an unanswered input."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict, Mapping)):
        return len(value) == 0
    return False


def normalise(
    field: Field, raw: Any, *, today: dt.date, options: tuple[Option, ...] | None = None
) -> Any:
    """The stored value of `raw` for `field`, or `InvalidValue`. Empty input gives the
    type's empty value. `computed` and `info` fields never take input: their result is
    always the empty value. Raises `KeyError` for a type without a normaliser (a test
    keeps that from happening)."""
    normaliser = NORMALISERS[field.type_name]
    if is_empty(raw) or field.type_name in ("computed", "info"):
        return field.type.empty_value()
    return normaliser(field, raw, ValueContext(today, options))


# --- text ---------------------------------------------------------------------------
def _text(field: Field, raw: Any, ctx: ValueContext) -> str:
    if not isinstance(raw, str):
        raise InvalidValue("text.invalid")
    multiline = field.type_name == "textarea"
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = re.sub(r"[\n\t]+", " ", text)
    text = _CONTROL.sub("", text).strip()
    pattern = field.setting("pattern")
    if pattern:
        # A postal code typed on an Arabic keyboard must pass `^[0-9]{5}$`.
        text = normalise_digits(text)
    minimum, maximum = field.setting("min_length"), field.setting("max_length")
    if minimum is not None and len(text) < minimum:
        raise InvalidValue("text.too_short", min=minimum)
    if maximum is not None and len(text) > maximum:
        raise InvalidValue("text.too_long", max=maximum)
    if pattern and not re.fullmatch(pattern, text):
        raise InvalidValue("text.pattern", setting_text(field, "pattern_message"))
    return text


# --- contact and identity -----------------------------------------------------------
def _email(field: Field, raw: Any, ctx: ValueContext) -> str:
    if not isinstance(raw, str):
        raise InvalidValue("email.invalid")
    text = normalise_digits(raw).strip()
    if len(text) > 254 or not _EMAIL.match(text) or len(text.split("@")[0]) > 64:
        raise InvalidValue("email.invalid")
    maximum = field.setting("max_length")
    if maximum is not None and len(text) > maximum:
        raise InvalidValue("text.too_long", max=maximum)
    local, domain = text.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def _mobile(field: Field, raw: Any, ctx: ValueContext) -> str:
    if not isinstance(raw, (str, int)) or isinstance(raw, bool):
        raise InvalidValue("mobile.invalid")
    try:
        return normalise_saudi_mobile(str(raw))
    except IdentifierError as exc:
        raise InvalidValue(exc.code) from None


def _national_id(field: Field, raw: Any, ctx: ValueContext) -> str:
    if not isinstance(raw, str):
        raise InvalidValue("national_id.length")
    accept = tuple(field.setting("accept") or ("citizen", "resident"))
    problem = national_id_problem(raw, accept)
    if problem:
        raise InvalidValue(problem, accept=accept)
    return clean_national_id(raw)


# --- choices ------------------------------------------------------------------------
def _allowed(field: Field, ctx: ValueContext) -> tuple[str, ...]:
    options = ctx.options if ctx.options is not None else field.options or ()
    return tuple(option.value for option in options)


def _choice(field: Field, raw: Any, ctx: ValueContext) -> str:
    value = raw.strip() if isinstance(raw, str) else None
    if value is None or value not in _allowed(field, ctx):
        raise InvalidValue("option.invalid")
    return value


def _checkboxes(field: Field, raw: Any, ctx: ValueContext) -> list[str]:
    chosen = [raw] if isinstance(raw, str) else raw
    if not isinstance(chosen, (list, tuple)) or not all(isinstance(c, str) for c in chosen):
        raise InvalidValue("option.invalid")
    wanted = {c.strip() for c in chosen if c.strip()}
    allowed = _allowed(field, ctx)
    if not wanted <= set(allowed):
        raise InvalidValue("option.invalid")
    values = [value for value in allowed if value in wanted]
    low, high = field.setting("min_selected"), field.setting("max_selected")
    if low is not None and len(values) < low:
        raise InvalidValue("checkboxes.too_few", min=low)
    if high is not None and len(values) > high:
        raise InvalidValue("checkboxes.too_many", max=high)
    return values


_YES = frozenset({"yes", "true"})
_NO = frozenset({"no", "false"})


def _yes_no(field: Field, raw: Any, ctx: ValueContext) -> bool:
    if isinstance(raw, bool):
        return raw
    text = raw.strip().lower() if isinstance(raw, str) else ""
    if text in _YES or text in _NO:
        return text in _YES
    raise InvalidValue("yes_no.invalid")


# --- the rest -----------------------------------------------------------------------
def _hidden(field: Field, raw: Any, ctx: ValueContext) -> Any:
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, (bool, int, float)):
        return raw
    raise InvalidValue("value.invalid")


def _group(field: Field, raw: Any, ctx: ValueContext) -> list[dict[str, Any]]:
    """Only the shape: a list of items (or a form's {"0": item, "1": item}), each a mapping
    from child id to raw input; keys that are not children are dropped."""
    if isinstance(raw, Mapping):
        if not all(isinstance(k, str) and k.isdigit() for k in raw):
            raise InvalidValue("value.invalid")
        raw = [raw[k] for k in sorted(raw, key=int)]
    if not isinstance(raw, (list, tuple)) or not all(isinstance(i, Mapping) for i in raw):
        raise InvalidValue("value.invalid")
    children = [child.id for child in field.fields if child.type.holds_value]
    return [{cid: item[cid] for cid in children if cid in item} for item in raw]


def _never(field: Field, raw: Any, ctx: ValueContext) -> Any:
    """`computed` and `info`: no input is ever taken."""
    return field.type.empty_value()


NORMALISERS: Mapping[str, Normaliser] = MappingProxyType(
    {
        "text": _text,
        "textarea": _text,
        "number": normalise_number,
        "integer": normalise_integer,
        "email": _email,
        "mobile": _mobile,
        "national_id": _national_id,
        "date": normalise_date,
        "time": normalise_time,
        "select": _choice,
        "radio": _choice,
        "checkboxes": _checkboxes,
        "yes_no": _yes_no,
        "file": normalise_files,
        "appointment": normalise_appointment,
        "hidden": _hidden,
        "group": _group,
        "computed": _never,
        "info": _never,
    }
)
