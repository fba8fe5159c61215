"""What the applicant reads when an answer cannot be accepted: one bilingual message per
stable error code.

Messages say what to do, in the applicant's words (GOV.UK / DGA practice: "Enter your
mobile number", not "Invalid input"). They may use the parameters `{label}` (the field's
label, as written), `{label_lc}` (the label as it reads inside an English sentence),
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

__all__ = ["CODES", "MESSAGES", "message"]

_T = Text

MESSAGES: Mapping[str, Text] = MappingProxyType(
    {
        # --- required (variant by the kind of input) ------------------------------------
        "required": _T("أدخل {label}", "Enter {label_lc}"),
        "required.choose": _T("اختر {label}", "Select {label_lc}"),
        "required.yes_no": _T("اختر نعم أو لا: {label}", "Select yes or no: {label}"),
        "required.unlabelled": _T("هذا الحقل مطلوب", "This field is required"),
        # --- text -------------------------------------------------------------------
        "text.invalid": _T("أدخل {label} نصاً", "Enter {label_lc} as text"),
        "text.too_short": _T(
            "يجب ألا يقل عدد أحرف {label} عن {min}",
            "{label} must be {min} characters or more",
        ),
        "text.too_long": _T(
            "يجب ألا يزيد عدد أحرف {label} على {max}",
            "{label} must be {max} characters or fewer",
        ),
        "text.pattern": _T(
            "صيغة {label} غير صحيحة؛ تحقق مما أدخلته",
            "{label} is not in the right format; check what you entered",
        ),
        # --- numbers ----------------------------------------------------------------
        "number.invalid": _T(
            "يجب أن يكون {label} رقماً، مثل 12 أو 12.5", "{label} must be a number, like 12 or 12.5"
        ),
        "number.decimals": _T(
            "يجب ألا يزيد عدد المنازل العشرية في {label} على {max}",
            "{label} must have {max} decimal places or fewer",
        ),
        "number.too_small": _T("يجب ألا يقل {label} عن {min}", "{label} must be {min} or more"),
        "number.too_large": _T("يجب ألا يزيد {label} على {max}", "{label} must be {max} or less"),
        "integer.invalid": _T(
            "يجب أن يكون {label} عدداً صحيحاً دون كسور، مثل 12",
            "{label} must be a whole number, like 12",
        ),
        # --- contact and identity ---------------------------------------------------
        "email.invalid": _T(
            "أدخل البريد الإلكتروني بالصيغة الصحيحة، مثل name@example.com",
            "Enter an email address in the correct format, like name@example.com",
        ),
        "mobile.invalid": _T(
            "أدخل رقم جوال سعودياً صحيحاً، مثل 0512345678",
            "Enter a Saudi mobile number, like 0512345678",
        ),
        "mobile.not_saudi": _T(
            "أدخل رقم جوال سعودياً يبدأ بـ 05 أو ‎+9665",
            "Enter a Saudi mobile number: it starts with 05 or +966 5",
        ),
        "national_id.length": _T("يجب أن يتكون {label} من 10 أرقام", "{label} must be 10 digits"),
        "national_id.prefix": _T(
            "يجب أن يبدأ {label} بالرقم 1 للهوية الوطنية أو بالرقم 2 للإقامة",
            "{label} must start with 1 (national ID) or 2 (iqama)",
        ),
        "national_id.not_accepted": _T(
            "رقم الهوية المدخل غير مقبول في {label}",
            "This kind of ID is not accepted for {label_lc}",
        ),
        "national_id.not_accepted.citizen": _T(
            "أدخل رقم هوية وطنية يبدأ بالرقم 1", "Enter a national ID number: it starts with 1"
        ),
        "national_id.not_accepted.resident": _T(
            "أدخل رقم إقامة يبدأ بالرقم 2", "Enter an iqama number: it starts with 2"
        ),
        "national_id.checksum": _T(
            "{label} غير صحيح؛ تحقق من الأرقام كما هي في البطاقة",
            "{label} is not a valid number; check the digits on the card",
        ),
        # --- dates and times --------------------------------------------------------
        "date.invalid": _T("أدخل {label} تاريخاً صحيحاً", "{label} must be a real date"),
        "date.too_early": _T(
            "يجب أن يكون {label} في {min} أو بعده", "{label} must be on or after {min}"
        ),
        "date.too_late": _T(
            "يجب أن يكون {label} في {max} أو قبله", "{label} must be on or before {max}"
        ),
        "time.invalid": _T(
            "أدخل {label} بالساعة والدقيقة، مثل 14:30",
            "Enter {label_lc} as hours and minutes, like 14:30",
        ),
        "time.out_of_range": _T(
            "يجب أن يكون {label} بين {min} و{max}", "{label} must be between {min} and {max}"
        ),
        "time.step": _T(
            "اختر {label} على رأس كل {step} دقيقة", "{label} must be on a {step}-minute mark"
        ),
        # --- choices ----------------------------------------------------------------
        "option.invalid": _T("اختر {label} من القائمة", "Select {label_lc} from the list"),
        "checkboxes.too_few": _T(
            "اختر {min} على الأقل من {label}", "Select at least {min} for {label_lc}"
        ),
        "checkboxes.too_many": _T(
            "اختر {max} على الأكثر من {label}", "Select no more than {max} for {label_lc}"
        ),
        "yes_no.invalid": _T("اختر نعم أو لا: {label}", "Select yes or no: {label}"),
        # --- files ------------------------------------------------------------------
        "file.required": _T("أرفق {label}", "Upload {label_lc}"),
        "file.invalid": _T(
            "تعذر قراءة الملف المرفق في {label}؛ أرفقه مرة أخرى",
            "The file for {label_lc} could not be read; upload it again",
        ),
        "file.too_many": _T(
            "يمكنك إرفاق {max} ملفات على الأكثر في {label}",
            "Upload no more than {max} files for {label_lc}",
        ),
        "file.too_large": _T(
            "يجب ألا يزيد حجم الملف {name} على {max} ميجابايت",
            "The file {name} must be smaller than {max} MB",
        ),
        "file.type": _T(
            "الملف {name} من نوع غير مقبول؛ الأنواع المقبولة: {accept}",
            "The file {name} must be a {accept}",
        ),
        "file.empty": _T("الملف {name} فارغ؛ أرفق ملفاً آخر", "The file {name} is empty"),
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
        # --- groups, declarations, appointments, hidden values ----------------------
        "group.too_few": _T("أضف {min} على الأقل إلى {label}", "Add at least {min} to {label_lc}"),
        "group.too_many": _T(
            "يمكنك إضافة {max} على الأكثر إلى {label}", "Add no more than {max} to {label_lc}"
        ),
        "declaration.required": _T(
            "يجب الموافقة على الإقرار لتقديم الطلب", "You must accept the declaration to submit"
        ),
        "appointment.invalid": _T(
            "اختر موعداً متاحاً من المواعيد المعروضة", "Select an available appointment"
        ),
        "value.invalid": _T(
            "القيمة المدخلة في {label} غير صحيحة", "The value of {label_lc} is not valid"
        ),
        # An expression failed on these answers (logged for the agency to fix).
        "computed.failed": _T(
            "تعذر حساب {label} من إجاباتك؛ راجع الإجابات السابقة، وإن استمر ذلك فتواصل مع الجهة",
            "{label} could not be calculated from your answers; check them, and contact the"
            " agency if this goes on",
        ),
        # A rule's message comes from the definition; this is only the fallback.
        "rule": _T("تحقق من {label}", "Check {label_lc}"),
    }
)

# Every code and variant the catalogue knows.
CODES: frozenset[str] = frozenset(MESSAGES)


class _Params(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


_FORMATTER = string.Formatter()


def message(
    code: str, lang: str, params: Mapping[str, Any] | None = None, *, variant: str | None = None
) -> str:
    """The message for `code` in `lang` with `params` filled in; a placeholder without a
    parameter stays as written. Unknown codes give the `value.invalid` message, never an
    exception: a message must not break the page that shows it."""
    text = MESSAGES.get(f"{code}.{variant}") if variant else None
    text = text or MESSAGES.get(code) or MESSAGES["value.invalid"]
    values = _Params(params or {})
    values.setdefault("label_lc", values.get("label", "{label}"))
    return _FORMATTER.vformat(text.get(lang), (), values)
