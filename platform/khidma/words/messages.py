"""Notifications: the words an e-mail puts around the service's own text."""

from __future__ import annotations

# key: (Arabic, English)
WORDS: dict[str, tuple[str, str]] = {
    "messages.automatic": (
        "رسالة آلية من منصة خدمة؛ لا ترد عليها.",
        "An automatic message from Khidma: please do not reply to it.",
    ),
}
