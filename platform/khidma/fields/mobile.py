"""`mobile`: a Saudi mobile in any common spelling (05…, +9665…, 9665…, 009665…), stored
as E.164 and shown as written in the Kingdom."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from khidma.engine.identifiers import IdentifierError
from khidma.engine.identifiers import format_saudi_mobile
from khidma.engine.identifiers import normalise_saudi_mobile
from khidma.fields.base import FieldType
from khidma.fields.base import InvalidValue
from khidma.fields.base import ValueContext
from khidma.fields.base import Web
from khidma.fields.base import Words

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec


class Mobile(FieldType):
    name = "mobile"
    contact = "mobile"
    summary = "A Saudi mobile number in any common spelling, stored as E.164 (+9665…)."
    messages: ClassVar[dict[str, Words]] = {
        "mobile.invalid": (
            "أدخل رقم جوال سعودياً صحيحاً، مثل 0512345678",
            "Enter a Saudi mobile number, like 0512345678",
        ),
        "mobile.not_saudi": (
            "أدخل رقم جوال سعودياً يبدأ بـ 05 أو ‎+9665",
            "Enter a Saudi mobile number: it starts with 05 or +966 5",
        ),
    }
    example = "0512345678"
    web = Web(input_type="tel", inputmode="tel", attributes={"dir": "ltr", "autocomplete": "tel"})

    @classmethod
    def normalise(cls, field: FieldSpec, raw: Any, ctx: ValueContext) -> str:
        if not isinstance(raw, (str, int)) or isinstance(raw, bool):
            raise InvalidValue("mobile.invalid")
        try:
            return normalise_saudi_mobile(str(raw))
        except IdentifierError as exc:
            raise InvalidValue(exc.code) from None

    @classmethod
    def display(cls, field: FieldSpec, value: Any, lang: str) -> str:
        return format_saudi_mobile(str(value))
