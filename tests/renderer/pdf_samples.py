"""Request summaries (the engine's render tree) and a service guide, in Arabic and English."""

from __future__ import annotations

from khidma.engine.summary import DeclarationLine
from khidma.engine.summary import FileLine
from khidma.engine.summary import Files
from khidma.engine.summary import Row
from khidma.engine.summary import Section
from khidma.engine.summary import Summary
from khidma.engine.summary import Table

SHA_A = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
SHA_B = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"


LONG_ARABIC = (
    "أرغب في تجديد الترخيص المهني لممارسة مهنة التمريض في المستشفيات الحكومية والخاصة "
    "داخل المملكة العربية السعودية، وقد أكملت ساعات التعليم الطبي المستمر المطلوبة "
    "خلال السنوات الثلاث الماضية."
)


def arabic_summary(*, extra_rows: tuple[Row, ...] = ()) -> Summary:
    return Summary(
        lang="ar",
        service_title="إصدار رخصة ممارس صحي",
        agency_name="وزارة الصحة",
        sections=(
            Section(
                "applicant",
                "بيانات مقدم الطلب",
                (
                    Row("full_name", "الاسم الكامل", "عبدالله بن محمد السلامة"),
                    Row("national_id", "رقم الهوية الوطنية", "1023456789"),
                    Row("mobile", "رقم الجوال", "+966501234567"),
                    Row("city", "المدينة", "الرياض، حي الملقا"),
                    Row("birth_date", "تاريخ الميلاد", "١٤١٠/٠٣/١٥ هـ"),
                    Row("employer", "جهة العمل", "مستشفى «الشفاء» التخصصي"),
                    Row("notes", "ملاحظات", "لا يوجد"),
                    Row("address", "العنوان الوطني", "الرياض\nحي النرجس، شارع 15"),
                    Row("reason", "سبب الطلب", LONG_ARABIC),
                    Row("email", "البريد الإلكتروني", "user@example.com"),
                    Row("company", "اسم المنشأة", "شركة ABC للتجارة"),
                    *extra_rows,
                ),
            ),
            Section(
                "experience",
                "الخبرات العملية",
                (
                    Table(
                        "jobs",
                        "الوظائف السابقة",
                        ("جهة العمل", "المسمى الوظيفي", "عدد السنوات"),
                        (
                            ("مستشفى الملك فهد", "أخصائي تمريض", "٣"),
                            ("مجمع الدمام الطبي", "مشرف تمريض", "5"),
                        ),
                    ),
                ),
            ),
            Section(
                "documents",
                "المرفقات",
                (
                    Files(
                        "certificates",
                        "الشهادات العلمية",
                        (
                            FileLine("شهادة البكالوريوس.pdf", "١٫٢ م.ب", SHA_A, "PDF"),
                            FileLine("transcript.png", "840 ك.ب", SHA_B, "PNG"),
                        ),
                    ),
                ),
            ),
        ),
        declarations=(
            DeclarationLine(
                "truth",
                "أقر بأن جميع البيانات المدخلة صحيحة وأتحمل مسؤولية أي خطأ فيها",
                True,
                "2025-11-23T07:15:00+00:00",
            ),
            DeclarationLine(
                "privacy",
                "أوافق على سياسة الخصوصية وشروط الاستخدام",
                True,
                "2025-11-23T07:16:00+00:00",
            ),
        ),
    )


def english_summary() -> Summary:
    return Summary(
        lang="en",
        service_title="Health practitioner licence",
        agency_name="Ministry of Health",
        sections=(
            Section(
                "applicant",
                "Applicant",
                (
                    Row("full_name", "Full name", "Abdullah Mohammed Al-Salamah"),
                    Row("national_id", "National ID", "1023456789"),
                    Row("city", "City", "Riyadh"),
                ),
            ),
            Section(
                "experience",
                "Experience",
                (
                    Table(
                        "jobs",
                        "Previous jobs",
                        ("Employer", "Job title", "Years"),
                        (("King Fahd Hospital", "Nurse", "3"),),
                    ),
                ),
            ),
            Section(
                "documents",
                "Documents",
                (
                    Files(
                        "certificates",
                        "Certificates",
                        (FileLine("degree.pdf", "1.2 MB", SHA_A, "PDF"),),
                    ),
                ),
            ),
        ),
        declarations=(
            DeclarationLine(
                "truth", "I confirm that the information is correct.", True, "2025-11-23T07:15:00Z"
            ),
        ),
    )


# Dates as the web layer formats them (khidma.engine.dates.format_date), given both as
# one string and as a (Hijri, Gregorian) pair.
ARABIC_CONTEXT = {
    "lang": "ar",
    "reference": "125/1447",
    "status_label": "قيد المراجعة",
    "submitted_at": "2 جمادى الآخرة 1447 هـ (2025/11/23)",
    "generated_at": ("3 جمادى الآخرة 1447 هـ", "2025/11/24"),
}

ENGLISH_CONTEXT = {
    "lang": "en",
    "reference": "125/1447",
    "status_label": "Under review",
    "submitted_at": "2 Jumada al-Akhirah 1447 AH (23 November 2025)",
    "generated_at": ("3 Jumada al-Akhirah 1447 AH", "24 November 2025"),
}


# A service card as plain data (what the web layer may pass instead of a definition).
GUIDE = {
    "agency_name": {"ar": "وزارة الشؤون البلدية والقروية", "en": "Ministry of Municipalities"},
    "title": {"ar": "إصدار رخصة بلدية", "en": "Issue a municipal licence"},
    "summary": {"ar": "إصدار رخصة بلدية للمحلات التجارية", "en": "A licence for a shop"},
    "description": {
        "ar": "تتيح هذه الخدمة إصدار رخصة بلدية جديدة.\nتصدر الرخصة إلكترونياً.",
        "en": "This service issues a new municipal licence.\nThe licence is issued online.",
    },
    "terms": [
        {"ar": "أن يكون السجل التجاري ساري المفعول", "en": "A valid commercial register"},
        {"ar": "سداد المخالفات السابقة", "en": "Earlier fines are paid"},
    ],
    "required_documents": [
        {"ar": "صورة السجل التجاري", "en": "Copy of the commercial register"},
        {"ar": "عقد الإيجار", "en": "Lease contract"},
    ],
    "fees": {"kind": "fixed", "amount": 300, "currency": "SAR", "note": None},
    "duration": {"ar": "ثلاثة أيام عمل", "en": "Three working days"},
    "channels": [
        ({"ar": "منصة بلدي", "en": "Balady platform"}, {"ar": "على الإنترنت", "en": "Online"}),
        {"ar": "تطبيق بلدي", "en": "Balady app"},
    ],
    "steps": [
        {
            "title": {"ar": "بيانات المنشأة", "en": "Establishment"},
            "fields": [
                {"label": {"ar": "اسم المنشأة", "en": "Establishment name"}},
                {"label": {"ar": "رقم السجل التجاري", "en": "Commercial register number"}},
                {"label": {"ar": "معرف داخلي", "en": "Internal id"}, "type": "hidden"},
                {
                    "label": {"ar": "الفروع", "en": "Branches"},
                    "fields": [{"label": {"ar": "مدينة الفرع", "en": "Branch city"}}],
                },
            ],
        },
        {"title": {"ar": "المرفقات", "en": "Attachments"}, "fields": ["صورة الهوية"]},
    ],
}
