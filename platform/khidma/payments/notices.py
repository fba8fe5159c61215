"""The messages a payment sends the citizen, queued in the outbox in the caller's
transaction (the one that changed the payment).

A service's own `notifications` for `payment_received` and `payment_due` (a SADAD bill
issued) are used when it has them; otherwise, and for what the YAML has no event for (a
payment not completed, a bill expired, a refund), the platform's words
(`khidma.payments.words`). Each message holds the Arabic text, then the English. It goes
to the contact given in the request (its `email` / `mobile` answers), else the account's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from sqlalchemy import update
from sqlalchemy.orm import Session

from khidma.definitions.model import ServiceDefinition
from khidma.formatting import RIYADH
from khidma.payments.money import format_money
from khidma.payments.words import WORDS
from khidma.storage import outbox
from khidma.storage.models import OutboxMessage, Submission, User
from khidma.storage.payment_models import Payment

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def receipt_number(submission: Submission, payment: Payment) -> str:
    """What the receipt is quoted by: the request's reference and the attempt."""
    return f"{submission.reference}-{payment.attempt}"


def _fill(text: str, values: Mapping[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _answer(definition: ServiceDefinition | None, submission: Submission, kind: str) -> str | None:
    if definition is None:
        return None
    for field in definition.all_fields():
        value = submission.answers.get(field.id)
        if field.group is None and field.type_name == kind and isinstance(value, str) and value:
            return value
    return None


def _values(
    definition: ServiceDefinition | None,
    submission: Submission,
    payment: Payment,
    lang: str,
    link: str,
    amount: int | None,
) -> dict[str, str]:
    status = definition.workflow.status(submission.status) if definition else None
    expires = ""
    if payment.bill_expires_at is not None:
        expires = payment.bill_expires_at.astimezone(RIYADH).strftime("%Y-%m-%d %H:%M")
    return {
        "reference": submission.reference,
        "service_title": definition.title.get(lang) if definition else submission.service_id,
        "agency_name": definition.agency.name.get(lang) if definition else "",
        "status": status.label.get(lang) if status else submission.status,
        "applicant_name": submission.applicant_name,
        "amount": format_money(payment.amount if amount is None else amount, lang),
        "link": link,
        "receipt": receipt_number(submission, payment),
        "bill_number": payment.bill_number or "",
        "biller_code": payment.biller_code or "",
        "expires": expires,
    }


def queue(
    session: Session,
    event: str,
    definition: ServiceDefinition | None,
    submission: Submission,
    payment: Payment,
    *,
    words: str,
    link: str = "",
    yaml_event: str | None = None,
    amount: int | None = None,
    due: dt.datetime | None = None,
) -> list[OutboxMessage]:
    """Queue the message of `event` (the outbox event name) for the citizen; `words` is
    the platform's text (`payments.msg.<words>`, with `.subject` for e-mail), used when
    the service defines no `yaml_event` notification. `due` holds the message back."""
    user = session.get(User, submission.user_id) if submission.user_id else None
    mobile = _answer(definition, submission, "mobile") or (user.mobile if user else None)
    email = _answer(definition, submission, "email") or (user.email if user else None)
    ar = _values(definition, submission, payment, "ar", link, amount)
    en = _values(definition, submission, payment, "en", link, amount)
    own = definition.notifications_for(yaml_event) if definition and yaml_event else ()
    drafts: list[tuple[str, str | None, str]] = []  # (channel, subject, body)
    for note in own:
        body = _fill(note.body.ar, ar) + "\n" + _fill(note.body.en, en)
        if words == "bill":  # the bill's number and expiry go with the service's own text
            body += "\n" + _fill(WORDS["payments.msg.bill"]["ar"], ar)
            body += "\n" + _fill(WORDS["payments.msg.bill"]["en"], en)
        subject = None
        if note.subject is not None:
            subject = _fill(note.subject.ar, ar) + " | " + _fill(note.subject.en, en)
        drafts.append((note.channel, subject, body))
    if not drafts:
        text = WORDS[f"payments.msg.{words}"]
        heading = WORDS.get(f"payments.msg.{words}.subject")
        subject = _fill(heading["ar"], ar) + " | " + _fill(heading["en"], en) if heading else None
        drafts.append(
            (
                "email" if email else "sms",
                subject,
                _fill(text["ar"], ar) + "\n" + _fill(text["en"], en),
            )
        )
    queued = []
    for channel, subject, body in drafts:
        recipient = email if channel == "email" else mobile
        if not recipient:
            continue
        message = outbox.enqueue(
            session,
            channel,
            recipient,
            body,
            subject=subject if channel == "email" else None,
            event=event,
            submission_id=submission.id,
        )
        if due is not None:
            message.next_attempt_at = due
        queued.append(message)
    session.flush()
    return queued


def withdraw(session: Session, message_id: int, why: str) -> bool:
    """Take back a held message that no dispatcher has claimed yet (one guarded update:
    a dispatcher counts its attempt when it claims). True if withdrawn."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.attempts == 0,
            OutboxMessage.next_attempt_at.is_not(None),
        )
        .values(next_attempt_at=None, last_error=f"withdrawn: {why}")
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]
