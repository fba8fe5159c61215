"""The user's language and the interface's own words (service text comes from the YAML).

Arabic is the default. The choice is kept in a cookie; `?lang=en` on any page switches it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

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
    "inquiry_link": ("الاستعلام عن معاملة", "Track a request"),
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
    "wizard.update": ("تحديث الخيارات", "Update the choices"),
    "footer_note": ("جميع الحقوق محفوظة", "All rights reserved"),
    "dev_mode": (
        "وضع التطوير: هذه بيئة تجريبية وليست خدمة حقيقية.",
        "Development mode: this is a test environment, not a real service.",
    ),
}

# --- my account, transaction inquiry, summary, dev outbox ----------------------------------
# (web/account.py, web/inquiry.py, web/devtools.py, templates summary/_summary.html)
WORDS.update({
    "account.title": ("حسابي", "My account"),
    "account.breadcrumb": ("مسار التنقل", "Breadcrumb"),
    "account.requests": ("طلباتي", "My requests"),
    "account.no_requests": ("لا توجد لديك طلبات بعد.", "You have no requests yet."),
    "account.browse_services": ("تصفح الخدمات", "Browse the services"),
    "account.reference": ("رقم الطلب", "Reference number"),
    "account.submitted_on": ("تاريخ التقديم", "Submitted on"),
    "account.status": ("حالة الطلب", "Status"),
    "account.has_message": ("لديك رسالة", "You have a message"),
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
    "account.download_summary": ("تحميل ملخص الطلب (PDF)", "Download the request summary (PDF)"),
    "account.messages": ("الرسائل", "Messages"),
    "account.new_message": ("رسالة جديدة", "New message"),
    "account.from_agency": ("من الجهة", "From the agency"),
    "account.from_citizen": ("منك", "From you"),
    "account.answers": ("بيانات الطلب", "Your answers"),
    "account.answers_unavailable": (
        "تعذر عرض بيانات الطلب حاليًا.", "Your answers cannot be shown at the moment."
    ),
    "account.attachments": ("تحميل المرفقات", "Download the attachments"),
    "account.history": ("سجل حالة الطلب", "Status history"),
    "account.error": ("خطأ", "Error"),
    "account.there_is_a_problem": ("يوجد خطأ في البيانات المدخلة", "There is a problem"),
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
        "اختر تقييمًا من نجمة واحدة إلى 5 نجوم.", "Choose a rating from 1 to 5 stars."
    ),
    "rating.error.comment": (
        "يجب ألا تزيد الملاحظات على {max} حرف.", "Comments must be {max} characters or fewer."
    ),
    "rating.thanks": ("شكرًا لك، تم استلام تقييمك.", "Thank you: your rating has been received."),
    "rating.already": (
        "سبق أن قيّمت الخدمة لهذا الطلب؛ يُقبل تقييم واحد لكل طلب.",
        "You have already rated the service for this request: one rating per request.",
    ),
    "rating.yours": ("تقييمك: {stars} من 5", "Your rating: {stars} out of 5"),
    "summary.change": ("تغيير", "Change"),
    "summary.file_name": ("اسم الملف", "File name"),
    "summary.file_size": ("الحجم", "Size"),
    "summary.sha256": ("بصمة SHA-256", "SHA-256 fingerprint"),
    "summary.declarations": ("الإقرارات", "Declarations"),
    "summary.accepted_at": ("تم الإقرار في", "Accepted on"),
    "summary.accepted": ("تم الإقرار", "Accepted"),
    "summary.not_accepted": ("لم يتم الإقرار بعد", "Not accepted yet"),
    "inquiry.title": ("الاستعلام عن معاملة", "Transaction inquiry"),
    "inquiry.intro": (
        "أدخل رقم الطلب وسنته الهجرية لمعرفة حالته. لا تظهر أي بيانات شخصية.",
        "Enter a request's number and Hijri year to see its status. No personal data is shown.",
    ),
    "inquiry.service": ("الخدمة", "Service"),
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
        "There is no request with this number in this year for this service. "
        "Check the number, the year and the service.",
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
    "devtools.outbox": ("صندوق الرسائل الصادرة (تطوير)", "Outbox (development)"),
    "devtools.outbox_intro": (
        "الرسائل النصية ورسائل البريد التي أرسلتها المنصة، الأحدث أولًا (آخر {shown}).",
        "Text messages and e-mails the platform has sent, newest first (last {shown}).",
    ),
    "devtools.channel_sms": ("رسالة نصية", "SMS"),
    "devtools.channel_email": ("بريد إلكتروني", "E-mail"),
    "devtools.subject": ("الموضوع", "Subject"),
    "devtools.event": ("الحدث", "Event"),
    "devtools.created": ("أنشئت", "Created"),
    "devtools.sent": ("أرسلت", "Sent"),
    "devtools.pending": ("بانتظار الإرسال", "Waiting to be sent"),
    "devtools.given_up": ("تعذر الإرسال", "Given up"),
    "devtools.empty": ("لا توجد رسائل بعد.", "No messages yet."),
})
# --- end of my account, inquiry, summary, dev outbox ---------------------------------------

# --- identity: accounts, sign-in, password reset, national SSO (web/auth.py) ---------------
WORDS.update({
    "auth.sign_in": ("تسجيل الدخول", "Sign in"),
    "auth.sign_in_intro": (
        "سجّل الدخول برقم الهوية أو اسم المستخدم وكلمة المرور، أو عبر النفاذ الوطني الموحد.",
        "Sign in with your ID number or username and your password, or through the national "
        "single sign-on.",
    ),
    "auth.sign_out": ("تسجيل الخروج", "Sign out"),
    "auth.sign_up": ("إنشاء حساب جديد", "Create an account"),
    "auth.my_details": ("بياناتي", "My details"),
    "auth.account_menu": ("الحساب", "Account"),
    "auth.signed_in_as": ("مسجل الدخول: {name}", "Signed in: {name}"),
    "auth.sso_button": (
        "الدخول عبر النفاذ الوطني الموحد",
        "Sign in with the national single sign-on",
    ),
    "auth.or": ("أو", "or"),
    "auth.with_password": ("الدخول بكلمة المرور", "Sign in with a password"),
    "auth.identifier": ("رقم الهوية أو اسم المستخدم", "ID number or username"),
    "auth.identifier_hint": (
        "رقم الهوية الوطنية أو الإقامة (10 أرقام)، أو اسم المستخدم",
        "Your national ID or iqama number (10 digits), or your username",
    ),
    "auth.password": ("كلمة المرور", "Password"),
    "auth.forgot_password": ("نسيت كلمة المرور؟", "Forgotten your password?"),
    "auth.no_account": ("ليس لديك حساب؟", "No account yet?"),
    "auth.there_is_a_problem": ("يوجد خطأ في البيانات المدخلة", "There is a problem"),
    "auth.error": ("خطأ", "Error"),
    "auth.continue": ("التالي", "Continue"),
    "auth.steps": ("مراحل إنشاء الحساب", "Steps to create an account"),
    "auth.reset_steps": ("مراحل إعادة تعيين كلمة المرور", "Steps to reset your password"),
    "auth.step_of": ("الخطوة {n} من {total}", "Step {n} of {total}"),
    "auth.step_done": ("مكتملة", "completed"),
    "auth.step.identity": ("الهوية والجوال", "ID and mobile"),
    "auth.step.code": ("رمز التحقق", "Verification code"),
    "auth.step.details": ("بيانات الحساب", "Account details"),
    "auth.step.account": ("بيانات الحساب", "Your account"),
    "auth.step.password": ("كلمة المرور الجديدة", "New password"),
    "auth.sign_up_intro": (
        "أدخل رقم الهوية ورقم جوالك، وسنرسل إليه رمز تحقق برسالة نصية.",
        "Enter your ID number and your mobile number; we will text a verification code to it.",
    ),
    "auth.national_id": ("رقم الهوية الوطنية / الإقامة", "National ID / Iqama number"),
    "auth.national_id_hint": (
        "10 أرقام تبدأ بالرقم 1 للمواطن أو 2 للمقيم",
        "10 digits, starting with 1 (citizen) or 2 (resident)",
    ),
    "auth.mobile": ("رقم الجوال", "Mobile number"),
    "auth.mobile_hint": (
        "رقم جوال سعودي، مثل 0512345678",
        "A Saudi mobile number, for example 0512345678",
    ),
    "auth.send_code": ("إرسال رمز التحقق", "Send the verification code"),
    "auth.code": ("رمز التحقق", "Verification code"),
    "auth.code_hint": ("الرمز المكون من 6 أرقام", "The 6-digit code"),
    "auth.code_sent": (
        "أرسلنا رمز التحقق برسالة نصية إلى الجوال {mobile}. الرمز صالح لمدة {minutes} دقائق.",
        "We have texted a verification code to {mobile}. It is valid for {minutes} minutes.",
    ),
    "auth.code_not_received": ("لم يصلك الرمز؟", "Did not get the code?"),
    "auth.resend_code": ("إرسال رمز جديد", "Send a new code"),
    "auth.code_resent": ("أرسلنا رمزًا جديدًا، والرمز السابق لم يعد صالحًا.",
                         "We have sent a new code; the earlier one no longer works."),
    "auth.verify": ("تحقق", "Verify"),
    "auth.name_ar": ("الاسم الرباعي باللغة العربية", "Four-part name in Arabic"),
    "auth.first_name_ar": ("الاسم الأول", "First name"),
    "auth.father_name_ar": ("اسم الأب", "Father's name"),
    "auth.grandfather_name_ar": ("اسم الجد", "Grandfather's name"),
    "auth.family_name_ar": ("اسم العائلة", "Family name"),
    "auth.name_en": ("الاسم باللغة الإنجليزية", "Full name in English"),
    "auth.name_en_hint": ("كما في جواز السفر أو الهوية", "As on your passport or ID card"),
    "auth.email": ("البريد الإلكتروني", "Email address"),
    "auth.username": ("اسم المستخدم", "Username"),
    "auth.username_hint": (
        "من 3 إلى 32 حرفًا: حروف إنجليزية صغيرة وأرقام و . _ - ويبدأ بحرف",
        "3 to 32 characters: lower-case English letters, digits and . _ -, starting with a letter",
    ),
    "auth.new_password": ("كلمة المرور", "Password"),
    "auth.password_hint": (
        "8 أحرف على الأقل، تتضمن حرفًا ورقمًا، ولا تتضمن اسم المستخدم أو رقم الهوية",
        "At least 8 characters, with a letter and a digit, not containing your username or ID",
    ),
    "auth.password2": ("تأكيد كلمة المرور", "Confirm the password"),
    "auth.create_account": ("إنشاء الحساب", "Create the account"),
    "auth.account_created": (
        "تم إنشاء حسابك وتسجيل دخولك.",
        "Your account is ready and you are signed in.",
    ),
    "auth.details_intro": (
        "تم التحقق من رقم الجوال. أكمل بيانات حسابك.",
        "Your mobile number is verified. Complete your account details.",
    ),
    "auth.verified_as": (
        "رقم الهوية {national_id} · الجوال {mobile}",
        "ID {national_id} · mobile {mobile}",
    ),
    "auth.flow_restart": (
        "انتهت مهلة الخطوات السابقة أو لم تبدأ بعد؛ ابدأ من جديد.",
        "The earlier steps timed out or were not done; please start again.",
    ),
    "auth.reset.title": ("إعادة تعيين كلمة المرور", "Reset your password"),
    "auth.reset.intro": (
        "أدخل اسم المستخدم ورقم الهوية، وسنرسل رمز تحقق إلى جوالك المسجل في الحساب.",
        "Enter your username and ID number; we will text a code to the mobile on your account.",
    ),
    "auth.new_password2": ("تأكيد كلمة المرور الجديدة", "Confirm the new password"),
    "auth.new_password_intro": ("اختر كلمة مرور جديدة وأدخلها مرتين.",
                                "Choose a new password and enter it twice."),
    "auth.reset_button": ("إعادة تعيين", "Reset"),
    "auth.reset_done": (
        "تم تغيير كلمة المرور. سجّل الدخول بكلمة المرور الجديدة.",
        "Your password has been changed. Sign in with your new password.",
    ),
    "auth.session_expired.title": ("انتهت الجلسة", "Your session has expired"),
    "auth.session_expired.body": (
        "لحماية بياناتك، أنهينا جلستك بعد {minutes} دقيقة دون نشاط.",
        "To protect your data, we signed you out after {minutes} minutes without activity.",
    ),
    "auth.session_expired.draft": (
        "طلباتك غير المكتملة محفوظة: سجّل الدخول مرة أخرى لتكمل من حيث توقفت.",
        "Your unfinished requests are saved: sign in again to carry on where you left off.",
    ),
    "auth.sign_in_again": ("تسجيل الدخول مرة أخرى", "Sign in again"),
    "auth.signed_out.title": ("تم تسجيل الخروج", "You have signed out"),
    "auth.signed_out.body": (
        "أنهيت جلستك بأمان. طلباتك ومسوداتك محفوظة في حسابك.",
        "Your session has ended safely. Your requests and drafts are kept in your account.",
    ),
    "auth.profile.title": ("بياناتي الشخصية", "My personal details"),
    "auth.profile.intro": (
        "تُعبأ هذه البيانات تلقائيًا في نماذج الخدمات التي تطلبها.",
        "These details are filled in for you in the services' forms that ask for them.",
    ),
    "auth.profile.source_sso": (
        "موثقة عبر النفاذ الوطني الموحد",
        "Verified by the national single sign-on",
    ),
    "auth.profile.source_local": ("مسجلة عند إنشاء الحساب", "Given when the account was created"),
    "auth.date_of_birth": ("تاريخ الميلاد", "Date of birth"),
    "auth.nationality": ("الجنسية", "Nationality"),
    "auth.gender": ("الجنس", "Gender"),
    "auth.gender.male": ("ذكر", "Male"),
    "auth.gender.female": ("أنثى", "Female"),
    "auth.role": ("نوع الحساب", "Account type"),
    "auth.role.citizen": ("مستفيد", "Citizen or resident"),
    "auth.role.staff": ("موظف", "Agency staff"),
    "auth.role.auditor": ("مدقق", "Auditor"),
    "auth.role.admin": ("مدير النظام", "Administrator"),
    "auth.not_given": ("غير متوفر", "Not given"),
    "auth.sso_failed.title": ("تعذر تسجيل الدخول عبر النفاذ الوطني", "We could not sign you in"),
    "auth.sso_failed.body": (
        "لم نتمكن من إكمال الدخول عبر النفاذ الوطني الموحد. حاول "
        "مرة أخرى، أو سجّل الدخول بكلمة المرور.",
        "The national single sign-on did not complete. Try again, or sign in with your password.",
    ),
    "auth.try_again": ("حاول مرة أخرى", "Try again"),
    "auth.dev_sso.title": ("النفاذ الوطني — بديل التطوير", "National SSO — development stand-in"),
    "auth.dev_sso.intro": (
        "صفحة تجريبية تعمل في وضع التطوير فقط: اختر شخصية اختبار لتسجيل الدخول بها دون كلمة مرور. "
        "أرقام الهوية صحيحة الصيغة لكنها وهمية.",
        "A test page that works in development mode only: choose a test persona to sign in as, "
        "without a password. The ID numbers pass the checksum but belong to no one.",
    ),
    "auth.dev_sso.choose": ("الدخول بهذه الشخصية", "Sign in as this persona"),
    "auth.agency": ("الجهة", "Agency"),
    "auth.error.required": ("هذا الحقل مطلوب", "This field is required"),
    "auth.error.code_format": ("أدخل رمز التحقق المكون من 6 أرقام", "Enter the 6-digit code"),
    "auth.error.code.wrong": (
        "رمز التحقق غير صحيح. تحقق من الرسالة وأعد المحاولة.",
        "That code is not right. Check the text message and try again.",
    ),
    "auth.error.code.expired": (
        "انتهت صلاحية رمز التحقق. اطلب رمزًا جديدًا.",
        "That code has expired. Ask for a new code.",
    ),
    "auth.error.code.used": (
        "سبق استخدام رمز التحقق هذا. اطلب رمزًا جديدًا.",
        "That code has already been used. Ask for a new code.",
    ),
    "auth.error.code.too_many": (
        "أدخلت رمزًا خاطئًا مرات كثيرة. اطلب رمزًا جديدًا.",
        "Too many wrong codes were entered. Ask for a new code.",
    ),
    "auth.error.code.missing": (
        "لا يوجد رمز تحقق صالح. اطلب رمزًا جديدًا.",
        "There is no code to check. Ask for a new code.",
    ),
    "auth.error.wrong_password": (
        "رقم الهوية أو اسم المستخدم أو كلمة المرور غير صحيح. "
        "بعد {count} محاولات خاطئة متتالية يُوقف الدخول إلى الحساب مؤقتًا.",
        "The ID number or username, or the password, is not right. "
        "After {count} wrong passwords in a row the account is locked for a while.",
    ),
    "auth.error.locked": (
        "أوقفنا الدخول إلى هذا الحساب مؤقتًا بعد {count} محاولات خاطئة. "
        "حاول مرة أخرى بعد الساعة {time} بتوقيت السعودية (بعد {minutes} دقيقة تقريبًا)، "
        "أو أعد تعيين كلمة المرور.",
        "We have locked this account for now after {count} wrong passwords. "
        "Try again after {time} Saudi time (in about {minutes} minutes), or reset your password.",
    ),
    "auth.error.too_many": (
        "محاولات كثيرة. حاول مرة أخرى بعد الساعة {time} بتوقيت "
        "السعودية (بعد {minutes} دقيقة تقريبًا).",
        "Too many attempts. Try again after {time} Saudi time (in about {minutes} minutes).",
    ),
    "auth.error.account.national_id_taken": (
        "يوجد حساب مسجل برقم الهوية هذا. سجّل الدخول أو أعد تعيين كلمة المرور.",
        "There is already an account with this ID number. Sign in, or reset your password.",
    ),
    "auth.error.account.username_taken": (
        "اسم المستخدم هذا مستخدم من قبل. اختر اسمًا آخر.",
        "That username is taken. Choose another one.",
    ),
    "auth.error.username_invalid": (
        "اسم المستخدم من 3 إلى 32 حرفًا: حروف إنجليزية وأرقام و . _ - ويبدأ بحرف",
        "A username is 3 to 32 English letters, digits and . _ -, starting with a letter",
    ),
    "auth.error.name_ar_arabic": (
        "اكتب الاسم بالحروف العربية",
        "Write this name in Arabic letters",
    ),
    "auth.error.name_en_latin": (
        "اكتب الاسم بالحروف الإنجليزية",
        "Write the name in English letters",
    ),
    "auth.error.password.too_short": (
        "يجب ألا تقل كلمة المرور عن 8 أحرف", "The password must be at least 8 characters"
    ),
    "auth.error.password.too_long": (
        "يجب ألا تزيد كلمة المرور على 128 حرفًا", "The password must be 128 characters or fewer"
    ),
    "auth.error.password.too_simple": (
        "يجب أن تتضمن كلمة المرور حرفًا ورقمًا على الأقل",
        "The password must contain at least one letter and one digit",
    ),
    "auth.error.password.personal": (
        "يجب ألا تتضمن كلمة المرور اسم المستخدم أو رقم الهوية",
        "The password must not contain your username or ID number",
    ),
    "auth.error.password_mismatch": (
        "كلمتا المرور غير متطابقتين", "The two passwords are not the same"
    ),
    "auth.error.no_such_account": (
        "لا يوجد حساب بهذا الاسم ورقم الهوية معًا. تحقق منهما.",
        "No account has this username and ID number together. Check them.",
    ),
    "auth.sms.signup": (
        "رمز التحقق لإنشاء حسابك في منصة خدمة: {code}. صالح "
        "لمدة {minutes} دقائق. لا تشاركه مع أحد.",
        "Khidma: your code to create an account is {code}. Valid for {minutes} minutes. "
        "Do not share it.",
    ),
    "auth.sms.reset": (
        "رمز إعادة تعيين كلمة المرور في منصة خدمة: {code}. صالح "
        "لمدة {minutes} دقائق. لا تشاركه مع أحد.",
        "Khidma: your password reset code is {code}. Valid for {minutes} minutes. "
        "Do not share it.",
    ),
    "auth.sms.login": (
        "رمز الدخول إلى منصة خدمة: {code}. صالح لمدة {minutes} دقائق. لا تشاركه مع أحد.",
        "Khidma: your sign-in code is {code}. Valid for {minutes} minutes. Do not share it.",
    ),
})
# --- end of identity --------------------------------------------------------------------------


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

    def lang_url(target: str) -> str:
        """This page in `target` language: the same path and query, `lang` replaced."""
        args = request.args.to_dict(flat=False)
        args["lang"] = [target]
        return request.path + "?" + urlencode(args, doseq=True)

    @app.context_processor
    def language_context() -> dict[str, Any]:
        lang = current_lang()
        return {
            "lang": lang,
            "dir": "rtl" if lang == "ar" else "ltr",
            "other_lang": "en" if lang == "ar" else "ar",
            "t": t,
            "tr": tr,
            "lang_url": lang_url,
        }

    app.jinja_env.filters["tr"] = tr
    app.jinja_env.globals["Markup"] = Markup
