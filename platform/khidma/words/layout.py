"""The page around every view: header, footer, skip link, language switch."""

from __future__ import annotations

# key: (Arabic, English)
WORDS: dict[str, tuple[str, str]] = {
    "layout.platform": ("خدمة", "Khidma"),
    "layout.platform_tagline": (
        "منصة الخدمات الحكومية الإلكترونية",
        "Government e-services platform",
    ),
    "layout.skip_to_content": ("انتقل إلى المحتوى الرئيسي", "Skip to main content"),
    "layout.switch_language": ("English", "العربية"),
    "layout.switch_language_label": ("Switch to English", "التبديل إلى العربية"),
    "layout.services": ("الخدمات الإلكترونية", "E-services"),
    "layout.inquiry_link": ("الاستعلام عن معاملة", "Track a request"),
    "layout.footer_note": ("جميع الحقوق محفوظة", "All rights reserved"),
    "layout.dev_mode": (
        "وضع التطوير: هذه بيئة تجريبية وليست خدمة حقيقية.",
        "Development mode: this is a test environment, not a real service.",
    ),
}
