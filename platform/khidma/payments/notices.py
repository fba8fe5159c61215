"""The messages a payment sends the citizen, queued in the outbox in the caller's
transaction (the one that changed the payment), through the one notification path
(`khidma.delivery.notices.queue_notices`: the account's own mobile, the e-mail answered
or the account's, the hourly SMS cap).

A service's own `notifications` for `payment_received` and `payment_due` (a SADAD bill
issued) are used when it has them; otherwise, and for what the YAML has no event for (a
payment not completed, a bill expired, a refund), the platform's words
(`khidma.payments.words`). Each message holds the Arabic text, then the English.
Placeholders: the request's, and {amount} (the number: the services' texts say "ريال"
themselves), {money} (with the currency, the platform's words), {receipt},
{bill_number}, {biller_code}, {expires}.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import update
from sqlalchemy.orm import Session

from khidma.definitions.model import Notification
from khidma.definitions.model import ServiceDefinition
from khidma.definitions.model import Text
from khidma.delivery.notices import queue_notices
from khidma.formatting import RIYADH
from khidma.payments.money import format_money
from khidma.payments.words import WORDS
from khidma.storage.models import OutboxMessage
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.storage.payment_models import Payment


def receipt_number(submission: Submission, payment: Payment) -> str:
    """What the receipt is quoted by: the request's reference and the attempt."""
    return f"{submission.reference}-{payment.attempt}"


def _payment_values(
    submission: Submission, payment: Payment, amount: int | None
) -> dict[str, dict[str, str]]:
    expires = ""
    if payment.bill_expires_at is not None:
        expires = payment.bill_expires_at.astimezone(RIYADH).strftime("%Y-%m-%d %H:%M")
    money = payment.amount if amount is None else amount
    return {
        lang: {
            "amount": format_money(money, lang, currency=False),
            "money": format_money(money, lang),
            "receipt": receipt_number(submission, payment),
            "bill_number": payment.bill_number or "",
            "biller_code": payment.biller_code or "",
            "expires": expires,
        }
        for lang in ("ar", "en")
    }


def _words(key: str) -> Text:
    return Text(ar=WORDS[key]["ar"], en=WORDS[key]["en"])


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
    own = definition.notifications_for(yaml_event) if definition and yaml_event else ()
    if words == "bill":  # the bill's number and expiry go with the service's own text
        bill = WORDS["payments.msg.bill"]
        own = tuple(
            dataclasses.replace(
                note,
                body=Text(ar=f"{note.body.ar}\n{bill['ar']}", en=f"{note.body.en}\n{bill['en']}"),
            )
            for note in own
        )
    subject = f"payments.msg.{words}.subject"
    fallback = Notification(
        event=yaml_event or event,
        channel="email",
        body=_words(f"payments.msg.{words}"),
        subject=_words(subject) if subject in WORDS else None,
    )
    values = _payment_values(submission, payment, amount)
    queued = queue_notices(
        session,
        definition,
        submission,
        user,
        yaml_event or event,
        link=link or None,
        extra=values.__getitem__,
        notes=own,
        fallback=fallback,
        outbox_event=event,
        due_at=due,
    )
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
