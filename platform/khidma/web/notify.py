"""Queue a request's notifications in the outbox, in the caller's transaction.

Whatever changes a request for the citizen (submitting, a new status, a message) calls
`queue_notifications` inside the transaction of that change, so a notification exists
exactly when the change was committed. The bodies are built by
`khidma.renderer.messages` (the service's text, and for an e-mail about the request its
summary as text and HTML); this module only picks the recipients and queues them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from flask import current_app, has_request_context, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from khidma import formatting
from khidma.definitions.model import ServiceDefinition
from khidma.engine.summary import Summary, build_summary
from khidma.payments.display import with_fee
from khidma.payments.fees import FeeQuote
from khidma.payments.money import format_money
from khidma.renderer.messages import LANGS, body_of, placeholders
from khidma.storage import outbox
from khidma.storage.models import Channel, OutboxMessage, Submission
from khidma.storage.payments import kept_fee
from khidma.storage.types import utcnow

__all__ = ["SMS_PER_HOUR", "answer_of_type", "queue_notifications", "request_link"]

log = logging.getLogger(__name__)

SMS_PER_HOUR = 10  # request texts to one mobile in any hour


def _extra(
    fee: FeeQuote | None, lang: str, extra: Mapping[str, str] | None
) -> Mapping[str, str] | None:
    """The caller's placeholders, with {amount} the kept fee's (the number alone: the
    services' texts say "ريال" / "SAR" themselves) unless the caller gave one."""
    if fee is None or not fee.due:
        return extra
    return {"amount": format_money(fee.amount, lang, currency=False), **(extra or {})}


def answer_of_type(
    definition: ServiceDefinition, answers: Mapping[str, Any], type_name: str
) -> str | None:
    """The first top-level answer of a field of `type_name` (the mobile, the e-mail the
    applicant gave), or None."""
    for f in definition.all_fields():
        if f.group is None and f.type_name == type_name and isinstance(answers.get(f.id), str):
            return str(answers[f.id])
    return None


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
    """Queue the service's notifications of `event` for `submission` (SMS to the account's
    own mobile, e-mail to the address answered or the account's); returns how many were
    queued. `extra` fills placeholders only the caller knows ({message}, {amount}).

    An SMS goes only to the account's mobile — proven by an SMS code when the account was
    opened, or vouched for by the national SSO — never to a number typed in the form
    (anyone could type a stranger's), and at most `SMS_PER_HOUR` request texts an hour go
    to one mobile, however many requests are submitted or changed.

    `due_at` delays them (a reminder: the outbox sends it then)."""
    link = request_link(submission)
    fee = kept_fee(session, submission)
    values = {
        lang: placeholders(definition, submission, lang, link=link, extra=_extra(fee, lang, extra))
        for lang in LANGS
    }
    mobile = getattr(user, "mobile", None)
    if mobile and _texts_last_hour(session, mobile) >= SMS_PER_HOUR:
        log.warning("request SMS to user %s not queued: %s an hour", user.id, SMS_PER_HOUR)
        mobile = None
    email = answer_of_type(definition, answers, "email") or getattr(user, "email", None)
    summaries: dict[str, Summary] = {}

    def summary_of(lang: str) -> Summary:
        if lang not in summaries:  # built only for an e-mail about the request
            summary = build_summary(
                definition,
                answers,
                lang,
                declarations_accepted=submission.declarations,
                today=_day_of(submission.submitted_at),
            )
            summaries[lang] = with_fee(summary, fee)
        return summaries[lang]

    queued = 0
    for note in definition.notifications_for(event):
        recipient = mobile if note.channel == "sms" else email
        if not recipient:
            continue
        body = body_of(note, values, summary_of, event=event)
        outbox.enqueue(
            session,
            note.channel,
            recipient,
            body.text,
            subject=body.subject,
            event=event,
            submission_id=submission.id,
            html=body.html,
            due_at=due_at,
        )
        queued += 1
    return queued


def _texts_last_hour(session: Session, mobile: str) -> int:
    since = utcnow() - dt.timedelta(hours=1)
    return int(
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.channel == Channel.SMS,
                OutboxMessage.recipient == mobile,
                OutboxMessage.submission_id.is_not(None),
                OutboxMessage.created_at >= since,
            )
        )
        or 0
    )


def _day_of(moment: dt.datetime) -> dt.date:
    return formatting.local_time(moment).date() if moment.tzinfo else moment.date()
