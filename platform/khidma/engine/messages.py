"""What the applicant reads when an answer cannot be accepted: one bilingual message per
stable error code.

Messages say what to do, in the applicant's words (GOV.UK / DGA practice: "Enter your
mobile number", not "Invalid input"). They may use the parameters `{label}` (the field's
label, as written — never re-cased: "Select You are applying as" is a label, not a sentence),
`{min}`, `{max}`, `{name}` (a file's name), `{accept}` (file kinds) and `{step}`. A code
may have variants (`required.choose`, `national_id.not_accepted.citizen`); `message` picks
the variant when it exists and falls back to the plain code. Codes are the contract with
tests and API clients; the wording may improve at any time.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from khidma.definitions.model import Text
from khidma.fields import FieldType
from khidma.fields import FieldTypeRegistry
from khidma.fields import registry

__all__ = ["CODES", "MESSAGES", "message"]

_T = Text

# Codes no one field type owns: requiredness, what the upload checks and the virus scan
# find, declarations, and the fallbacks. Each type's own codes are in its module
# (`FieldType.messages`) and join the catalogue below.
_GENERAL: dict[str, Text] = {
    # --- required (variant by the kind of input: `FieldType.required_variant`) ----------
    "required": _T("أدخل {label}", "Enter {label}"),
    "required.choose": _T("اختر {label}", "Select {label}"),
    "required.yes_no": _T("اختر نعم أو لا: {label}", "Select yes or no: {label}"),
    "required.unlabelled": _T("هذا الحقل مطلوب", "This field is required"),
    # --- what the web layer finds in an upload's content ----------------------------------
    "file.active": _T(
        "لا يمكن قبول الملف {name} لأنه يحتوي على محتوى نشط (برمجيات أو روابط تشغيل)؛ احفظه "
        "أو اطبعه ملفاً جديداً ثم أرفقه",
        "The file {name} cannot be accepted: it holds active content (scripts or actions)."
        " Save or print it to a new file and upload that",
    ),
    "file.image_too_large": _T(
        "أبعاد الصورة {name} كبيرة جدًا؛ صغّرها ثم أرفقها",
        "The image {name} has too many pixels; make it smaller and upload it again",
    ),
    "file.infected": _T(
        "لا يمكن قبول الملف {name} لأن فحص الفيروسات وجد فيه برمجية ضارة",
        "The file {name} cannot be accepted: the virus scan found malware in it",
    ),
    "file.unscanned": _T(
        "تعذر فحص الملف {name} الآن؛ حاول إرفاقه مرة أخرى بعد قليل",
        "The file {name} could not be checked just now; upload it again in a moment",
    ),
    # --- declarations and fallbacks -----------------------------------------------------
    "declaration.required": _T(
        "يجب الموافقة على الإقرار لتقديم الطلب", "You must accept the declaration to submit"
    ),
    "value.invalid": _T("القيمة المدخلة في {label} غير صحيحة", "The value of {label} is not valid"),
    # An expression failed on these answers (logged for the agency to fix).
    "computed.failed": _T(
        "تعذر حساب {label} من إجاباتك؛ راجع الإجابات السابقة، وإن استمر ذلك فتواصل مع الجهة",
        "{label} could not be calculated from your answers; check them, and contact the"
        " agency if this goes on",
    ),
    # A rule's message comes from the definition; this is only the fallback.
    "rule": _T("تحقق من {label}", "Check {label}"),
}


def _catalogue(types: FieldTypeRegistry) -> dict[str, Text]:
    found = dict(_GENERAL)
    for field_type in types:
        for code, (arabic, english) in field_type.messages.items():
            text = _T(arabic, english)
            if found.setdefault(code, text) != text:
                raise ValueError(f"message {code!r} is worded two ways ({field_type.name})")
    return found


MESSAGES: Mapping[str, Text] = MappingProxyType(_catalogue(registry))

# Every code and variant the catalogue knows.
CODES: frozenset[str] = frozenset(MESSAGES)


class _Params(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


_FORMATTER = string.Formatter()


def message(
    code: str,
    lang: str,
    params: Mapping[str, Any] | None = None,
    *,
    variant: str | None = None,
    field_type: type[FieldType] | None = None,
) -> str:
    """The message for `code` in `lang` with `params` filled in; a placeholder without a
    parameter stays as written. `field_type` (the type of the field the error belongs
    to) is asked first, so a type outside the platform's registry brings its own words.
    Unknown codes give the `value.invalid` message, never an exception: a message must
    not break the page that shows it."""
    text = _lookup(f"{code}.{variant}", field_type) if variant else None
    text = text or _lookup(code, field_type) or MESSAGES["value.invalid"]
    return _FORMATTER.vformat(text.get(lang), (), _Params(params or {}))


def _lookup(code: str, field_type: type[FieldType] | None) -> Text | None:
    own = field_type.messages.get(code) if field_type is not None else None
    return _T(*own) if own is not None else MESSAGES.get(code)
