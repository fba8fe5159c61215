"""`national_id`: a national ID (starts with 1) or iqama (starts with 2) — ten digits with
a Luhn check, Eastern Arabic digits accepted, stored as ten ASCII digits."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from khidma.engine.identifiers import clean_national_id
from khidma.engine.identifiers import national_id_problem
from khidma.fields.base import JSON
from khidma.fields.base import FieldType
from khidma.fields.base import InvalidValue
from khidma.fields.base import ValueContext
from khidma.fields.base import Web
from khidma.fields.base import Words
from khidma.fields.base import key

if TYPE_CHECKING:
    from khidma.fields.base import FieldSpec


class NationalId(FieldType):
    name = "national_id"
    summary = "A national ID (starts with 1) or iqama (starts with 2): 10 digits, checksum."
    keys: ClassVar[JSON] = {
        "accept": key(
            {
                "type": "array",
                "items": {"enum": ["citizen", "resident"]},
                "minItems": 1,
                "uniqueItems": True,
            },
            "Which IDs are accepted: citizens' national IDs, residents' iqamas, or both.",
        ),
    }
    messages: ClassVar[dict[str, Words]] = {
        "national_id.length": ("يجب أن يتكون {label} من 10 أرقام", "{label} must be 10 digits"),
        "national_id.prefix": (
            "يجب أن يبدأ {label} بالرقم 1 للهوية الوطنية أو بالرقم 2 للإقامة",
            "{label} must start with 1 (national ID) or 2 (iqama)",
        ),
        "national_id.not_accepted": (
            "رقم الهوية المدخل غير مقبول في {label}",
            "This kind of ID is not accepted for {label}",
        ),
        "national_id.not_accepted.citizen": (
            "أدخل رقم هوية وطنية يبدأ بالرقم 1",
            "Enter a national ID number: it starts with 1",
        ),
        "national_id.not_accepted.resident": (
            "أدخل رقم إقامة يبدأ بالرقم 2",
            "Enter an iqama number: it starts with 2",
        ),
        "national_id.checksum": (
            "{label} غير صحيح؛ تحقق من الأرقام كما هي في البطاقة",
            "{label} is not a valid number; check the digits on the card",
        ),
    }
    example = "1000000008"
    web = Web(
        inputmode="numeric", attributes={"maxlength": "14", "autocomplete": "off", "dir": "ltr"}
    )

    @classmethod
    def normalise(cls, field: FieldSpec, raw: Any, ctx: ValueContext) -> str:
        if not isinstance(raw, str):
            raise InvalidValue("national_id.length")
        accept = tuple(field.setting("accept") or ("citizen", "resident"))
        problem = national_id_problem(raw, accept)
        if problem:
            raise InvalidValue(problem, accept=accept)
        return clean_national_id(raw)
