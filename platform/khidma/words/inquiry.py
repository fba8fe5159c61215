"""The public transaction inquiry (web/inquiry.py)."""

from __future__ import annotations

# key: (Arabic, English)
WORDS: dict[str, tuple[str, str]] = {
    "inquiry.title": ("الاستعلام عن معاملة", "Transaction inquiry"),
    "inquiry.intro": (
        "أدخل رقم الطلب وسنته الهجرية لمعرفة حالته. لا تظهر أي بيانات شخصية.",
        "Enter a request's number and Hijri year to see its status. No personal data is shown.",
    ),
    "inquiry.service_hint": ("الخدمة التي قُدم الطلب لها", "The service the request was made to"),
    "inquiry.choose_service": ("اختر الخدمة", "Choose the service"),
    "inquiry.number": ("رقم الطلب", "Request number"),
    "inquiry.number_hint": (
        "الرقم المرسل إليك في الرسالة النصية، مثل 67 أو 00067",
        "The number in your text message, for example 67 or 00067",
    ),
    "inquiry.year": ("السنة الهجرية", "Hijri year"),
    "inquiry.year_hint": ("أربعة أرقام، مثل {year}", "Four digits, for example {year}"),
    "inquiry.submit": ("استعلام", "Check the status"),
    "inquiry.result_title": ("حالة الطلب", "Request status"),
    "inquiry.not_found_title": ("لم يتم العثور على الطلب", "Request not found"),
    "inquiry.not_found": (
        "لا يوجد طلب بهذا الرقم في هذه السنة لهذه الخدمة. تحقق من الرقم والسنة والخدمة.",
        "There is no request with this number in this year for this service. Check the number, "
        "the year and the service.",
    ),
    "inquiry.limited": (
        "أجريت عددًا كبيرًا من الاستعلامات. حاول مرة أخرى بعد {minutes}.",
        "You have made too many inquiries. Try again in {minutes}.",
    ),
    "inquiry.privacy": (
        "تعرض هذه الصفحة حالة الطلب فقط. لتفاصيل طلبك سجّل الدخول إلى حسابي.",
        "This page shows the status only. For your request's details, sign in to My account.",
    ),
    "inquiry.error.service": ("اختر الخدمة من القائمة.", "Choose the service from the list."),
    "inquiry.error.number_missing": ("أدخل رقم الطلب.", "Enter the request number."),
    "inquiry.error.number": (
        "رقم الطلب غير صحيح: أدخل أرقامًا فقط، مثل 67.",
        "The request number is not valid: enter digits only, for example 67.",
    ),
    "inquiry.error.year_missing": ("أدخل السنة الهجرية.", "Enter the Hijri year."),
    "inquiry.error.year": (
        "السنة الهجرية غير صحيحة: أدخل أربعة أرقام بين {first} و{last}.",
        "The Hijri year is not valid: enter four digits between {first} and {last}.",
    ),
    "inquiry.error.year_range": (
        "السنة الهجرية يجب أن تكون بين {first} و{last}.",
        "The Hijri year must be between {first} and {last}.",
    ),
}
