"""My account: the signed-in citizen's requests and drafts, one request's page, its PDF
summary and its rating.

Every lookup is by the unguessable token *and* the signed-in user's id, so another
person's token answers 404 exactly like a token that does not exist. Nothing here signs
anyone in: the identity layer puts the user on `g.user` (and its access table keeps
anonymous visitors out); without one the pages answer 404 rather than guess.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse

from khidma import formatting
from khidma.definitions.errors import DefinitionError
from khidma.definitions.model import ServiceDefinition
from khidma.engine.summary import Summary
from khidma.engine.summary import subject_line
from khidma.engine.wizard import plan
from khidma.payments.display import submitted_summary
from khidma.storage.models import Draft
from khidma.storage.models import Message
from khidma.storage.models import Rating
from khidma.storage.models import Role
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.storage.payments import kept_fee
from khidma.web.context import database
from khidma.web.context import now
from khidma.web.context import pinned_definition
from khidma.web.context import registry
from khidma.web.context import today
from khidma.web.i18n import current_lang
from khidma.web.i18n import t
from khidma.web.i18n import tr
from khidma.web.request_record import load_record
from khidma.web.request_record import status_label

log = logging.getLogger(__name__)

bp = Blueprint("account", __name__, url_prefix="/account")

STARS = (1, 2, 3, 4, 5)
COMMENT_MAX = 1000


# --------------------------------------------------------------------------- dates


def day_text(value: dt.datetime | dt.date | str | None, lang: str | None = None) -> str:
    """The day of a timestamp or date, Hijri with the Gregorian beside it."""
    return str(formatting.day_text(value, lang or current_lang()))


def when_text(value: dt.datetime | str | None, lang: str | None = None) -> str:
    """A timestamp as Saudi local time: the day (Hijri and Gregorian) and hh:mm."""
    return str(formatting.moment_text(value, lang or current_lang()))


@bp.app_template_filter("khidma_day")
def _day_filter(value: Any) -> str:
    return day_text(value)


@bp.app_template_filter("khidma_when")
def _when_filter(value: Any) -> str:
    return when_text(value)


# --------------------------------------------------------------------------- definitions


def definition_of(service_id: str, content_hash: str) -> ServiceDefinition | None:
    """The definition version a draft or request was made with (see
    `wizard.pinned_definition`). When that version cannot be had (its stored source no
    longer compiles), the current version stands in so the citizen still sees their
    request; None only for a service the platform no longer knows at all."""
    try:
        return pinned_definition(service_id, content_hash)
    except (DefinitionError, NotFound):
        log.warning("version %s of %s is not available", content_hash[:12], service_id)
        return registry().get(service_id)


def service_title(definition: ServiceDefinition | None, service_id: str) -> str:
    return tr(definition.title) if definition is not None else service_id


# --------------------------------------------------------------------------- who


def signed_in() -> User:
    """The signed-in user; 404 for anyone else (the identity layer's access table sends
    anonymous visitors to sign in before a view runs)."""
    user = g.get("user")
    if user is None or getattr(user, "id", None) is None:
        abort(404)
    assert isinstance(user, User)
    return user


def own_submission(session: Session, token: str, user: User) -> Submission:
    submission = session.scalar(
        select(Submission).where(Submission.token == token, Submission.user_id == user.id)
    )
    if submission is None:
        abort(404)
    return submission


def _endpoint_url(endpoint: str, **values: Any) -> str | None:
    """`url_for`, or None while the blueprint that serves `endpoint` is not registered."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


# --------------------------------------------------------------------------- the list


@dataclass(frozen=True)
class RequestLine:
    """One row of "my requests", as the portal lists them."""

    token: str
    reference: str
    service: str
    subject: str  # what the request is about (`summary.subject_line`)
    submitted_at: dt.datetime
    beneficiary: str
    status: str
    unread: int  # messages from the agency not read yet


REQUESTS_PER_PAGE = 20


@dataclass(frozen=True)
class DraftLine:
    token: str
    service: str
    updated_at: dt.datetime
    expires_at: dt.datetime | None
    resume_url: str | None


