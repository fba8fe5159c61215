"""HTTP error pages (web/errors.py)."""

from __future__ import annotations

# key: (Arabic, English)
WORDS: dict[str, tuple[str, str]] = {
    "error.title": ("حدث خطأ", "Something went wrong"),
    "error.404": ("الصفحة غير موجودة", "Page not found"),
    "error.404.body": (
        "لم نجد الصفحة المطلوبة. تحقق من الرابط أو عد إلى الصفحة الرئيسية.",
        "We could not find that page. Check the address or go back to the home page.",
    ),
    "error.403": ("غير مصرح لك", "You cannot open this page"),
    "error.403.body": (
        "ليست لديك صلاحية للوصول إلى هذه الصفحة.",
        "Your account does not have access to this page.",
    ),
    "error.400": ("تعذر قبول الطلب", "We could not accept that request"),
    "error.400.body": (
        "انتهت صلاحية النموذج أو أنه غير مكتمل. حدّث الصفحة وحاول مرة أخرى.",
        "The form expired or was incomplete. Reload the page and try again.",
    ),
    "error.413": ("الملف كبير جدًا", "The file is too large"),
    "error.413.body": (
        "حجم ما أرسلته أكبر من المسموح. اختر ملفًا أصغر.",
        "What you sent is larger than allowed. Choose a smaller file.",
    ),
    "error.429": ("محاولات كثيرة", "Too many attempts"),
    "error.429.body": (
        "تجاوزت عدد المحاولات المسموح. حاول مرة أخرى بعد قليل.",
        "You have made too many attempts. Try again in a little while.",
    ),
    "error.500": ("حدث خطأ غير متوقع", "Something went wrong on our side"),
    "error.500.body": (
        "نعتذر، حدث خطأ أثناء معالجة طلبك. لم يُفقد ما أدخلته؛ حاول مرة أخرى بعد قليل.",
        "Sorry, we could not complete your request. Nothing you entered was lost; try again "
        "shortly.",
    ),
}
