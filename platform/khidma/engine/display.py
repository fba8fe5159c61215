"""Stored values as the applicant and staff read them, in Arabic or English.

`display_value` gives the plain text of one stored value, as its field type shows it
(`FieldType.display`: option labels rather than values, yes/no in words, dates Hijri with
Gregorian beside, mobiles as written in the Kingdom, numbers with their unit). It never
raises for an odd stored value; it shows it as it is. No markup: the review page, the PDF
and the e-mail each escape and style it.
"""

from __future__ import annotations

from typing import Any

from khidma.definitions.model import Field
from khidma.fields.base import setting_text
from khidma.formatting import format_number

__all__ = ["display_value", "format_number", "setting_text", "size_text"]


def size_text(size: int, lang: str) -> str:
    """A file size in the largest unit that keeps it readable: bytes, KB, MB."""
    if size < 1024:
        return f"{size} بايت" if lang == "ar" else f"{size} bytes"
    if size < 1024 * 1024:
        kb = round(size / 1024)
        return f"{kb} كيلوبايت" if lang == "ar" else f"{kb} KB"
    mb = format_number(round(size / 1024 / 1024, 1))
    return f"{mb} ميجابايت" if lang == "ar" else f"{mb} MB"


def display_value(field: Field, value: Any, lang: str) -> str:
    """The text shown for `value` of `field` in `lang`; empty for an empty value. Each
    field type says how its values read (`FieldType.display`)."""
    if value is None or value == [] or value == "":
        return ""
    return field.type.display(field, value, lang)
