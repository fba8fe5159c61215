"""The back office: the agency's queue and a request's page for its staff.

Staff see only their agency's services: any request, file or page of another agency
answers 404, exactly like one that does not exist. Acting on a request (a move of the
workflow, a message) needs holding it (claim); a supervisor may hand it to another. Every
form carries the version of the request it was shown with: when the request changed
meanwhile the action is refused with "the request has just changed" and nothing is
applied (`khidma.storage.requests`). Every view, download and action of staff is
written to the chained audit log (`web.audit_trail.record`; a move or a message by
`web.lifecycle`), in the action's own transaction where it writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint
from flask import Response
from flask import abort
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from khidma.definitions.model import ServiceDefinition
from khidma.definitions.model import Transition
from khidma.engine import workflow as rules
from khidma.storage import requests as store
from khidma.storage.models import Attachment
from khidma.storage.models import Role
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.web.account import definition_of
from khidma.web.account import document_response
from khidma.web.account import request_summary
from khidma.web.audit_trail import record
from khidma.web.context import blobs
from khidma.web.context import database
from khidma.web.context import now
from khidma.web.context import registry
from khidma.web.context import today
from khidma.web.i18n import current_lang
from khidma.web.i18n import t
from khidma.web.i18n import tr
from khidma.web.lifecycle import Refused
from khidma.web.lifecycle import conditions
from khidma.web.lifecycle import current_due
from khidma.web.lifecycle import make_transition
from khidma.web.lifecycle import send_message
from khidma.web.request_record import load_record
from khidma.web.request_record import status_label
from khidma.web.request_record import user_names

bp = Blueprint("backoffice", __name__, url_prefix="/backoffice")

PAGE_SIZE = 25
NOTE_MAX = 2000
DOCUMENTS_MAX = 10
WAITING = ("staff", "citizen")
WHO = ("mine", "unassigned")


def _staff() -> User:
    user = g.get("user")
    if user is None or user.role is not Role.STAFF or not user.agency_id:
        abort(404)
    assert isinstance(user, User)
    return user


def agency_services(user: User) -> list[ServiceDefinition]:
    return [d for d in registry().services() if d.agency.id == user.agency_id]


def _own(session: Session, token: str, user: User) -> tuple[Submission, ServiceDefinition]:
    """The request with this token when it belongs to `user`'s agency; 404 otherwise."""
    submission = session.scalar(select(Submission).where(Submission.token == token))
    if submission is None:
        abort(404)
    definition = definition_of(submission.service_id, submission.definition_hash)
    if definition is None or definition.agency.id != user.agency_id:
        abort(404)
    return submission, definition


# --------------------------------------------------------------------------- the queue


@dataclass(frozen=True)
class QueueRow:
    token: str
    reference: str
    service: str
    applicant: str
    status: str
    submitted_at: dt.datetime
    due: dt.date | None
    overdue: bool
    paused: bool
    holder: str | None


def _filter(user: User, services: list[ServiceDefinition], args: Mapping[str, str]) -> Any:
    ids = {d.id for d in services}
    waiting = args.get("waiting") if args.get("waiting") in WAITING else None
    who = args.get("who") if args.get("who") in WHO else None
    return store.QueueFilter(
        services=ids,
        service=args.get("service") if args.get("service") in ids else None,
        status=(args.get("status") or "").strip()[:64] or None,
        waiting={
            d.id: [s.id for s in d.workflow.statuses if s.waiting_for == waiting] for d in services
        }
        if waiting
        else None,
        overdue_on=today() if args.get("overdue") == "1" else None,
        open_statuses={d.id: [s.id for s in d.workflow.statuses if not s.final] for d in services},
        assigned_to=user.id if who == "mine" else None,
        unassigned=who == "unassigned",
        search=(args.get("q") or "").strip()[:100] or None,
        sort=args.get("sort") or "oldest",
    )


def _row(
    s: Submission, definitions: Mapping[str, ServiceDefinition], names: Mapping[int, str]
) -> QueueRow:
    definition = definitions.get(s.service_id)
    due = current_due(definition, s)
    final = definition is not None and rules.is_final(definition.workflow, s.status)
    return QueueRow(
        token=s.token,
        reference=s.reference,
        service=tr(definition.title) if definition else s.service_id,
        applicant=s.applicant_name,
        status=status_label(definition, s.status),
        submitted_at=s.submitted_at,
        due=due,
        overdue=due is not None and not final and s.paused_at is None and due < today(),
        paused=s.paused_at is not None,
        holder=names.get(s.assigned_to) if s.assigned_to is not None else None,
    )


