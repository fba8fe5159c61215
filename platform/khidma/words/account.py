"""My account: the request list, a request's page and its rating (web/account.py)."""

from __future__ import annotations

# key: (Arabic, English)
WORDS: dict[str, tuple[str, str]] = {
    "account.title": ("حسابي", "My account"),
    "account.pages": ("صفحات الطلبات", "Pages of requests"),
    "account.older": ("الطلبات الأقدم", "Older requests"),
    "account.newest": ("أحدث الطلبات", "Newest requests"),
    "account.no_requests": ("لا توجد لديك طلبات بعد.", "You have no requests yet."),
    "account.browse_services": ("تصفح الخدمات", "Browse the services"),
    "account.has_message": ("لديك رسالة", "You have a message"),
    "account.no_message": ("لا توجد رسائل جديدة", "No new messages"),
    "account.about": ("موضوع الطلب", "About"),
    "account.beneficiary": ("اسم المستفيد", "Beneficiary"),
    "account.drafts": ("طلبات لم تكتمل", "Unfinished requests"),
    "account.drafts_hint": (
        "تُحفظ كل مرحلة تكملها، ويمكنك متابعة الطلب من حيث توقفت قبل تاريخ انتهاء المسودة.",
        "Every step you complete is saved; carry on where you stopped before the draft expires.",
    ),
    "account.no_drafts": ("لا توجد طلبات غير مكتملة.", "You have no unfinished requests."),
    "account.last_saved": ("آخر حفظ", "Last saved"),
    "account.expires": ("تنتهي صلاحية المسودة في", "Draft expires on"),
    "account.resume": ("متابعة الطلب", "Continue"),
    "account.discard": ("حذف المسودة", "Discard the draft"),
    "account.draft_discarded": ("تم حذف المسودة.", "The draft was discarded."),
    "account.request_title": ("الطلب رقم {reference}", "Request {reference}"),
    "account.messages": ("الرسائل", "Messages"),
    "account.new_message": ("رسالة جديدة", "New message"),
    "account.from_agency": ("من الجهة", "From the agency"),
    "account.from_citizen": ("منك", "From you"),
    "account.answers": ("بيانات الطلب", "Your answers"),
    "account.answers_unavailable": (
        "تعذر عرض بيانات الطلب حاليًا.",
        "Your answers cannot be shown at the moment.",
    ),
    "account.attachments": ("تحميل المرفقات", "Download the attachments"),
    "account.history": ("سجل حالة الطلب", "Status history"),
    "rating.title": ("تقييم الخدمة", "Rate the service"),
    "rating.question": ("ما مدى رضاك عن الخدمة؟", "How satisfied are you with the service?"),
    "rating.stars_1": ("نجمة واحدة — غير راضٍ إطلاقًا", "1 star — very dissatisfied"),
    "rating.stars_2": ("نجمتان — غير راضٍ", "2 stars — dissatisfied"),
    "rating.stars_3": ("3 نجوم — محايد", "3 stars — neutral"),
    "rating.stars_4": ("4 نجوم — راضٍ", "4 stars — satisfied"),
    "rating.stars_5": ("5 نجوم — راضٍ جدًا", "5 stars — very satisfied"),
    "rating.comment": ("ملاحظاتك (اختياري)", "Your comments (optional)"),
    "rating.comment_hint": ("بحد أقصى {max} حرف.", "At most {max} characters."),
    "rating.submit": ("إرسال التقييم", "Send the rating"),
    "rating.error.stars": (
        "اختر تقييمًا من نجمة واحدة إلى 5 نجوم.",
        "Choose a rating from 1 to 5 stars.",
    ),
    "rating.error.comment": (
        "يجب ألا تزيد الملاحظات على {max} حرف.",
        "Comments must be {max} characters or fewer.",
    ),
    "rating.thanks": ("شكرًا لك، تم استلام تقييمك.", "Thank you: your rating has been received."),
    "rating.already": (
        "سبق أن قيّمت الخدمة لهذا الطلب؛ يُقبل تقييم واحد لكل طلب.",
        "You have already rated the service for this request: one rating per request.",
    ),
    "rating.yours": ("تقييمك: {stars} من 5", "Your rating: {stars} out of 5"),
}
