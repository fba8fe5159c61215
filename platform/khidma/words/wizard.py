"""The wizard's steps, review and confirmation (web/wizard.py, templates/wizard/)."""

from __future__ import annotations

# key: (Arabic, English)
WORDS: dict[str, tuple[str, str]] = {
    "wizard.progress": ("مراحل الطلب", "Steps of the request"),
    "wizard.completed": ("مكتملة", "completed"),
    "wizard.there_is_a_problem": ("يوجد خطأ في البيانات المدخلة", "There is a problem"),
    "wizard.error": ("خطأ", "Error"),
    "wizard.optional": ("اختياري", "optional"),
    "wizard.no_options": (
        "لا توجد خيارات متاحة لما اخترته.",
        "No options are available for your choices.",
    ),
    "wizard.remove": ("حذف", "Remove"),
    "wizard.add": ("إضافة", "Add"),
    "wizard.remove_file": ("حذف الملف", "Remove file"),
    "wizard.file_limits": (
        "الأنواع المسموحة: {kinds}. الحد الأقصى للحجم: {size} ميجابايت.",
        "Allowed types: {kinds}. Maximum size: {size} MB.",
    ),
    "wizard.continue": ("التالي", "Continue"),
    "wizard.back": ("السابق", "Back"),
    "wizard.save_later": ("حفظ وإكمال لاحقًا", "Save and come back later"),
    "wizard.save_review": ("حفظ والعودة إلى المراجعة", "Save and return to the review"),
    "wizard.cancel": ("إلغاء", "Cancel"),
    "wizard.incomplete": ("لم تكتمل المراحل التالية بعد:", "These steps are not complete yet:"),
    "wizard.declarations": ("الإقرار", "Declaration"),
    "wizard.submit": ("إرسال الطلب", "Submit the request"),
    "wizard.submitted_title": ("تم إرسال طلبك بنجاح", "Your request has been submitted"),
    "wizard.your_reference": ("رقم الطلب", "Your reference number"),
    "wizard.service": ("الخدمة", "Service"),
    "wizard.status": ("حالة الطلب", "Status"),
    "wizard.submitted_on": ("تاريخ التقديم", "Submitted on"),
    "wizard.view_request": ("عرض الطلب", "View the request"),
    "wizard.download_summary": ("تحميل ملخص الطلب", "Download the request summary"),
    "wizard.my_requests": ("طلباتي", "My requests"),
    # the portal's last button ends the journey (its spelling, as the guide shows it)
    "wizard.finish": ("انهاء", "Finish"),
    "wizard.update": ("تحديث الخيارات", "Update the choices"),
}
