"""The web side of a request's notifications: the one path is
`khidma.delivery.notices.queue_notices`; this adds the citizen's link to the request.

Whatever changes a request for the citizen (submitting, a new status, a message) calls
`queue_notifications` inside the transaction of that change, so a notification exists
exactly when the change was committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import current_app
from flask import has_request_context
from flask import url_for
from sqlalchemy.orm import Session

from khidma.definitions.model import ServiceDefinition
from khidma.delivery.notices import SMS_PER_HOUR
from khidma.delivery.notices import contact_answer
from khidma.delivery.notices import queue_notices
from khidma.storage.models import Submission

__all__ = ["SMS_PER_HOUR", "contact_answer", "queue_notifications", "request_link"]


def request_link(submission: Submission) -> str | None:
    """The citizen's page of the request, as an absolute URL ({link}); None outside a
    request (a worker), where no host is known."""
    if not has_request_context() or "account.request" not in current_app.view_functions:
        return None
    return url_for("account.request", token=submission.token, _external=True)


def queue_notifications(
    session: Session,
    definition: ServiceDefinition,
    submission: Submission,
    answers: Mapping[str, Any],
    user: Any,
    event: str,
    *,
    extra: Mapping[str, str] | None = None,
    due_at: dt.datetime | None = None,
) -> int:
    """Queue the service's notifications of `event` for `submission` (see
    `queue_notices`); returns how many were queued. `extra` fills placeholders only the
    caller knows ({message}, {amount}); `due_at` delays them."""
    given = dict(extra or {})
    return len(
        queue_notices(
            session,
            definition,
            submission,
            user,
            event,
            answers=answers,
            link=request_link(submission),
            extra=lambda lang: given,
            due_at=due_at,
        )
    )