def _unread(session: Session, submission_ids: Sequence[int]) -> dict[int, int]:
    """Submission id → how many of its messages from the agency are unread (absent: 0)."""
    if not submission_ids:
        return {}
    rows = session.execute(
        select(Message.submission_id, func.count())
        .where(
            Message.submission_id.in_(submission_ids),
            Message.read_at.is_(None),
            Message.author_role != Role.CITIZEN.value,
        )
        .group_by(Message.submission_id)
    )
    return {submission_id: count for submission_id, count in rows}


def _first_page(definition: ServiceDefinition, draft: Draft) -> str:
    wizard = plan(
        definition,
        draft.answers,
        today=today(),
        instructions_accepted=draft.accepted_instructions_at is not None,
    )
    return wizard.pages[0].id if wizard.pages else definition.steps[0].id


@bp.get("")
def index() -> str:
    user = signed_in()
    with database().session() as session:
        submissions, older = _requests_page(session, user.id, request.args.get("before"))
        unread = _unread(session, [s.id for s in submissions])
        lang = current_lang()
        requests = []
        for s in submissions:
            definition = definition_of(s.service_id, s.definition_hash)
            requests.append(
                RequestLine(
                    token=s.token,
                    reference=s.reference,
                    service=service_title(definition, s.service_id),
                    subject=subject_line(definition, s.answers, lang) if definition else "",
                    submitted_at=s.submitted_at,
                    beneficiary=s.applicant_name,
                    status=status_label(definition, s.status),
                    unread=unread.get(s.id, 0),
                )
            )
        drafts = []
        moment = now()
        for d in (
            ()
            if before_shown()
            else session.scalars(
                select(Draft)
                .where(Draft.user_id == user.id)
                .order_by(Draft.updated_at.desc(), Draft.id.desc())
            )
        ):
            if d.expires_at is not None and d.expires_at <= moment:
                continue
            definition = definition_of(d.service_id, d.definition_hash)
            if definition is None:
                continue
            page_id = d.current_step or _first_page(definition, d)
            drafts.append(
                DraftLine(
                    token=d.token,
                    service=tr(definition.title),
                    updated_at=d.updated_at,
                    expires_at=d.expires_at,
                    resume_url=_endpoint_url("wizard.page", token=d.token, page_id=page_id),
                )
            )
    return render_template(
        "account/index.html",
        requests=requests,
        drafts=drafts,
        older=older,
        paged=before_shown(),
    )


def before_shown() -> bool:
    """Whether this is a later page of "my requests" (drafts are listed on the first)."""
    return bool(request.args.get("before"))


def _requests_page(
    session: Session, user_id: int, before: str | None
) -> tuple[list[Submission], int | None]:
    """One page of the user's requests, newest first, and the cursor of the next page
    (the id of the last one shown) when there are more. Keyset pagination: the page after
    a request is the ones submitted before it, read from the (user_id, submitted_at)
    index however many requests the account has. A cursor that is not one of the user's
    requests starts again at the newest."""
    query = select(Submission).where(Submission.user_id == user_id)
    if before is not None and before.isdigit():
        mark = session.execute(
            select(Submission.submitted_at, Submission.id).where(
                Submission.id == int(before), Submission.user_id == user_id
            )
        ).first()
        if mark is not None:
            query = query.where(
                tuple_(Submission.submitted_at, Submission.id) < tuple_(mark[0], mark[1])
            )
    rows = list(
        session.scalars(
            query.order_by(Submission.submitted_at.desc(), Submission.id.desc()).limit(
                REQUESTS_PER_PAGE + 1
            )
        )
    )
    more = len(rows) > REQUESTS_PER_PAGE
    rows = rows[:REQUESTS_PER_PAGE]
    return rows, rows[-1].id if more and rows else None


@bp.post("/drafts/<token>/discard")
def discard_draft(token: str) -> BaseResponse:
    user = signed_in()
    with database().session(write=True) as session:
        draft = session.scalar(select(Draft).where(Draft.token == token, Draft.user_id == user.id))
        if draft is None:
            abort(404)
        session.delete(draft)
    flash(t("account.draft_discarded"), "success")
    return redirect(url_for("account.index"), code=303)


