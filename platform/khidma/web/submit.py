"""Review, submit, and the confirmation page.

Submitting validates the whole request again against the version it was started with —
hidden answers dropped, computed values recomputed, locked fields reset — and then, in one
transaction, stores the submission, takes the next reference number, writes the first
status of its history, moves its files to it and queues the notifications.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from sqlalchemy import select

from khidma.engine import wizard as path
from khidma.engine.validate import validate_declarations, validate_submission
from khidma.identity.throttle import throttle
from khidma.renderer.messages import fill, placeholders
from khidma.storage.models import Attachment, StatusEvent, Submission
from khidma.storage.references import next_reference
from khidma.web.auth import when
from khidma.web.context import database, now, pinned_definition, today
from khidma.web.i18n import current_lang, t, tr
from khidma.web.notify import queue_notifications
from khidma.web.wizard import _plan, identity, owned_draft, review, sign_in_refused

bp = Blueprint("requests", __name__)


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
        clean, errors = validate_submission(
            definition, draft.answers, today=today(), identity=who, lang=lang
        )
        errors += validate_declarations(definition, accepted)
        wizard = _plan(definition, draft)
        current = wizard.page(path.REVIEW) or wizard.pages[-1]
        if errors:
            return review(draft, definition, wizard, current, errors)
        retry = throttle().hit("submit.account", str(g.user.id))
        if retry:  # the draft stays as it is, ready to be submitted later
            problem = t("security.submit.too_many", **when(retry))
            return review(draft, definition, wizard, current, [], 429, problem=problem)
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
            applicant_name=(who or {}).get("full_name_ar") or "",  # verified claims only
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
        queue_notifications(session, definition, submission, clean, user, "submitted")
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
