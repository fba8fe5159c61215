"""Review, submit, and the confirmation page.

Submitting validates the whole request again against the version it was started with —
hidden answers dropped, computed values recomputed, locked fields reset — and then, in one
transaction, stores the submission, takes the next reference number, writes the first
status of its history, moves its files to it and queues the notifications.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from collections.abc import Mapping
from typing import Any

from flask import Blueprint
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from sqlalchemy import select

from khidma.definitions.model import ServiceDefinition
from khidma.definitions.model import Text
from khidma.engine import wizard as path
from khidma.engine.errors import FieldError
from khidma.engine.evaluate import State
from khidma.engine.validate import validate_declarations
from khidma.engine.validate import validate_submission
from khidma.identity.throttle import throttle
from khidma.payments.fees import FeeError
from khidma.payments.fees import FeeQuote
from khidma.payments.fees import quote
from khidma.renderer.messages import fill
from khidma.renderer.messages import placeholders
from khidma.storage.models import Attachment
from khidma.storage.models import StatusEvent
from khidma.storage.models import Submission
from khidma.storage.payments import kept_fee
from khidma.storage.payments import record_fee
from khidma.storage.references import numbered_submission
from khidma.trust import documents
from khidma.web import booking
from khidma.web.account import own_submission
from khidma.web.auth import when
from khidma.web.context import database
from khidma.web.context import now
from khidma.web.context import pinned_definition
from khidma.web.context import today
from khidma.web.i18n import current_lang
from khidma.web.i18n import t
from khidma.web.i18n import tr
from khidma.web.lifecycle import initial_due
from khidma.web.notify import queue_notifications
from khidma.web.wizard import _plan
from khidma.web.wizard import identity
from khidma.web.wizard import owned_draft
from khidma.web.wizard import review
from khidma.web.wizard import sign_in_refused
from khidma.words import word

bp = Blueprint("requests", __name__)
log = logging.getLogger("khidma.web")

FEE_UNAVAILABLE = "payments.error.fee_unavailable"


@bp.post("/drafts/<token>/submit")
def submit(token: str) -> Any:
    lang = current_lang()
    with database().session(write=True) as session:
        draft = owned_draft(session, token)
        definition = pinned_definition(draft.service_id, draft.definition_hash)
        accepted = set(request.form.getlist("declaration"))
        stamp = now().isoformat(timespec="seconds")
        draft.declarations = {
            d.id: draft.declarations.get(d.id) or stamp
            for d in definition.declarations
            if d.id in accepted
        }
        refused = sign_in_refused(definition)
        if refused is not None:
            return refused  # the draft, declarations included, is kept
        who = identity()
        # one evaluation, of the answers as checked, serves the fee and the pages too
        clean, errors, checked = validate_submission(
            definition, draft.answers, today=today(), identity=who, lang=lang
        )
        errors += validate_declarations(definition, accepted)
        fee, fee_problem = _fee(definition, clean, who, checked)
        if fee_problem is not None:
            errors.append(fee_problem)
        wizard = _plan(definition, draft, checked)
        current = wizard.page(path.REVIEW) or wizard.pages[-1]
        if errors:
            return review(draft, definition, wizard, current, errors)
        retry = throttle().hit("submit.account", str(g.user.id))
        if retry:  # the draft stays as it is, ready to be submitted later
            problem = t("security.submit.too_many", **when(retry))
            return review(draft, definition, wizard, current, [], 429, problem=problem)
        user = g.user
        chosen = booking.choice(definition, clean, draft.token, user.id, now())
        booked = chosen.book(session) if chosen else None
        if isinstance(booked, FieldError):
            draft.answers = {
                k: v for k, v in draft.answers.items() if k != booked.field_id
            }  # the slot must be chosen again; every other answer stays
            current = wizard.page(path.REVIEW) or wizard.pages[-1]
            after = _plan(definition, draft, wizard.state)
            return review(draft, definition, after, current, [booked], 409)
        submission = numbered_submission(
            session,
            definition,
            now(),
            status=definition.workflow.initial,
            user_id=user.id,
            answers=clean,
            declarations=dict(draft.declarations),
            applicant_name=(who or {}).get("full_name_ar") or "",  # verified claims only
            submitted_at=now(),
            due_on=initial_due(definition, now()),
        )
        session.add(submission)
        session.flush()
        session.add(
            StatusEvent(
                submission=submission,
                to_status=definition.workflow.initial,
                actor_role="citizen",
                actor_user_id=user.id,
                created_at=submission.submitted_at,
            )
        )
        if fee is not None:
            record_fee(session, submission.id, fee)
        kept = set(_file_ids(clean))
        for attachment in session.scalars(select(Attachment).where(Attachment.draft == draft)):
            if attachment.token in kept:
                attachment.submission = submission
                attachment.draft = None
        queue_notifications(session, definition, submission, clean, user, "submitted")
        if booked is not None:
            booked.submission_id = submission.id
            queue_notifications(session, definition, submission, clean, user, "booking_confirmed")
            queue_notifications(
                session,
                definition,
                submission,
                clean,
                user,
                "booking_reminder",
                due_at=booking.reminder_due(booked, now()),
            )
        session.delete(draft)
        session.flush()
        done = submission.token
    issue_submitted_document(submission, definition, lang)
    return redirect(url_for("requests.done", token=done))


def _fee(
    definition: ServiceDefinition, clean: Mapping[str, Any], who: Any, state: State | None = None
) -> tuple[FeeQuote | None, FieldError | None]:
    """The fee of the request as submitted, kept with it (a later version of the
    definition never changes what the citizen owes); a fee that cannot be worked out
    refuses the submit with a message (the answers stay in the draft)."""
    try:
        return quote(definition, clean, today=today(), identity=who, state=state), None
    except FeeError as error:
        log.error("fee of %s could not be worked out at submit: %s", definition.id, error)
        text = Text(word(FEE_UNAVAILABLE, "ar"), word(FEE_UNAVAILABLE, "en"))
        return None, FieldError("fee-amount", error.code, text=text)


def issue_submitted_document(
    submission: Submission, definition: ServiceDefinition, lang: str
) -> None:
    """Issue the request's summary document now, after the submission is committed (so
    the drawing does not hold the write lock). If it fails, the first download issues it,
    with the same issue time: the submission's."""
    try:
        documents.issue_outside(
            database(), submission, definition, event=documents.SUBMITTED, lang=lang
        )
    except Exception:  # the request is submitted; its document can be drawn later
        log.exception("the summary of %s could not be issued now", submission.reference)


def _file_ids(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        if {"id", "sha256", "kind"} <= set(value):
            yield str(value["id"])
        else:
            for inner in value.values():
                yield from _file_ids(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _file_ids(inner)


@bp.get("/requests/<token>/submitted")
def done(token: str) -> Any:
    from khidma.web.appointments import appointment_of

    with database().session() as session:
        submission = own_submission(session, token, g.user)
        fee = kept_fee(session, submission)
        appointment = appointment_of(session, submission, current_lang())
    definition = pinned_definition(submission.service_id, submission.definition_hash)
    lang = current_lang()
    values = placeholders(definition, submission, lang)
    title = body = None
    if definition.confirmation is not None:
        title_text, body_text = definition.confirmation
        title = fill(tr(title_text), values) if title_text else None
        body = fill(tr(body_text), values)
    return render_template(
        "wizard/done.html",
        d=definition,
        submission=submission,
        status=values["status"],
        fee=fee if fee is not None and fee.due else None,
        title=title,
        body=body,
        a=appointment,
    )
