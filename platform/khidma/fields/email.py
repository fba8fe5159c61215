"""`email`: an e-mail address; the domain is stored lower-cased."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from khidma.engine.identifiers import normalise_digits
from khidma.fields.base import JSON
from khidma.fields.base import FieldType
from khidma.fields.base import InvalidValue
from khidma.fields.base import ValueContext
from khidma.fields.base import Web
from khidma.fields.base import Words
from khidma.fields.base import key
from khidma.fields.text import LENGTH_MESSAGES

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec

_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


class Email(FieldType):
    name = "email"
    contact = "email"
    summary = "An e-mail address."
    keys: ClassVar[JSON] = {
        "max_length": key(
            {"type": "integer", "minimum": 6, "maximum": 254}, "The most characters accepted."
        )
    }
    messages: ClassVar[dict[str, Words]] = {
        "text.too_long": LENGTH_MESSAGES["text.too_long"],
        "email.invalid": (
            "أدخل البريد الإلكتروني بالصيغة الصحيحة، مثل name@example.com",
            "Enter an email address in the correct format, like name@example.com",
        ),
    }
    example = "nora@example.com"
    web = Web(input_type="email", attributes={"dir": "ltr", "autocomplete": "email"})

    @classmethod
    def normalise(cls, field: FieldSpec, raw: Any, ctx: ValueContext) -> str:
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
