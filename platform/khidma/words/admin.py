"""The administrator's pages: accounts, definitions, the outbox (web/admin.py)."""

from __future__ import annotations

# key: (Arabic, English)
WORDS: dict[str, tuple[str, str]] = {
    "admin.title": ("إدارة المنصة", "Platform administration"),
    "admin.accounts": ("حسابات الموظفين", "Officials' accounts"),
    "admin.role": ("الدور", "Role"),
    "admin.supervisor": ("مشرف (يعيد إسناد الطلبات)", "Supervisor (may reassign requests)"),
    "admin.state": ("حالة الحساب", "Account"),
    "admin.active": ("فعال", "Active"),
    "admin.inactive": ("موقوف", "Deactivated"),
    "admin.deactivate": ("إيقاف الحساب", "Deactivate"),
    "admin.activate": ("تفعيل الحساب", "Reactivate"),
    "admin.new_account": ("إنشاء حساب موظف", "Create an official's account"),
    "admin.first_password": ("كلمة المرور الأولى", "First password"),
    "admin.first_password_hint": (
        "8 أحرف على الأقل، منها حرف ورقم. سلّمها للموظف بطريقة آمنة.",
        "At least 8 characters with a letter and a digit. Hand it over safely.",
    ),
    "admin.agency_hint": ("لموظفي الجهات فقط.", "For agency staff only."),
    "admin.created": ("تم إنشاء الحساب {username}.", "The account {username} was created."),
    "admin.activated": ("تم تفعيل الحساب.", "The account was reactivated."),
    "admin.deactivated": ("تم إيقاف الحساب.", "The account was deactivated."),
    "admin.definitions": ("تعريفات الخدمات", "Service definitions"),
    "admin.version": ("الإصدار", "Version"),
    "admin.current": ("الحالي", "current"),
    "admin.drafts": ("المسودات", "Drafts"),
    "admin.reload": ("إعادة تحميل التعريفات", "Reload the definitions"),
    "admin.reload_hint": (
        "تُقرأ ملفات الخدمات من جديد دون إعادة تشغيل. إذا كان في أحدها خطأ تبقى النسخة السليمة "
        "الأخيرة في الخدمة.",
        "The service files are read again without a restart. If one is broken, the last good "
        "version stays in service.",
    ),
    "admin.reloaded": ("تمت إعادة تحميل {count} خدمة.", "{count} services were reloaded."),
    "admin.reload_failed": (
        "لم تُحمّل التعريفات الجديدة بسبب الأخطاء التالية، وبقيت النسخة السليمة الأخيرة في الخدمة.",
        "The new definitions were not loaded because of these problems; the last good version "
        "stays in service.",
    ),
    "admin.no_services": ("لا توجد ملفات خدمات.", "No service files were found."),
    "admin.outbox": ("الإشعارات الصادرة", "Outgoing notifications"),
    "admin.channel": ("القناة", "Channel"),
    "admin.queued": ("بانتظار الإرسال", "Queued"),
    "admin.retrying": ("قيد إعادة المحاولة", "Retrying"),
    "admin.sent": ("أُرسلت", "Sent"),
    "admin.sent_recently": ("أُرسلت خلال 24 ساعة", "Sent in 24 hours"),
    "admin.given_up": ("تعذر إرسالها", "Given up"),
    "admin.oldest_due": ("أقدم رسالة منتظرة", "Oldest waiting"),
    "admin.recipient": ("المستلم", "Recipient"),
    "admin.why": ("السبب", "Why"),
    "admin.retry": ("إعادة الإرسال", "Retry"),
    "admin.retried": ("أعيدت الرسالة إلى قائمة الإرسال.", "The message is queued again."),
    "admin.not_retried": (
        "لم تُعد الرسالة: لم تعد متعذرة الإرسال.",
        "Not queued again: the message is no longer given up.",
    ),
    "admin.none_given_up": ("لا توجد رسائل متعذرة الإرسال.", "No message was given up."),
    "admin.error.national_id": (
        "أدخل رقم هوية وطنية أو إقامة صحيحاً من 10 أرقام.",
        "Enter a valid 10-digit national ID or Iqama number.",
    ),
    "admin.error.name": ("اكتب الاسم بالعربية.", "Write the name in Arabic."),
    "admin.error.role": ("اختر الدور.", "Choose the role."),
    "admin.error.agency": ("اختر جهة الموظف.", "Choose the official's agency."),
    "admin.error.self": (
        "لا يمكنك إيقاف حسابك بنفسك.",
        "You cannot deactivate your own account.",
    ),
}
