"""The catalog, the service card and the service guide PDF (which shows the card's facts)."""

from __future__ import annotations

# key: (Arabic, English)
WORDS: dict[str, tuple[str, str]] = {
    "card.search_services": ("ابحث عن خدمة", "Search for a service"),
    "card.search": ("بحث", "Search"),
    "card.no_services_found": ("لا توجد خدمات مطابقة لبحثك.", "No services match your search."),
    "card.results_for": ("نتائج البحث عن", "Results for"),
    "card.individuals": ("خدمات الأفراد", "Services for individuals"),
    "card.businesses": ("خدمات الأعمال", "Services for businesses"),
    "card.description": ("وصف الخدمة", "Service description"),
    "card.terms": ("الشروط والأحكام", "Terms and conditions"),
    "card.required_documents": ("المستندات المطلوبة", "Required documents"),
    "card.rating": ("تقييم الخدمة", "Service rating"),
    "card.no_ratings": ("لا توجد تقييمات بعد", "No ratings yet"),
    "card.rating_of": ("{avg} من 5 ({count} تقييم)", "{avg} out of 5 ({count} ratings)"),
    "card.beneficiaries": ("الفئة المستفيدة", "Beneficiaries"),
    "card.fees": ("رسوم الخدمة", "Service fees"),
    "card.no_fees": ("لا يوجد رسوم", "No fees"),
    "card.fee_amount": ("{amount} ريال", "SAR {amount}"),
    "card.fee_computed": ("تحسب حسب الطلب", "Calculated from your request"),
    "card.payable_on_submit": ("تدفع عند تقديم الطلب", "Paid when you submit"),
    "card.payable_after_approval": ("تدفع بعد الموافقة على الطلب", "Paid after approval"),
    "card.duration": ("مدة تنفيذ الخدمة", "Time to complete"),
    "card.channels": ("قنوات بديلة للحصول على الخدمة", "Other ways to get this service"),
    "card.start": ("ابدأ الخدمة", "Start the service"),
    "card.download_guide": ("تحميل دليل الخدمة", "Download the service guide"),
    "card.sign_in_required": (
        "تتطلب هذه الخدمة تسجيل الدخول",
        "You need to sign in to use this service",
    ),
    "card.beneficiary.citizens": ("المواطنون", "Citizens"),
    "card.beneficiary.residents": ("المقيمون", "Residents"),
    "card.beneficiary.visitors": ("الزوار", "Visitors"),
    "card.beneficiary.businesses": ("قطاع الأعمال", "Businesses"),
    "card.beneficiary.government": ("الجهات الحكومية", "Government bodies"),
    "card.guide": ("دليل الخدمة", "Service guide"),
    "card.steps": ("خطوات التقديم", "Steps"),
}
