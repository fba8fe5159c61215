"""Review, submit, and the confirmation page.

Submitting validates the whole request again against the version it was started with —
hidden answers dropped, computed values recomputed, locked fields reset — and then, in one
transaction, stores the submission, takes the next reference number, writes the first
status of its history, moves its files to it and queues the notifications.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from sqlalchemy import select

from khidma.definitions.model import ServiceDefinition
from khidma.engine import wizard as path
from khidma.engine.validate import validate_declarations, validate_submission
from khidma.storage import outbox
from khidma.storage.models import Attachment, StatusEvent, Submission
from khidma.storage.references import next_reference
from khidma.web.context import database, now, pinned_definition, today
from khidma.web.i18n import current_lang, tr
from khidma.web.wizard import _plan, identity, owned_draft, review

bp = Blueprint("requests", __name__)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


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
        who = identity()
        clean, errors = validate_submission(
            definition, draft.answers, today=today(), identity=who, lang=lang
        )
        errors += validate_declarations(definition, accepted)
        wizard = _plan(definition, draft)
        if errors:
            current = wizard.page(path.REVIEW) or wizard.pages[-1]
            return review(draft, definition, wizard, current, errors)
        reference = next_reference(session, definition.id, now())
        user = g.user
        submission = Submission(
            service_id=definition.id,
            definition_version=definition.version,
            definition_hash=definition.hash,
            reference_seq=reference.seq,
            hijri_year=reference.year,
            reference=str(reference),
            status=definition.workflow.initial,
            user_id=user.id,
            answers=clean,
            declarations=dict(draft.declarations),
            applicant_name=(who or {}).get("full_name_ar") or user.name_ar or "",
            submitted_at=now(),
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
        kept = set(_file_ids(clean))
        for attachment in session.scalars(select(Attachment).where(Attachment.draft == draft)):
            if attachment.token in kept:
                attachment.submission = submission
                attachment.draft = None
        _queue_notifications(session, definition, submission, clean, user, "submitted")
        session.delete(draft)
        session.flush()
        done = submission.token
    return redirect(url_for("requests.done", token=done))


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


def placeholders(
    definition: ServiceDefinition, submission: Submission, lang: str
) -> dict[str, str]:
    status = definition.workflow.status(submission.status)
    return {
        "reference": submission.reference,
        "service_title": definition.title.get(lang),
        "agency_name": definition.agency.name.get(lang),
        "status": status.label.get(lang) if status else submission.status,
        "applicant_name": submission.applicant_name,
        "submitted_at": submission.submitted_at.date().isoformat(),
    }


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with every known {placeholder} replaced; unknown ones stay as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _queue_notifications(
    session: Any,
    definition: ServiceDefinition,
    submission: Submission,
    answers: Mapping[str, Any],
    user: Any,
    event: str,
) -> None:
    lang = "ar"  # notifications go out in Arabic first, with the English text beside
    values = placeholders(definition, submission, lang)
    values_en = placeholders(definition, submission, "en")
    mobile = _answer_of_type(definition, answers, "mobile") or user.mobile
    email = _answer_of_type(definition, answers, "email") or user.email
    for note in definition.notifications_for(event):
        recipient = mobile if note.channel == "sms" else email
        if not recipient:
            continue
        body = fill(note.body.ar, values) + "\n" + fill(note.body.en, values_en)
        subject = None
        if note.subject is not None:
            subject = fill(note.subject.ar, values) + " | " + fill(note.subject.en, values_en)
        outbox.enqueue(
            session,
            note.channel,
            recipient,
            body,
            subject=subject,
            event=event,
            submission_id=submission.id,
        )


def _answer_of_type(
    definition: ServiceDefinition, answers: Mapping[str, Any], type_name: str
) -> str | None:
    for f in definition.all_fields():
        if f.group is None and f.type_name == type_name and isinstance(answers.get(f.id), str):
            return str(answers[f.id])
    return None


@bp.get("/requests/<token>/submitted")
def done(token: str) -> Any:
    with database().session() as session:
        submission = session.scalar(select(Submission).where(Submission.token == token))
        if submission is None or submission.user_id != g.user.id:
            abort(404)
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
        title=title,
        body=body,
    )
