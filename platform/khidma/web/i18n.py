"""The user's language and the interface's own words (service text comes from the YAML).

Arabic is the default. The choice is kept in a cookie; `?lang=en` on any page switches it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request
from markupsafe import Markup

LANGS = ("ar", "en")
COOKIE = "khidma_lang"

# key: (Arabic, English)
WORDS: dict[str, tuple[str, str]] = {
    "platform": ("خدمة", "Khidma"),
    "platform_tagline": ("منصة الخدمات الحكومية الإلكترونية", "Government e-services platform"),
    "skip_to_content": ("انتقل إلى المحتوى الرئيسي", "Skip to main content"),
    "switch_language": ("English", "العربية"),
    "switch_language_label": ("Switch to English", "التبديل إلى العربية"),
    "home": ("الرئيسية", "Home"),
    "services": ("الخدمات الإلكترونية", "E-services"),
    "search_services": ("ابحث عن خدمة", "Search for a service"),
    "search": ("بحث", "Search"),
    "no_services_found": ("لا توجد خدمات مطابقة لبحثك.", "No services match your search."),
    "results_for": ("نتائج البحث عن", "Results for"),
    "individuals": ("خدمات الأفراد", "Services for individuals"),
    "businesses": ("خدمات الأعمال", "Services for businesses"),
    "service_description": ("وصف الخدمة", "Service description"),
    "terms": ("الشروط والأحكام", "Terms and conditions"),
    "required_documents": ("المستندات المطلوبة", "Required documents"),
    "service_rating": ("تقييم الخدمة", "Service rating"),
    "no_ratings": ("لا توجد تقييمات بعد", "No ratings yet"),
    "rating_of": ("{avg} من 5 ({count} تقييم)", "{avg} out of 5 ({count} ratings)"),
    "beneficiaries": ("الفئة المستفيدة", "Beneficiaries"),
    "fees": ("رسوم الخدمة", "Service fees"),
    "no_fees": ("لا يوجد رسوم", "No fees"),
    "fee_amount": ("{amount} ريال", "SAR {amount}"),
    "fee_computed": ("تحسب حسب الطلب", "Calculated from your request"),
    "payable_on_submit": ("تدفع عند تقديم الطلب", "Paid when you submit"),
    "payable_after_approval": ("تدفع بعد الموافقة على الطلب", "Paid after approval"),
    "duration": ("مدة تنفيذ الخدمة", "Time to complete"),
    "channels": ("قنوات بديلة للحصول على الخدمة", "Other ways to get this service"),
    "start_service": ("ابدأ الخدمة", "Start the service"),
    "download_guide": ("تحميل دليل الخدمة", "Download the service guide"),
    "sign_in_required": (
        "تتطلب هذه الخدمة تسجيل الدخول",
        "You need to sign in to use this service",
    ),
    "agency": ("الجهة", "Agency"),
    "beneficiary.citizens": ("المواطنون", "Citizens"),
    "beneficiary.residents": ("المقيمون", "Residents"),
    "beneficiary.visitors": ("الزوار", "Visitors"),
    "beneficiary.businesses": ("قطاع الأعمال", "Businesses"),
    "beneficiary.government": ("الجهات الحكومية", "Government bodies"),
    "payment.sadad": ("سداد", "SADAD"),
    "payment.card": ("البطاقة الائتمانية", "Credit card"),
    "payment.bank_account": ("الحساب البنكي", "Bank account"),
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
        "Sorry, we could not complete your request. Nothing you entered was lost; "
        "try again shortly.",
    ),
    "back_home": ("العودة إلى الرئيسية", "Back to the home page"),
    # -- the wizard --
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
    "wizard.change": ("تغيير", "Change"),
    "footer_note": ("جميع الحقوق محفوظة", "All rights reserved"),
    "dev_mode": (
        "وضع التطوير: هذه بيئة تجريبية وليست خدمة حقيقية.",
        "Development mode: this is a test environment, not a real service.",
    ),
}


def current_lang() -> str:
    lang = getattr(g, "lang", None)
    return lang if lang in LANGS else "ar"


def t(key: str, **params: Any) -> str:
    """The interface text `key` in the current language."""
    ar, en = WORDS[key]
    text = en if current_lang() == "en" else ar
    return text.format(**params) if params else text


def tr(text: Any) -> str:
    """A bilingual definition text (`Text`) in the current language ('' for None)."""
    return "" if text is None else str(text.get(current_lang()))


def init_app(app: Flask) -> None:
    @app.before_request
    def choose_language() -> None:
        asked = request.args.get("lang")
        g.lang = asked if asked in LANGS else request.cookies.get(COOKIE, "ar")
        if g.lang not in LANGS:
            g.lang = "ar"
        g.lang_changed = asked in LANGS

    @app.after_request
    def remember_language(response: Any) -> Any:
        if getattr(g, "lang_changed", False):
            response.set_cookie(
                COOKIE,
                g.lang,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                httponly=True,
                secure=not app.config.get("DEV"),
            )
        response.headers.setdefault("Content-Language", current_lang())
        return response

    @app.context_processor
    def language_context() -> dict[str, Any]:
        lang = current_lang()
        return {
            "lang": lang,
            "dir": "rtl" if lang == "ar" else "ltr",
            "other_lang": "en" if lang == "ar" else "ar",
            "t": t,
            "tr": tr,
        }

    app.jinja_env.filters["tr"] = tr
    app.jinja_env.globals["Markup"] = Markup
