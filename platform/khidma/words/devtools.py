"""Development tools: the dev outbox page (web/devtools.py), the live preview's
definition problems (web/devreload.py)."""

from __future__ import annotations

# key: (Arabic, English)
WORDS: dict[str, tuple[str, str]] = {
    "devtools.outbox": ("صندوق الرسائل الصادرة (تطوير)", "Outbox (development)"),
    "devtools.outbox_intro": (
        "الرسائل النصية ورسائل البريد التي أرسلتها المنصة، الأحدث أولًا (آخر {shown}).",
        "Text messages and e-mails the platform has sent, newest first (last {shown}).",
    ),
    "devtools.channel_sms": ("رسالة نصية", "SMS"),
    "devtools.channel_email": ("بريد إلكتروني", "E-mail"),
    "devtools.subject": ("الموضوع", "Subject"),
    "devtools.html_part": ("نسخة HTML من الرسالة", "The message's HTML part"),
    "devtools.event": ("الحدث", "Event"),
    "devtools.created": ("أنشئت", "Created"),
    "devtools.sent": ("أرسلت", "Sent"),
    "devtools.pending": ("بانتظار الإرسال", "Waiting to be sent"),
    "devtools.given_up": ("تعذر الإرسال", "Given up"),
    "devtools.empty": ("لا توجد رسائل بعد.", "No messages yet."),
    "devtools.state": ("الحالة", "State"),
    "devtools.attempts": ("المحاولات", "Attempts"),
    "devtools.next_attempt": ("المحاولة التالية", "Next attempt"),
    "devtools.last_error": ("آخر خطأ", "Last error"),
    "devtools.gateway_ref": ("رقم الرسالة لدى البوابة", "Gateway id"),
    "devtools.totals": ("الإجمالي", "Totals"),
    "devtools.delivery_hint": (
        "يرسل «khidma run» الرسائل في أثناء التطوير، ويرسلها «khidma worker» في الإنتاج.",
        "In development “khidma run” delivers the messages; in production, “khidma worker”.",
    ),
    "devtools.definitions": ("تعريفات الخدمات (تطوير)", "Service definitions (development)"),
    "devtools.definitions_ok": (
        "تُحمَّل ملفات {folder} دون مشكلات؛ يُعرض كل تعديل تحفظه خلال ثانية.",
        "The files in {folder} load without problems; "
        "every change you save is live within a second.",
    ),
    "devtools.definitions_broken": (
        "آخر تعديل في {folder} فيه {count} مشكلة، فما زالت آخر نسخة سليمة هي المعروضة. "
        "أصلح الملف واحفظه.",
        "The last change in {folder} has {count} problem(s), so the last good version "
        "is still being served. Fix the file and save it.",
    ),
    "devtools.definitions_banner": (
        "في تعريفات الخدمات {count} مشكلة؛ ما زالت آخر نسخة سليمة هي المعروضة.",
        "The service definitions have {count} problem(s); "
        "the last good version is still being served.",
    ),
    "devtools.definitions_see": ("عرض المشكلات", "See the problems"),
    "devtools.where": ("الموضع", "Where"),
    "devtools.problem": ("المشكلة", "Problem"),
    "devtools.hint": ("الحل", "How to fix it"),
    "devtools.served": ("الخدمات المعروضة الآن", "Services served now"),
}
