"""Queue a request's notifications in the outbox, in the caller's transaction.

Whatever changes a request for the citizen (submitting, a new status, a message) calls
`queue_notifications` inside the transaction of that change, so a notification exists
exactly when the change was committed. The bodies are built by
`khidma.renderer.messages` (the service's text, and for an e-mail about the request its
summary as text and HTML); this module only picks the recipients and queues them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import current_app, has_request_context, url_for
from sqlalchemy.orm import Session

from khidma.definitions.model import ServiceDefinition
from khidma.engine.summary import Summary, build_summary
from khidma.payments.display import with_fee
from khidma.payments.fees import FeeQuote, from_snapshot
from khidma.payments.money import format_money
from khidma.renderer import moments
from khidma.renderer.messages import LANGS, body_of, placeholders
from khidma.storage import outbox
from khidma.storage.models import Submission
from khidma.storage.payments import fee_of

__all__ = ["answer_of_type", "kept_fee", "queue_notifications", "request_link"]


def kept_fee(session: Session, submission: Submission) -> FeeQuote | None:
    """The fee kept with the request at submit time, if it has one."""
    if submission.id is None:
        return None
    session.flush()
    row = fee_of(session, submission.id)
    return from_snapshot(row.snapshot) if row is not None else None


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
) -> int:
    """Queue the service's notifications of `event` for `submission` (SMS to the mobile
    answered or the account's, e-mail likewise); returns how many were queued. `extra`
    fills placeholders only the caller knows ({message}, {amount})."""
    link = request_link(submission)
    fee = kept_fee(session, submission)
    values = {
        lang: placeholders(definition, submission, lang, link=link, extra=_extra(fee, lang, extra))
        for lang in LANGS
    }
    mobile = answer_of_type(definition, answers, "mobile") or getattr(user, "mobile", None)
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
        )
        queued += 1
    return queued


def _day_of(moment: dt.datetime) -> dt.date:
    return moments.local_time(moment).date() if moment.tzinfo else moment.date()
