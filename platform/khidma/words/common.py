"""Words several features share: page furniture and the facts of a request."""

from __future__ import annotations

# key: (Arabic, English)
WORDS: dict[str, tuple[str, str]] = {
    "home": ("الرئيسية", "Home"),
    "agency": ("الجهة", "Agency"),
    "back_home": ("العودة إلى الرئيسية", "Back to the home page"),
    "breadcrumb": ("مسار التنقل", "Breadcrumb"),
    "my_requests": ("طلباتي", "My requests"),
    "reference": ("رقم الطلب", "Reference number"),
    "submitted_on": ("تاريخ التقديم", "Submitted on"),
    "status": ("حالة الطلب", "Status"),
    "download_summary": ("تحميل ملخص الطلب (PDF)", "Download the request summary (PDF)"),
    "error": ("خطأ", "Error"),
    "there_is_a_problem": ("يوجد خطأ في البيانات المدخلة", "There is a problem"),
    "service": ("الخدمة", "Service"),
}
