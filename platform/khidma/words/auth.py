"""Identity: accounts, sign-in, password reset, national SSO (web/auth.py, identity/)."""

from __future__ import annotations

# key: (Arabic, English)
WORDS: dict[str, tuple[str, str]] = {
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
    "auth.code_resent": (
        "أرسلنا رمزًا جديدًا، والرمز السابق لم يعد صالحًا.",
        "We have sent a new code; the earlier one no longer works.",
    ),
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
    "auth.new_password_intro": (
        "اختر كلمة مرور جديدة وأدخلها مرتين.",
        "Choose a new password and enter it twice.",
    ),
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
        "لم نتمكن من إكمال الدخول عبر النفاذ الوطني الموحد. حاول مرة أخرى، أو سجّل الدخول بكلمة "
        "المرور.",
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
        "رقم الهوية أو اسم المستخدم أو كلمة المرور غير صحيح. بعد عدة محاولات خاطئة ستنتظر قليلًا "
        "قبل المحاولة مرة أخرى.",
        "The ID number or username, or the password, is not right. After several wrong "
        "passwords you will have to wait a little before trying again.",
    ),
    "auth.error.too_many": (
        "محاولات كثيرة. حاول مرة أخرى بعد الساعة {time} بتوقيت السعودية (بعد {minutes} دقيقة "
        "تقريبًا).",
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
        "يجب ألا تقل كلمة المرور عن 8 أحرف",
        "The password must be at least 8 characters",
    ),
    "auth.error.password.too_long": (
        "يجب ألا تزيد كلمة المرور على 128 حرفًا",
        "The password must be 128 characters or fewer",
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
        "كلمتا المرور غير متطابقتين",
        "The two passwords are not the same",
    ),
    "auth.sms.signup": (
        "رمز التحقق لإنشاء حسابك في منصة خدمة: {code}. صالح لمدة {minutes} دقائق. لا تشاركه مع "
        "أحد.",
        "Khidma: your code to create an account is {code}. Valid for {minutes} minutes. Do not "
        "share it.",
    ),
    "auth.sms.reset": (
        "رمز إعادة تعيين كلمة المرور في منصة خدمة: {code}. صالح لمدة {minutes} دقائق. لا تشاركه "
        "مع أحد.",
        "Khidma: your password reset code is {code}. Valid for {minutes} minutes. Do not share it.",
    ),
    "auth.sms.login": (
        "رمز الدخول إلى منصة خدمة: {code}. صالح لمدة {minutes} دقائق. لا تشاركه مع أحد.",
        "Khidma: your sign-in code is {code}. Valid for {minutes} minutes. Do not share it.",
    ),
}
