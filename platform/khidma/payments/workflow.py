"""Where a payment meets the request's workflow ("approved → awaiting payment → paid →
the workflow goes on").

A status whose `waiting_for` is `payment` is the one a citizen pays in. When the payment
succeeds, `advance_on_payment` makes the workflow's `system` transition out of it (the
one to a status named `paid` when there are several, else the only one to a status that
is not final) as one guarded update in the payment's own transaction, writes the history
row and queues the `status:<to>` notifications.

This is the stand-in until the back office's transition function is wired in (pass it as
`PaymentService(on_paid=…)`); it follows the same rules.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import update
from sqlalchemy.orm import Session

from khidma.definitions.model import ServiceDefinition
from khidma.definitions.model import Transition
from khidma.engine.workflow import Applies
from khidma.engine.workflow import conditions_on
from khidma.formatting import local_date
from khidma.payments import notices
from khidma.storage.models import StatusEvent
from khidma.storage.models import Submission
from khidma.storage.payment_models import Payment

log = logging.getLogger("khidma.payments")


def payment_transition(
    definition: ServiceDefinition, status: str, applies: Applies | None = None
) -> Transition | None:
    """The transition the system makes from `status` once the fee is paid, if any, among
    those whose `when` holds (`applies`: `khidma.engine.workflow.conditions_on`)."""
    found = definition.workflow.status(status)
    if found is None or found.waiting_for != "payment":
        return None
    candidates = [
        t for t in definition.workflow.allowed(status, "system") if applies is None or applies(t)
    ]
    named = [t for t in candidates if t.to == "paid"]
    if named:
        return named[0]
    onward = [t for t in candidates if not _final(definition, t.to)]
    return onward[0] if len(onward) == 1 else None


def _final(definition: ServiceDefinition, status: str) -> bool:
    found = definition.workflow.status(status)
    return found is not None and found.final


def advance_on_payment(
    session: Session,
    definition: ServiceDefinition | None,
    submission: Submission,
    payment: Payment,
    now: dt.datetime,
) -> bool:
    """Move the request on after its fee was paid; False when its status does not wait
    for payment (paid after a withdrawal, say: staff see it and refund)."""
    if definition is None:
        return False
    current = submission.status
    applies = conditions_on(definition, submission.answers, today=local_date(now))
    transition = payment_transition(definition, current, applies)
    if transition is None:
        log.warning(
            "request %s was paid in status %r, which waits for no payment",
            submission.reference,
            current,
        )
        return False
    result = session.execute(
        update(Submission)
        .where(Submission.id == submission.id, Submission.status == current)
        .values(status=transition.to)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.refresh(submission)
    session.add(
        StatusEvent(
            submission=submission,
            from_status=current,
            to_status=transition.to,
            actor_role="system",
            created_at=now,
        )
    )
    event = f"status:{transition.to}"
    if definition.notifications_for(event):
        notices.queue(
            session, event, definition, submission, payment, words="received", yaml_event=event
        )
    return True
