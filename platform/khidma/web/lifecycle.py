"""A request's moves, as staff and citizens make them: the workflow's rules
(`khidma.engine.workflow`), the guarded write (`khidma.storage.requests`), the SLA clock
and the notifications, all in the caller's one transaction.

`make_transition` is the one way a request changes status from the web (staff's
buttons, the citizen's reply and withdrawal); `send_message` the one way a message is
written. Both queue the YAML's notifications (`status:<to>` and `status_changed`;
`message_from_staff` or `documents_requested`) in the session they write in, so a
notification exists exactly when the change was committed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from sqlalchemy.orm import Session

from khidma import formatting
from khidma.definitions.model import ServiceDefinition
from khidma.engine import workflow as rules
from khidma.storage import requests as store
from khidma.storage.models import Message
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.web.notify import queue_notifications

log = logging.getLogger("khidma.web")

__all__ = [
    "Refused",
    "advance_on_payment",
    "closed_dates",
    "conditions",
    "current_due",
    "initial_due",
    "make_transition",
    "send_message",
]


class Refused(Exception):
    """The workflow does not allow this move (`refusal` says why)."""

    def __init__(self, refusal: rules.Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


def closed_dates(definition: ServiceDefinition) -> frozenset[dt.date]:
    """The days the service is closed (its booking's `closed_dates`), besides weekends."""
    if definition.booking is None:
        return frozenset()
    return frozenset(dt.date.fromisoformat(d) for d in definition.booking.closed_dates)


_day = formatting.local_date


def conditions(
    definition: ServiceDefinition, submission: Submission, now: dt.datetime
) -> rules.Applies:
    """Which of the workflow's moves hold for this request's answers (`when:`), today."""
    return rules.conditions_on(definition, submission.answers, today=_day(now))


def initial_due(definition: ServiceDefinition, submitted_at: dt.datetime) -> dt.date | None:
    """The SLA's day for a request submitted at `submitted_at` (None without `sla_days`)."""
    if definition.sla_days is None:
        return None
    return rules.due_date(_day(submitted_at), definition.sla_days, closed_dates(definition))


def current_due(definition: ServiceDefinition | None, submission: Submission) -> dt.date | None:
    """The stored due day, or the one its submission gives (a request from before the
    back office stored it)."""
    if submission.due_on is not None or definition is None:
        return submission.due_on
    return initial_due(definition, submission.submitted_at)


def _clock(
    definition: ServiceDefinition, submission: Submission, to: str, now: dt.datetime
) -> dict[str, object]:
    """The SLA columns a move into `to` sets: the pause starts when the request begins
    waiting for the citizen and, when it ends, the due day moves by its working days."""
    workflow = definition.workflow
    due = current_due(definition, submission)
    waits = rules.waiting_for(workflow, to) == rules.CITIZEN
    values: dict[str, object] = {"due_on": due}
    if waits and submission.paused_at is None:
        values["paused_at"] = now
    elif not waits and submission.paused_at is not None:
        values["paused_at"] = None
        if due is not None:
            values["due_on"] = rules.extend_due(
                due, _day(submission.paused_at), _day(now), closed_dates(definition)
            )
    return values


def _citizen(session: Session, submission: Submission) -> User | None:
    return session.get(User, submission.user_id) if submission.user_id is not None else None


def make_transition(
    session: Session,
    definition: ServiceDefinition,
    submission: Submission,
    *,
    to: str,
    role: str,
    actor: User | None,
    note: str | None,
    version: int,
    now: dt.datetime,
    notify: bool = True,
) -> None:
    """Move `submission` (read at `version`) to `to` as `role`; `Refused` when the
    workflow does not allow it, `store.Changed` when the request moved on meanwhile."""
    verdict = rules.check_transition(
        definition.workflow,
        submission.status,
        role,
        to,
        note,
        conditions(definition, submission, now),
    )
    if verdict.refusal is not None:
        raise Refused(verdict.refusal)
    store.move(
        session,
        submission,
        status=submission.status,
        version=version,
        to=to,
        role=role,
        actor_id=actor.id if actor is not None else None,
        note=(note or "").strip() or None,
        now=now,
        **_clock(definition, submission, to, now),
    )
    # the history row written by `store.move` is chained in the audit log (storage.audit)
    if notify:
        citizen = _citizen(session, submission)
        for event in rules.status_events(to):  # {amount}: the fee kept at submit (notify)
            queue_notifications(session, definition, submission, submission.answers, citizen, event)


def advance_on_payment(
    session: Session,
    definition: ServiceDefinition | None,
    submission: Submission,
    payment: object,
    now: dt.datetime,
) -> bool:
    """The workflow goes on once the fee is paid (`PaymentService(on_paid=…)`): the
    `system` transition out of the status that waited for payment, made like every other
    move (guarded on status and version, history, SLA clock, `status:<to>` notifications)
    in the payment's transaction. False when the status waits for no payment (a late
    payment of a withdrawn request: staff see it and refund) or it moved meanwhile."""
    from khidma.payments.workflow import payment_transition

    if definition is None:
        return False
    transition = payment_transition(
        definition, submission.status, conditions(definition, submission, now)
    )
    if transition is None:
        log.warning(
            "request %s was paid in status %r, which waits for no payment",
            submission.reference,
            submission.status,
        )
        return False
    try:
        make_transition(
            session,
            definition,
            submission,
            to=transition.to,
            role="system",
            actor=None,
            note=None,
            version=submission.version,
            now=now,
        )
    except (Refused, store.Changed) as error:
        log.warning("request %s paid but not moved on: %r", submission.reference, error)
        return False
    return True


def send_message(
    session: Session,
    definition: ServiceDefinition,
    submission: Submission,
    *,
    role: str,
    author: User | None,
    body: str,
    now: dt.datetime,
    documents: Sequence[str] = (),
) -> Message:
    """Write a message on `submission`; one from staff queues `documents_requested` when
    it asks for documents, else `message_from_staff` (the SMS says a message waits, never
    what it says)."""
    message = store.add_message(
        session,
        submission,
        role=role,
        author_id=author.id if author is not None else None,
        body=body,
        now=now,
        documents=documents,
    )
    if role != rules.CITIZEN:
        event = "documents_requested" if documents else "message_from_staff"
        if not definition.notifications_for(event):
            event = "message_from_staff"
        queue_notifications(
            session,
            definition,
            submission,
            submission.answers,
            _citizen(session, submission),
            event,
        )
    return message