# --------------------------------------------------------------------------- one request


def request_summary(
    definition: ServiceDefinition, submission: Submission, lang: str, session: Session
) -> Summary:
    """The request's summary with the fee kept at submit time."""
    return submitted_summary(definition, submission, lang, kept_fee(session, submission))


def _request_page(
    submission: Submission,
    session: Session,
    *,
    rating_errors: dict[str, str] | None = None,
    rating_input: dict[str, str] | None = None,
    reply_errors: dict[str, str] | None = None,
    reply_input: dict[str, str] | None = None,
) -> str:
    from khidma.web.lifecycle import current_due
    from khidma.web.replies import ACCEPT
    from khidma.web.replies import BODY_MAX
    from khidma.web.replies import reply_state
    from khidma.web.replies import withdrawal

    definition = definition_of(submission.service_id, submission.definition_hash)
    record = load_record(session, submission, definition, "citizen")
    rating = session.scalar(select(Rating).where(Rating.submission_id == submission.id))
    found = definition.workflow.status(submission.status) if definition is not None else None
    expected = None if found is None or found.final else current_due(definition, submission)
    return render_template(
        "account/request.html",
        submission=submission,
        definition=definition,
        service=service_title(definition, submission.service_id),
        agency=tr(definition.agency.name) if definition else "",
        status=status_label(definition, submission.status),
        summary=(
            request_summary(definition, submission, current_lang(), session) if definition else None
        ),
        record=record,
        rating=rating,
        rating_enabled=definition is not None and definition.rating_enabled,
        rating_errors=rating_errors or {},
        rating_input=rating_input or {},
        stars=STARS,
        comment_max=COMMENT_MAX,
        due=expected,
        reply=reply_state(definition, submission, submission.messages),
        withdrawal=withdrawal(definition, submission),
        reply_errors=reply_errors or {},
        reply_input=reply_input or {},
        reply_max=BODY_MAX,
        reply_accept=",".join("." + k if k != "jpeg" else ".jpg,.jpeg" for k in ACCEPT),
    )


def _mark_read(submission_id: int) -> None:
    with database().session(write=True) as session:
        for message in session.scalars(
            select(Message).where(
                Message.submission_id == submission_id,
                Message.read_at.is_(None),
                Message.author_role != Role.CITIZEN.value,
            )
        ):
            message.read_at = now()


@bp.get("/requests/<token>", endpoint="request")
def request_page(token: str) -> str:
    user = signed_in()
    with database().session() as session:
        submission = own_submission(session, token, user)
        page = _request_page(submission, session)
        unread = _unread(session, [submission.id])
    if unread:  # opening the request is reading its messages (shown as new this once)
        _mark_read(submission.id)
    return page


def _pdf_filename(submission: Submission) -> str:
    reference = submission.reference.replace("/", "-")
    return f"{submission.service_id}-{reference}.pdf"


@bp.get("/requests/<token>/summary.pdf")
def request_pdf(token: str) -> Response:
    user = signed_in()
    with database().session() as session:
        submission = own_submission(session, token, user)
    return document_response(submission)


