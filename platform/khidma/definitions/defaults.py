"""What a definition gets when it leaves a part out."""

from __future__ import annotations

from typing import Any

# The workflow of a request when the service declares none: staff take it in, may ask the
# citizen for more, and decide.
DEFAULT_WORKFLOW: dict[str, Any] = {
    "initial": "submitted",
    "statuses": [
        {"id": "submitted", "label": {"ar": "مقدم", "en": "Submitted"}, "waiting_for": "staff"},
        {
            "id": "in_progress",
            "label": {"ar": "تحت الإجراء", "en": "In progress"},
            "waiting_for": "staff",
        },
        {
            "id": "needs_info",
            "label": {"ar": "بانتظار استكمال البيانات", "en": "Waiting for your reply"},
            "waiting_for": "citizen",
        },
        {"id": "approved", "label": {"ar": "مقبول", "en": "Approved"}, "final": True},
        {"id": "rejected", "label": {"ar": "مرفوض", "en": "Rejected"}, "final": True},
        {
            "id": "withdrawn",
            "label": {"ar": "ملغى بطلب المستفيد", "en": "Withdrawn"},
            "final": True,
        },
    ],
    "transitions": [
        {
            "from": "submitted",
            "to": "in_progress",
            "by": ["staff"],
            "label": {"ar": "بدء المعالجة", "en": "Start processing"},
        },
        {
            "from": ["submitted", "in_progress"],
            "to": "needs_info",
            "by": ["staff"],
            "label": {"ar": "طلب استكمال", "en": "Ask the applicant"},
            "note_required": True,
        },
        {
            "from": "needs_info",
            "to": "in_progress",
            "by": ["citizen"],
            "label": {"ar": "إرسال الرد", "en": "Send reply"},
        },
        {
            "from": ["submitted", "in_progress"],
            "to": "approved",
            "by": ["staff"],
            "label": {"ar": "قبول", "en": "Approve"},
        },
        {
            "from": ["submitted", "in_progress"],
            "to": "rejected",
            "by": ["staff"],
            "label": {"ar": "رفض", "en": "Reject"},
            "note_required": True,
        },
        {
            "from": ["submitted", "in_progress", "needs_info"],
            "to": "withdrawn",
            "by": ["citizen"],
            "label": {"ar": "إلغاء الطلب", "en": "Withdraw"},
        },
    ],
}

DEFAULT_INSTRUCTIONS_ACCEPT = {"ar": "موافق", "en": "I agree"}

# Names a notification body may use, as {name}.
PLACEHOLDERS = frozenset(
    {
        "reference",
        "service_title",
        "agency_name",
        "status",
        "applicant_name",
        "appointment_date",
        "appointment_time",
        "resource_name",
        "amount",
        "message",
        "link",
    }
)

# Names the confirmation page may use.
CONFIRMATION_PLACEHOLDERS = frozenset(
    {"reference", "status", "service_title", "agency_name", "applicant_name", "submitted_at"}
)

# Names every expression may read besides the fields.
BUILTIN_NAMES = frozenset({"today", "lang"})