def _query(args: Mapping[str, str], **changes: str | None) -> str:
    values = {k: v for k, v in args.items() if v and k != "after"}
    values.update({k: v for k, v in changes.items() if v})
    return "?" + urlencode(values) if values else ""


@bp.get("")
def index() -> str:
    user = _staff()
    services = agency_services(user)
    definitions = {d.id: d for d in services}
    args = {k: v for k, v in request.args.items() if isinstance(v, str)}
    f = _filter(user, services, args)
    with database().session() as session:
        page = store.queue(session, f, after=args.get("after"), limit=PAGE_SIZE)
        counts = store.status_counts(session, f)
        names = user_names(session, {s.assigned_to for s in page.rows if s.assigned_to is not None})
        rows = [_row(s, definitions, names) for s in page.rows]
    labels: dict[str, str] = {}
    for d in services:
        for s in d.workflow.statuses:
            labels.setdefault(s.id, tr(s.label))
    agency = tr(services[0].agency.name) if services else user.agency_id or ""
    return render_template(
        "backoffice/index.html",
        agency=agency,
        services=services,
        statuses=labels,
        counts=[(sid, labels.get(sid, sid), n) for sid, n in sorted(counts.items())]
        if counts is not None
        else [(sid, label, None) for sid, label in sorted(labels.items())],
        counts_capped=counts is None,
        count_cap=f"{store.COUNT_CAP:,}",
        rows=rows,
        args=args,
        sorts=store.SORTS,
        next_url=url_for("backoffice.index") + _query(args, after=page.next_cursor)
        if page.next_cursor
        else None,
        first_url=url_for("backoffice.index") + _query(args) if args.get("after") else None,
        count_url=lambda status: url_for("backoffice.index") + _query(args, status=status),
    )


# --------------------------------------------------------------------------- one request


