"""Words of the trust features: the seal printed on issued documents, the public
verification page, and the auditor's pages."""

from __future__ import annotations

# key: (Arabic, English)
WORDS: dict[str, tuple[str, str]] = {
    # --- the seal on a document ----------------------------------------------------------
    "trust.seal.check": (
        "للتحقق من صحة هذه الوثيقة امسح الرمز أو افتح الرابط:",
        "To check this document, scan the code or open:",
    ),
    "trust.document_code": ("رمز الوثيقة", "Document code"),
    # --- the verification page -----------------------------------------------------------
    "trust.verify.title": ("التحقق من وثيقة", "Check a document"),
    "trust.verify.intro": (
        "تحقق من أن وثيقة ملخص الطلب صادرة عن المنصة ولم تُعدَّل بعد إصدارها. لا تعرض هذه "
        "الصفحة أي بيانات شخصية.",
        "Check that a request summary was issued by the platform and has not been changed "
        "since. This page shows no personal data.",
    ),
    "trust.verify.by_code": ("بالرقم والرمز", "By reference and code"),
    "trust.verify.by_code_hint": (
        "تجد رقم الطلب ورمز الوثيقة مطبوعين في الصفحة الأولى من الوثيقة، ويفتح رمز الاستجابة "
        "السريعة أسفل كل صفحة هذه الصفحة بهما.",
        "The reference and the document code are printed on the document's first page; the QR "
        "code at the foot of every page opens this page with both.",
    ),
    "trust.verify.code_hint": ("مثال: Xo3k…", "For example: Xo3k…"),
    "trust.verify.check": ("تحقق", "Check"),
    "trust.verify.by_file": ("برفع ملف الوثيقة", "By uploading the document"),
    "trust.verify.file": ("ملف الوثيقة (PDF)", "The document (PDF)"),
    "trust.verify.file_hint": (
        "يُفحص الملف ولا يُحفظ.",
        "The file is checked, not kept.",
    ),
    "trust.verify.check_file": ("افحص الملف", "Check the file"),
    "trust.verify.error.reference": ("أدخل رقم الطلب", "Enter the reference number"),
    "trust.verify.error.code": ("أدخل رمز الوثيقة", "Enter the document code"),
    "trust.verify.error.file": ("اختر ملف الوثيقة", "Choose the document's file"),
    "trust.verify.error.not_pdf": (
        "الملف المختار ليس ملف PDF",
        "The file you chose is not a PDF",
    ),
    "trust.verify.found_title": ("وثيقة صادرة عن المنصة", "A document the platform issued"),
    "trust.verify.authentic_title": (
        "الوثيقة صحيحة: صادرة عن المنصة ولم تُعدَّل",
        "Authentic: issued by the platform and unchanged",
    ),
    "trust.verify.not_found_title": ("لم نجد هذه الوثيقة", "We found no such document"),
    "trust.verify.not_found": (
        "لا توجد وثيقة بهذا الرقم وهذا الرمز. تأكد منهما كما طُبعا في الوثيقة.",
        "There is no document with this reference and code. Check them as printed.",
    ),
    "trust.verify.not_authentic_title": ("الوثيقة غير صحيحة", "Not authentic"),
    "trust.verify.why.unsigned": (
        "لا تحمل توقيع المنصة، فهي ليست وثيقة أصدرتها المنصة.",
        "It carries no signature of the platform: the platform did not issue it.",
    ),
    "trust.verify.why.altered": (
        "عُدِّلت بعد إصدارها: توقيعها لا يطابق محتواها.",
        "It was changed after it was issued: its signature does not match its content.",
    ),
    "trust.verify.why.other_signer": (
        "موقعة من جهة أخرى غير المنصة.",
        "It is signed by someone other than the platform.",
    ),
    "trust.verify.why.added_after": (
        "أُضيف إليها محتوى بعد توقيعها.",
        "Content was added to it after it was signed.",
    ),
    "trust.verify.why.unreadable": (
        "تعذرت قراءة الملف على أنه وثيقة PDF.",
        "The file could not be read as a PDF document.",
    ),
    "trust.verify.why.unregistered": (
        "توقيعها سليم لكنها غير مسجلة لدى المنصة.",
        "Its signature is sound but the platform has no record of it.",
    ),
    "trust.verify.issued_at": ("تاريخ الإصدار", "Issued on"),
    "trust.verify.event": ("الوثيقة", "Document"),
    "trust.verify.event.submitted": ("عند تقديم الطلب", "At submission"),
    "trust.verify.event.final": ("عند القرار النهائي", "At the final decision"),
    "trust.verify.status_then": ("حالة الطلب عند الإصدار", "Status when issued"),
    "trust.verify.hash": ("بصمة الملف (SHA-256)", "File fingerprint (SHA-256)"),
    # --- the auditor --------------------------------------------------------------------
    "trust.audit.title": ("تدقيق الطلبات", "Audit requests"),
    "trust.audit.intro": (
        "ابحث في طلبات جميع الجهات واطلع عليها للقراءة فقط. يُسجَّل كل اطلاع وتحميل وتصدير "
        "في سجل التدقيق.",
        "Search and read the requests of every agency, read only. Every view, download and "
        "export is recorded in the audit log.",
    ),
    "trust.audit.any": ("الكل", "Any"),
    "trust.audit.date_from": ("مقدم من تاريخ", "Submitted from"),
    "trust.audit.date_to": ("إلى تاريخ", "Submitted until"),
    "trust.audit.date_hint": (
        "بالتاريخ الميلادي، مثال: 2026-12-01",
        "Gregorian date, for example 2026-12-01",
    ),
    "trust.audit.error.date": (
        "أدخل التاريخ بالصيغة سنة-شهر-يوم، مثال: 2026-12-01",
        "Enter the date as year-month-day, for example 2026-12-01",
    ),
    "trust.audit.error.national_id": (
        "رقم الهوية يتكون من 10 أرقام",
        "The ID number has 10 digits",
    ),
    "trust.audit.results": ("نتائج البحث", "Search results"),
    "trust.audit.none": ("لا توجد طلبات مطابقة.", "No requests match."),
    "trust.audit.more": (
        "تُعرض أحدث 50 نتيجة؛ ضيّق البحث أو صدّر النتائج كاملة.",
        "The newest 50 are shown; narrow the search or export them all.",
    ),
    "trust.audit.export_csv": ("تصدير جدول (CSV)", "Export a table (CSV)"),
    "trust.audit.export_json": ("تصدير الإجابات (JSON)", "Export the answers (JSON)"),
    "trust.audit.export_zip": ("تصدير الملخصات (ZIP)", "Export the summaries (ZIP)"),
    "trust.audit.read_only": (
        "عرض للقراءة فقط، وهذا الاطلاع مسجل في سجل التدقيق.",
        "Read only; this view is recorded in the audit log.",
    ),
    "trust.audit.version": ("إصدار نموذج الخدمة", "Service definition version"),
}
