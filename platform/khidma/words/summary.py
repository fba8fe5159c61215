"""The summary of a request in every output: review, request page, PDF, e-mail."""

from __future__ import annotations

# key: (Arabic, English)
WORDS: dict[str, tuple[str, str]] = {
    "summary.change": ("تغيير", "Change"),
    "summary.file_name": ("اسم الملف", "File name"),
    "summary.file_size": ("الحجم", "Size"),
    "summary.sha256": ("بصمة SHA-256", "SHA-256 fingerprint"),
    "summary.declarations": ("الإقرارات", "Declarations"),
    "summary.accepted_at": ("تم الإقرار في", "Accepted on"),
    "summary.accepted": ("تم الإقرار", "Accepted"),
    "summary.not_accepted": ("لم يتم الإقرار", "Not accepted"),
    "summary.title": ("ملخص الطلب", "Request summary"),
    "summary.issued_at": ("تاريخ إصدار المستند", "Document issued"),
    "summary.file_kind": ("النوع", "Type"),
    "summary.no_items": ("لا توجد عناصر", "No items"),
    "summary.no_files": ("لا توجد مرفقات", "No attachments"),
}