def _page(
    session: Session,
    user: User,
    submission: Submission,
    definition: ServiceDefinition,
    *,
    errors: Mapping[str, str] | None = None,
    form: Mapping[str, str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    found = load_record(session, submission, definition, "staff")
    holder = submission.assigned_to
    holder_name = user_names(session, {holder}).get(holder) if holder is not None else None
    colleagues = (
        list(
            session.scalars(
                select(User)
                .where(
                    User.role == Role.STAFF,
                    User.agency_id == user.agency_id,
                    User.is_active.is_(True),
                )
                .order_by(User.id)
            )
        )
        if user.is_supervisor
        else []
    )
    lang = current_lang()
    return render_template(
        "backoffice/request.html",
        submission=submission,
        service=tr(definition.title),
        status=status_label(definition, submission.status),
        summary=request_summary(definition, submission, lang, session),
        due=current_due(definition, submission),
        paused=submission.paused_at is not None,
        waiting=rules.waiting_for(definition.workflow, submission.status),
        record=found,
        labels={s.id: tr(s.label) for s in definition.workflow.statuses},
        transitions=rules.transitions_for(
            definition.workflow,
            submission.status,
            "staff",
            conditions(definition, submission, now()),
        ),
        asks=_ask_transition(definition, submission) is not None,
        holder=holder,
        holder_name=holder_name,
        mine=holder == user.id,
        supervisor=user.is_supervisor,
        colleagues=[
            (u.id, (u.name_en if lang == "en" else u.name_ar) or u.username) for u in colleagues
        ],
        errors=errors or {},
        form=form or {},
        note_max=NOTE_MAX,
    ), status


def _ask_transition(definition: ServiceDefinition, submission: Submission) -> Transition | None:
    """The staff move into a status that waits for the citizen, if the workflow has one
    from here (what "wait for the applicant's reply" makes)."""
    applies = conditions(definition, submission, now())
    for t_ in rules.transitions_for(definition.workflow, submission.status, "staff", applies):
        if rules.waiting_for(definition.workflow, t_.to) == rules.CITIZEN:
            return t_
    return None


@bp.get("/requests/<token>", endpoint="request")
def request_page(token: str) -> Any:
    user = _staff()
    with database().session(write=True) as session:
        submission, definition = _own(session, token, user)
        page = _page(session, user, submission, definition)
        record("view_request", "submission", submission.id, session=session)
        store.mark_read(session, submission.id, reader_role="staff", now=now())
    return page


@bp.get("/requests/<token>/summary.pdf")
def pdf(token: str) -> Response:
    user = _staff()
    with database().session() as session:
        submission, _ = _own(session, token, user)
    record("download_pdf", "submission", submission.id)
    return document_response(submission)


@bp.get("/files/<token>")
def file(token: str) -> Response:
    from khidma.web.wizard import _disposition

    user = _staff()
    with database().session() as session:
        attachment = session.scalar(select(Attachment).where(Attachment.token == token))
        if attachment is None or attachment.submission is None:
            abort(404)
        _own(session, attachment.submission.token, user)
        data = blobs().get(attachment.blob_key)
    record("download_file", "attachment", attachment.id, submission=attachment.submission_id)
    response = Response(data, mimetype=attachment.content_type)
    response.headers["Content-Disposition"] = _disposition(attachment.filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _version() -> int:
    text = request.form.get("version", "")
    return int(text) if text.isascii() and text.isdigit() else -1


def _back(token: str, anchor: str | None = None) -> BaseResponse:
    return redirect(url_for("backoffice.request", token=token, _anchor=anchor), code=303)


def _again(token: str, user: User, key: str, form: Mapping[str, str], field: str = "action") -> Any:
    """The request's page as it is now, saying why the action was not applied (after the
    transaction that tried it was rolled back)."""
    with database().session() as session:
        submission, definition = _own(session, token, user)
        return _page(
            session, user, submission, definition, errors={field: t(key)}, form=form, status=409
        )


def _refuse(
    session: Session,
    user: User,
    submission: Submission,
    definition: ServiceDefinition,
    key: str,
    form: Mapping[str, str],
    status: int,
    **params: Any,
) -> tuple[str, int]:
    return _page(
        session,
        user,
        submission,
        definition,
        errors={"action": t(key, **params)},
        form=form,
        status=status,
    )


@dataclass(frozen=True)
class _Done:
    """A staff action that went through: what to flash, and where on the request's page
    to come back to."""

    message: str
    anchor: str | None = None


# An action on one request, in its write transaction: `_Done`, or the page saying why not.
Action = Callable[[Session, User, Submission, ServiceDefinition], Any]


def _act(
    token: str, action: Action, form: Mapping[str, str] | None = None, field: str = "action"
) -> Any:
    """Run `action` on the request `token` of the signed-in staff member's agency, in one
    write transaction; back to the request's page when it is done. A request changed
    meanwhile (`store.Changed`: the transaction is rolled back) shows the page again,
    with `form` as typed and the error at `field`."""
    user = _staff()
    try:
        with database().session(write=True) as session:
            submission, definition = _own(session, token, user)
            outcome = action(session, user, submission, definition)
            if not isinstance(outcome, _Done):
                return outcome
    except store.Changed:
        return _again(token, user, "backoffice.error.changed", form or {}, field)
    flash(outcome.message, "success")
    return _back(token, outcome.anchor)


@bp.post("/requests/<token>/claim")
def claim(token: str) -> Any:
    def act(
        session: Session, user: User, submission: Submission, definition: ServiceDefinition
    ) -> Any:
        holder = submission.assigned_to
        if holder not in (None, user.id):
            name = user_names(session, {holder}).get(holder, "") if holder is not None else ""
            return _refuse(
                session, user, submission, definition, "backoffice.error.held", {}, 409, name=name
            )
        if holder is None:
            store.claim(session, submission, version=_version(), user_id=user.id)
            record("claim", "submission", submission.id, session=session)
        return _Done(t("backoffice.claimed"))

    return _act(token, act)


@bp.post("/requests/<token>/release")
def release(token: str) -> Any:
    def act(
        session: Session, user: User, submission: Submission, definition: ServiceDefinition
    ) -> Any:
        if submission.assigned_to != user.id:
            return _refuse(
                session, user, submission, definition, "backoffice.error.not_holder", {}, 409
            )
        store.release(session, submission, version=_version(), user_id=user.id)
        record("release", "submission", submission.id, session=session)
        return _Done(t("backoffice.released"))

    return _act(token, act)


@bp.post("/requests/<token>/assign")
def assign(token: str) -> Any:
    choice = request.form.get("assignee", "")

    def act(
        session: Session, user: User, submission: Submission, definition: ServiceDefinition
    ) -> Any:
        if not user.is_supervisor:
            return _refuse(
                session, user, submission, definition, "backoffice.error.supervisor", {}, 403
            )
        assignee = session.get(User, int(choice)) if choice.isascii() and choice.isdigit() else None
        if (
            assignee is None
            or assignee.role is not Role.STAFF
            or assignee.agency_id != user.agency_id
            or not assignee.is_active
        ):
            return _refuse(
                session, user, submission, definition, "backoffice.error.assignee", {}, 400
            )
        store.reassign(session, submission, version=_version(), to_user_id=assignee.id)
        record("reassign", "submission", submission.id, session=session, to=assignee.id)
        return _Done(t("backoffice.assigned"))

    return _act(token, act)


@bp.post("/requests/<token>/transition")
def transition(token: str) -> Any:
    to = request.form.get("to", "")
    note = request.form.get("note", "").strip()
    form = {"to": to, "note": note}

    def act(
        session: Session, user: User, submission: Submission, definition: ServiceDefinition
    ) -> Any:
        refusal = _transition_refusal(session, user, submission, definition, to, note, form)
        if refusal is not None:
            return refusal
        return _Done(t("backoffice.moved", status=status_label(definition, to)))

    return _act(token, act, form)


def _transition_refusal(
    session: Session,
    user: User,
    submission: Submission,
    definition: ServiceDefinition,
    to: str,
    note: str,
    form: Mapping[str, str],
) -> Any:
    """Make the move, or the page saying why not (`store.Changed` passes through)."""
    if submission.assigned_to != user.id:
        return _refuse(
            session, user, submission, definition, "backoffice.error.not_holder", form, 409
        )
    if len(note) > NOTE_MAX:
        return _refuse(
            session,
            user,
            submission,
            definition,
            "backoffice.error.too_long",
            form,
            400,
            max=NOTE_MAX,
        )
    # A move that waits for the applicant is also a message to them (what to answer, and
    # "لديك رسالة"): its notification is the message's, not a second one for the status.
    asks = rules.waiting_for(definition.workflow, to) == rules.CITIZEN and bool(note)
    moment = now()
    try:
        make_transition(
            session,
            definition,
            submission,
            to=to,
            role="staff",
            actor=user,
            note=note,
            version=_version(),
            now=moment,
            notify=not asks,
        )
    except Refused as refused:
        if refused.refusal is rules.Refusal.NOTE_REQUIRED:
            key, code = "backoffice.error.note_required", 400
        else:
            key, code = "backoffice.error.not_allowed", 409
        return _refuse(session, user, submission, definition, key, form, code)
    if asks:
        send_message(
            session, definition, submission, role="staff", author=user, body=note, now=moment
        )
    return None


def _documents(text: str) -> list[str]:
    return [line.strip()[:200] for line in text.splitlines() if line.strip()][:DOCUMENTS_MAX]


@bp.post("/requests/<token>/message")
def message(token: str) -> Any:
    body = request.form.get("body", "").strip()
    documents_text = request.form.get("documents", "")
    ask = request.form.get("ask") == "1"
    form = {"body": body, "documents": documents_text, "ask": "1" if ask else ""}

    def act(
        session: Session, user: User, submission: Submission, definition: ServiceDefinition
    ) -> Any:
        errors: dict[str, str] = {}
        if submission.assigned_to != user.id:
            errors["message"] = t("backoffice.error.not_holder")
        elif not body:
            errors["body"] = t("backoffice.error.body")
        elif len(body) > NOTE_MAX:
            errors["body"] = t("backoffice.error.too_long", max=NOTE_MAX)
        if errors:
            return _page(
                session, user, submission, definition, errors=errors, form=form, status=400
            )
        moment = now()
        asked = _ask_transition(definition, submission) if ask else None
        if asked is not None:
            make_transition(
                session,
                definition,
                submission,
                to=asked.to,
                role="staff",
                actor=user,
                note=body,
                version=_version(),
                now=moment,
                notify=False,  # the message's own notification says it all
            )
        elif _version() != submission.version:
            raise store.Changed(submission.id)
        send_message(
            session,
            definition,
            submission,
            role="staff",
            author=user,
            body=body,
            now=moment,
            documents=_documents(documents_text),
        )
        record("message", "submission", submission.id, session=session)
        return _Done(t("backoffice.sent"), "messages")

    return _act(token, act, form, "message")