def document_response(submission: Submission) -> Response:
    """The request's current document (its final one once issued, else the one of its
    submission) in the user's language, as stored; drawn and stored first if it never
    was (a request submitted before documents were issued, or in the other language)."""
    from khidma.trust import documents

    lang = current_lang()
    definition = definition_of(submission.service_id, submission.definition_hash)
    with database().session() as session:
        event = documents.current_event(session, submission, definition)
        document = documents.latest(session, submission.id, lang)
    if document is None or document.event != event:
        if definition is None:
            abort(404)
        document = documents.issue_outside(
            database(), submission, definition, event=event, lang=lang
        )
    stream = documents.open_document(document)
    response = Response(documents.chunks(stream), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{_pdf_filename(submission)}"'
    response.headers["Content-Length"] = str(document.size)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["ETag"] = f'"{document.sha256}"'
    return response


@bp.post("/requests/<token>/rate")
def rate(token: str) -> Any:
    user = signed_in()
    stars_text = request.form.get("stars", "").strip()
    comment = request.form.get("comment", "").strip()
    errors: dict[str, str] = {}
    stars = int(stars_text) if stars_text.isascii() and stars_text.isdigit() else 0
    if stars not in STARS:
        errors["stars"] = t("rating.error.stars")
    if len(comment) > COMMENT_MAX:
        errors["comment"] = t("rating.error.comment", max=COMMENT_MAX)
    with database().session() as session:
        submission = own_submission(session, token, user)
        definition = definition_of(submission.service_id, submission.definition_hash)
        if definition is None or not definition.rating_enabled:
            abort(404)
        already = session.scalar(select(Rating.id).where(Rating.submission_id == submission.id))
        if already is None and errors:
            page = _request_page(
                submission,
                session,
                rating_errors=errors,
                rating_input={"stars": stars_text, "comment": comment},
            )
            return page, 400
    if already is None:
        try:
            with database().session(write=True) as session:
                session.add(
                    Rating(
                        service_id=submission.service_id,
                        stars=stars,
                        user_id=user.id,
                        submission_id=submission.id,
                        comment=comment or None,
                        created_at=now(),
                    )
                )
        except IntegrityError:  # rated meanwhile (another tab): one rating per request
            already = -1
    if already is not None:
        flash(t("rating.already"), "info")
    else:
        flash(t("rating.thanks"), "success")
    return redirect(url_for("account.request", token=token, _anchor="rating"), code=303)


@bp.post("/requests/<token>/reply")
def reply(token: str) -> Any:
    """The citizen's answer to the agency: text and the documents asked for, which makes
    the workflow's citizen move (see `khidma.web.replies`)."""
    from khidma.storage.requests import Changed
    from khidma.web.replies import check_uploads
    from khidma.web.replies import reply_state
    from khidma.web.replies import save_reply

    user = signed_in()
    body = request.form.get("body", "").strip()
    try:
        with database().session(write=True) as session:
            submission = own_submission(session, token, user)
            definition = definition_of(submission.service_id, submission.definition_hash)
            state = reply_state(definition, submission, submission.messages)
            if definition is None or not state.open:
                flash(t("reply.closed"), "info")
                return redirect(url_for("account.request", token=token), code=303)
            files = [request.files.get(f"file-{i}") for i in range(len(state.documents))]
            uploads, errors = check_uploads(state, files, body)
            if errors:
                return _request_page(
                    submission, session, reply_errors=errors, reply_input={"body": body}
                ), 400
            save_reply(session, definition, submission, state, user, body, uploads, now())
    except Changed:
        flash(t("reply.closed"), "info")
        return redirect(url_for("account.request", token=token), code=303)
    flash(t("reply.sent"), "success")
    return redirect(url_for("account.request", token=token, _anchor="messages"), code=303)


@bp.post("/requests/<token>/withdraw")
def withdraw(token: str) -> Any:
    """The citizen withdraws their request, where the workflow lets them (a citizen move
    into a final status), after ticking the confirmation."""
    from khidma.storage.requests import Changed
    from khidma.web.lifecycle import make_transition
    from khidma.web.replies import withdrawal

    user = signed_in()
    try:
        with database().session(write=True) as session:
            submission = own_submission(session, token, user)
            definition = definition_of(submission.service_id, submission.definition_hash)
            move = withdrawal(definition, submission)
            if definition is None or move is None:
                flash(t("reply.closed"), "info")
                return redirect(url_for("account.request", token=token), code=303)
            if request.form.get("confirm") != "1":
                errors = {"withdraw": t("reply.error.confirm")}
                return _request_page(submission, session, reply_errors=errors), 400
            make_transition(
                session,
                definition,
                submission,
                to=move.to,
                role="citizen",
                actor=user,
                note=None,
                version=submission.version,
                now=now(),
            )
    except Changed:
        flash(t("reply.closed"), "info")
        return redirect(url_for("account.request", token=token), code=303)
    flash(t("reply.withdrawn"), "success")
    return redirect(url_for("account.request", token=token), code=303)
