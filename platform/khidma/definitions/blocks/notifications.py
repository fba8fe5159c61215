"""`notifications`: the SMS and e-mails sent to the applicant on events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import ClassVar
from typing import Literal

from khidma.definitions import defaults
from khidma.definitions.blocks.base import JSON
from khidma.definitions.blocks.base import TEXT
from khidma.definitions.blocks.base import Block
from khidma.definitions.blocks.base import Compiling
from khidma.definitions.blocks.base import array
from khidma.definitions.blocks.base import check_placeholders
from khidma.definitions.blocks.base import listing
from khidma.definitions.blocks.base import obj
from khidma.definitions.blocks.workflow import Workflow
from khidma.definitions.common import Text
from khidma.definitions.yamlsource import Path

EVENTS = [
    "submitted",
    "status_changed",
    "message_from_staff",
    "documents_requested",
    "booking_confirmed",
    "booking_cancelled",
    "booking_reminder",
    "payment_due",
    "payment_received",
]


@dataclass(frozen=True)
class Notification:
    event: str
    channel: Literal["sms", "email"]
    body: Text
    subject: Text | None = None


class NotificationsBlock(Block):
    name = "notifications"
    summary = "Messages sent to the applicant on events (needs the workflow's statuses)."
    properties: ClassVar[JSON] = {
        "notifications": array(
            obj(
                {
                    "event": {
                        "anyOf": [
                            {"enum": EVENTS},
                            {"type": "string", "pattern": r"^status:[a-z][a-z0-9_]*$"},
                        ]
                    },
                    "channel": {"enum": ["sms", "email"]},
                    "subject": TEXT,
                    "body": TEXT,
                },
                ["event", "channel", "body"],
            )
        ),
    }
    descriptions: ClassVar[Mapping[str, str]] = {
        "notifications": "Messages sent to the applicant on events.",
        "notifications/event": "When to send it: an event (`submitted`, …) or `status:<id>`.",
        "notifications/channel": "How: `sms` or `email`.",
        "notifications/subject": "The e-mail's subject (required for e-mail).",
        "notifications/body": "The message; {reference}, {status} and the like are filled in.",
    }

    @classmethod
    def compile(cls, c: Compiling) -> Mapping[str, Any]:
        workflow: Workflow = c.parts["workflow"]
        result = []
        statuses = {s.id for s in workflow.statuses}
        for i, raw in enumerate(c.data.get("notifications", ())):
            path: Path = ("notifications", i)
            event = raw["event"]
            if event.startswith("status:") and event[7:] not in statuses:
                c.report(
                    (*path, "event"),
                    "notification.unknown-status",
                    f"event {event!r} names no status of the workflow",
                    listing("statuses", [s.id for s in workflow.statuses], sort=False),
                )
            if event.startswith("booking_") and "booking" not in c.data:
                c.report(
                    (*path, "event"),
                    "notification.no-booking",
                    f"event {event!r} needs a booking block",
                )
            if raw["channel"] == "email" and "subject" not in raw:
                c.report(path, "notification.no-subject", "an e-mail needs a subject")
            for part in ("subject", "body"):
                check_placeholders(
                    c,
                    (*path, part),
                    raw.get(part),
                    defaults.PLACEHOLDERS,
                    "notification.unknown-placeholder",
                )
            result.append(
                Notification(
                    event, raw["channel"], Text(**raw["body"]), Text.of(raw.get("subject"))
                )
            )
        return {"notifications": tuple(result)}
