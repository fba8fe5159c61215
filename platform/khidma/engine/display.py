"""Stored values as the applicant and staff read them, in Arabic or English.

`display_value` gives the plain text of one stored value: option labels rather than
values, yes/no in words, dates Hijri with Gregorian beside, mobiles as written in the
Kingdom, numbers with their unit. It never raises for an odd stored value; it shows it as
it is. No markup: the review page, the PDF and the e-mail each escape and style it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from khidma.definitions.model import Field, Text
from khidma.engine.dates import format_date
from khidma.engine.identifiers import format_saudi_mobile
from khidma.formatting import format_number

__all__ = ["display_value", "format_number", "setting_text", "size_text"]

_YES = Text("نعم", "Yes")
_NO = Text("لا", "No")


def setting_text(field: Field, key: str) -> Text | None:
    """A bilingual setting of the field (`unit`, `yes_label`, `pattern_message`,
    `item_title`…) as `Text`; None when the field does not have it."""
    value = field.setting(key)
    if isinstance(value, Text):
        return value
    if isinstance(value, Mapping) and "ar" in value and "en" in value:
        return Text(str(value["ar"]), str(value["en"]))
    return None


def _join(parts: list[str], lang: str) -> str:
    return ("، " if lang == "ar" else ", ").join(parts)


def size_text(size: int, lang: str) -> str:
    """A file size in the largest unit that keeps it readable: bytes, KB, MB."""
    if size < 1024:
        return f"{size} بايت" if lang == "ar" else f"{size} bytes"
    if size < 1024 * 1024:
        kb = round(size / 1024)
        return f"{kb} كيلوبايت" if lang == "ar" else f"{kb} KB"
    mb = format_number(round(size / 1024 / 1024, 1))
    return f"{mb} ميجابايت" if lang == "ar" else f"{mb} MB"


def _with_unit(text: str, field: Field, lang: str) -> str:
    unit = setting_text(field, "unit")
    return f"{text} {unit.get(lang)}" if unit is not None else text


def _option_label(field: Field, value: Any, lang: str) -> str:
    for option in field.options or ():
        if option.value == value:
            return option.label.get(lang)
    return str(value)


def _number(field: Field, value: Any, lang: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return _with_unit(format_number(value, field.setting("decimals")), field, lang)


def _date(value: Any, lang: str) -> str:
    try:
        return format_date(str(value), lang)
    except ValueError:
        return str(value)


def _appointment(value: Any, lang: str) -> str:
    day, _, time = str(value).partition("T")
    shown = _date(day, lang)
    return f"{shown}، الساعة {time}" if lang == "ar" else f"{shown}, {time}"


def display_value(field: Field, value: Any, lang: str) -> str:
    """The text shown for `value` of `field` in `lang`; empty for an empty value."""
    if value is None or value == [] or value == "":
        return ""
    kind = field.type_name
    if kind in ("select", "radio"):
        return _option_label(field, value, lang)
    if kind == "checkboxes" and isinstance(value, list):
        return _join([_option_label(field, v, lang) for v in value], lang)
    if kind == "yes_no" and isinstance(value, bool):
        label = setting_text(field, "yes_label" if value else "no_label")
        return (label or (_YES if value else _NO)).get(lang)
    if kind in ("number", "integer"):
        return _number(field, value, lang)
    if kind == "computed":
        if field.setting("format") in ("integer", "number"):
            return _number(field, value, lang)
        return _with_unit(str(value), field, lang)
    if kind == "date":
        return _date(value, lang)
    if kind == "appointment":
        return _appointment(value, lang)
    if kind == "mobile":
        return format_saudi_mobile(str(value))
    if kind == "file" and isinstance(value, list):
        return _join([str(f.get("name", "")) for f in value if isinstance(f, Mapping)], lang)
    if isinstance(value, (list, tuple)):
        return _join([str(v) for v in value], lang)
    return str(value)
