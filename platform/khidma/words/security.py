"""Words of the security checks: a service's sign-in methods, identity verification,
limits on drafts, uploads, submissions and messages."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    # --- a service's sign-in methods --------------------------------------------------
    "security.method.title": (
        "هذه الخدمة تتطلب طريقة دخول أخرى",
        "This service needs another way of signing in",
    ),
    "security.method.body": (
        "لا تقبل هذه الخدمة طريقة الدخول التي استخدمتها. سجّل الدخول بإحدى الطرق التالية لمتابعة "
        "طلبك: {methods}.",
        "This service does not accept the way you signed in. Sign in with one of these to go "
        "on with your request: {methods}.",
    ),
    "security.method.national_sso": ("النفاذ الوطني الموحد", "the national single sign-on"),
    "security.method.local_account": (
        "حساب المنصة بكلمة المرور",
        "a platform account and password",
    ),
    "security.draft_kept": (
        "ما أدخلته محفوظ في مسودتك، وستعود إليه بعد تسجيل الدخول.",
        "What you have entered is saved in your draft; you will come back to it after signing in.",
    ),
    "security.no_sso": (
        "الدخول عبر النفاذ الوطني الموحد غير متاح الآن. حاول لاحقًا.",
        "Signing in with the national single sign-on is not available now. Try again later.",
    ),
    # --- limits ---------------------------------------------------------------------------
    "security.submit.too_many": (
        "قدّمت طلبات كثيرة خلال وقت قصير. طلبك محفوظ كما هو؛ قدّمه بعد الساعة {time} بتوقيت "
        "السعودية (بعد {minutes} دقيقة تقريبًا).",
        "You have submitted many requests in a short time. Your request is saved as it is; "
        "submit it after {time} Saudi time (in about {minutes} minutes).",
    ),
    "security.draft.too_large": (
        "ما أدخلته في هذه الصفحة أطول من أن يُحفظ (يتسع الطلب لـ {kb} كيلوبايت). اختصر أطول "
        "الإجابات ثم أعد المحاولة؛ لم يُحفظ شيء من هذه الصفحة بعد.",
        "What you entered on this page is too long to save (a request holds up to {kb} KB). "
        "Shorten the longest answers and try again; nothing on this page has been saved yet.",
    ),
    "security.drafts.too_many": (
        "لديك {count} مسودة مفتوحة، وهو الحد الأقصى. أكمل إحداها أو احذفها لتبدأ طلبًا جديدًا.",
        "You have {count} open drafts, the most one may have. Finish or discard one to start "
        "a new request.",
    ),
    "security.sign_in.alert": (
        "منصة خدمة: أُدخلت كلمة مرور خاطئة {count} مرات متتالية لحسابك. إن لم تكن أنت، أعد تعيين "
        "كلمة المرور.",
        "Khidma: a wrong password was entered {count} times in a row for your account. If it "
        "was not you, reset your password.",
    ),
    "security.sign_in.alert_subject": (
        "محاولات دخول خاطئة إلى حسابك",
        "Wrong passwords entered for your account",
    ),
    "security.reset.code_sent": (
        "إن كان هناك حساب بهذا الاسم ورقم الهوية، فقد أرسلنا رمز تحقق إلى الجوال المسجل فيه. الرمز "
        "صالح لمدة {minutes} دقائق.",
        "If an account has this username and ID number, we have sent a code to the mobile "
        "number registered on it. The code is valid for {minutes} minutes.",
    ),
    # --- identity verification ---------------------------------------------------------
    "security.unverified.title": (
        "لم يتم التحقق من هويتك بعد",
        "Your identity is not verified yet",
    ),
    "security.unverified.body": (
        "قبل تقديم أي طلب نتحقق لدى خدمة التحقق الوطنية من أن رقم جوالك مسجل برقم الهوية في "
        "حسابك. يمكنك أيضًا الدخول عبر النفاذ الوطني الموحد.",
        "Before you apply we check with the national verification service that your mobile "
        "number is registered to the ID number of your account. You can also sign in with the "
        "national single sign-on.",
    ),
    "security.verify_button": ("تحقق من هويتي", "Verify my identity"),
    "security.verified": ("تم التحقق من هويتك.", "Your identity is verified."),
    "security.verify.mismatch": (
        "رقم الجوال في حسابك غير مسجل برقم الهوية هذا لدى خدمة التحقق الوطنية. سجّل الدخول عبر "
        "النفاذ الوطني الموحد لتقديم الطلبات.",
        "The national verification service says the mobile number of your account is not "
        "registered to this ID number. Sign in with the national single sign-on to apply.",
    ),
    "security.verify.unavailable": (
        "خدمة التحقق من الهوية غير متاحة الآن. حاول لاحقًا أو سجّل الدخول عبر النفاذ الوطني الموحد.",
        "The identity verification service is not available now. Try again later, or sign in "
        "with the national single sign-on.",
    ),
    "security.profile.unverified": (
        "غير موثقة: أدخلها صاحب الحساب ولم يتم التحقق منها بعد",
        "Not verified: typed when the account was opened, not checked yet",
    ),
}
