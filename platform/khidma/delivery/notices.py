"""Queue a request's notifications in the outbox, in the caller's transaction.

Whatever changes a request for the citizen (submitting, a new status, a message, a
booking, a payment) calls `queue_notices` inside the transaction of that change, so a
notification exists exactly when the change was committed. This is the one path: the web
layer (`khidma.web.notify`) adds the request's link, the payments (`khidma.payments.
notices`) add the payment's placeholders and the platform's text for events a service
does not word itself. The bodies are built by `khidma.renderer.messages` (the service's
text, and for an e-mail about the request its summary as text and HTML); this module
picks the recipients and queues.

An SMS goes only to the account's mobile — proven by an SMS code when the account was
opened, or vouched for by the national SSO — never to a number typed in the form (anyone
could type a stranger's), and at most `SMS_PER_HOUR` request texts an hour go to one
mobile, however many requests are submitted or changed. An e-mail goes to the address
answered in the request, else the account's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from khidma import formatting
from khidma.definitions.model import Notification
from khidma.definitions.model import ServiceDefinition
from khidma.engine.summary import Summary
from khidma.engine.summary import build_summary
from khidma.payments.display import with_fee
from khidma.payments.fees import FeeQuote
from khidma.payments.money import format_money
from khidma.renderer.messages import LANGS
from khidma.renderer.messages import body_of
from khidma.renderer.messages import placeholders
from khidma.storage import outbox
from khidma.storage.models import Channel
from khidma.storage.models import OutboxMessage
from khidma.storage.models import Submission
from khidma.storage.payments import kept_fee
from khidma.storage.types import utcnow

__all__ = ["SMS_PER_HOUR", "contact_answer", "queue_notices"]

log = logging.getLogger(__name__)

SMS_PER_HOUR = 10  # request texts to one mobile in any hour

Extra = Callable[[str], Mapping[str, str]]  # language → placeholders only the caller knows


def contact_answer(
    definition: ServiceDefinition, answers: Mapping[str, Any], contact: str
) -> str | None:
    """The first top-level answer of a field whose type holds this `contact` ("email",
    "mobile": `FieldType.contact`), as the applicant gave it; or None."""
    for f in definition.all_fields():
        if f.group is None and f.type.contact == contact and isinstance(answers.get(f.id), str):
            return str(answers[f.id])
    return None


def queue_notices(
    session: Session,
    definition: ServiceDefinition | None,
    submission: Submission,
    user: Any,
    event: str,
    *,
    answers: Mapping[str, Any] | None = None,
    link: str | None = None,
    extra: Extra | None = None,
    notes: Sequence[Notification] | None = None,
    fallback: Notification | None = None,
    outbox_event: str | None = None,
    due_at: dt.datetime | None = None,
) -> list[OutboxMessage]:
    """Queue the notifications of `event` for `submission` and return them.

    `notes` are the service's notifications of the event (by default the definition's
    own); when there are none, `fallback` (the platform's words) goes by e-mail when an
    address is known, else by SMS. `extra(lang)` fills placeholders only the caller knows
    ({message}, a bill's number); {amount} is the kept fee's unless the caller gives it.
    `outbox_event` names the outbox row when it differs from the service's event name;
    `due_at` holds the messages back (a reminder: the outbox sends it then)."""
    answers = submission.answers if answers is None else answers
    if notes is None:
        notes = definition.notifications_for(event) if definition is not None else ()
    mobile = getattr(user, "mobile", None)
    if mobile and _texts_last_hour(session, mobile) >= SMS_PER_HOUR:
        log.warning("request SMS to user %s not queued: %s an hour", user.id, SMS_PER_HOUR)
        mobile = None
    email = (
        contact_answer(definition, answers, "email") if definition is not None else None
    ) or getattr(user, "email", None)
    if not notes and fallback is not None:
        notes = [dataclasses.replace(fallback, channel="email" if email else "sms")]
    if not notes:
        return []
    fee = kept_fee(session, submission)
    values = {
        lang: _values(definition, submission, lang, link, _with_amount(fee, lang, extra))
        for lang in LANGS
    }
    summaries: dict[str, Summary] = {}

    def summary_of(lang: str) -> Summary:
        if definition is None:
            raise LookupError("no definition to summarise the request with")
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

    queued = []
    for note in notes:
        recipient = mobile if note.channel == "sms" else email
        if not recipient:
            continue
        body = body_of(note, values, summary_of if definition else None, event=event)
        queued.append(
            outbox.enqueue(
                session,
                note.channel,
                recipient,
                body.text,
                subject=body.subject,
                event=outbox_event or event,
                submission_id=submission.id,
                html=body.html,
                due_at=due_at,
            )
        )
    return queued


def _with_amount(fee: FeeQuote | None, lang: str, extra: Extra | None) -> Mapping[str, str]:
    """The caller's placeholders, with {amount} the kept fee's (the number alone: the
    services' texts say "ريال" / "SAR" themselves) unless the caller gave one."""
    given = extra(lang) if extra is not None else {}
    if fee is None or not fee.due:
        return given
    return {"amount": format_money(fee.amount, lang, currency=False), **given}


def _values(
    definition: ServiceDefinition | None,
    submission: Submission,
    lang: str,
    link: str | None,
    extra: Mapping[str, str],
) -> dict[str, str]:
    if definition is not None:
        return dict(placeholders(definition, submission, lang, link=link, extra=extra))
    # The version the request was made under is missing (see definition_of): still tell
    # the citizen, with what the request itself holds.
    values = {
        "reference": submission.reference,
        "service_title": submission.service_id,
        "agency_name": "",
        "status": submission.status,
        "applicant_name": submission.applicant_name,
        **({"link": link} if link else {}),
    }
    values.update(extra)
    return values


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
