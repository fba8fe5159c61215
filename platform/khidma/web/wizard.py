"""The wizard: start a request, fill its steps, review, submit.

Every action is a plain POST followed by a redirect, so the whole journey works without
JavaScript. htmx enhances it: a change re-renders only the blocks the dependency graph
says it affects (`refresh`), and adding or removing a group's item swaps that group in
place. Answers are saved on every post of a step — what the user typed is never lost:
values the engine refuses are kept as typed (`Draft.raw`) and shown beside their error.
"""

from __future__ import annotations

import datetime as dt
import json
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
from flask import session
from flask import url_for
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response as Redirect

from khidma.definitions.model import Field
from khidma.definitions.model import ServiceDefinition
from khidma.definitions.model import Step
from khidma.definitions.model import Text
from khidma.definitions.snapshot import snapshot
from khidma.engine import wizard as path
from khidma.engine.errors import FieldError
from khidma.engine.evaluate import State
from khidma.engine.evaluate import evaluate
from khidma.engine.prefill import initial_answers
from khidma.engine.summary import build_summary
from khidma.engine.upload_content import content_problem
from khidma.engine.uploads import CONTENT_TYPES
from khidma.engine.uploads import safe_filename
from khidma.engine.uploads import sniff
from khidma.engine.validate import refused_inputs
from khidma.engine.validate import validate_step
from khidma.fields.file import DEFAULT_MAX_FILES
from khidma.fields.file import DEFAULT_MAX_SIZE_MB
from khidma.identity import methods
from khidma.identity.claims import identity_claims
from khidma.payments.display import quoted_fee
from khidma.payments.display import with_fee
from khidma.storage import rows
from khidma.storage.blobs import blob_key
from khidma.storage.models import Attachment
from khidma.storage.models import Draft
from khidma.storage.models import User
from khidma.storage.scan import Verdict
from khidma.storage.scan import VirusScanner
from khidma.storage.snapshots import save_definition
from khidma.web import access
from khidma.web import booking
from khidma.web.auth import sso_provider
from khidma.web.context import blobs
from khidma.web.context import current_definition
from khidma.web.context import database
from khidma.web.context import now
from khidma.web.context import pinned_definition
from khidma.web.context import today
from khidma.web.extensions import htmx
from khidma.web.forms import field_views
from khidma.web.i18n import current_lang
from khidma.web.i18n import t
from khidma.words import word

bp = Blueprint("wizard", __name__)

VISITED = "_visited"  # key in Draft.raw (input paths never start with "_")
MB = 1024 * 1024
TOO_LARGE = 413  # the status of a post refused whole: the draft would hold too much


def identity() -> dict[str, Any] | None:
    """The signed-in user's claims, for prefilled and locked fields (worked out once a
    request: the user does not change within one)."""
    user = g.get("user")
    if user is None:
        return None
    known = g.get("_claims")
    if known is None or known[0] is not user:
        known = (user, identity_claims(user))
        g._claims = known
    claims: dict[str, Any] = known[1]
    return claims


def evaluation(
    definition: ServiceDefinition, answers: dict[str, Any], known: State | None = None
) -> State:
    """The evaluation of `answers` for this request (today, the page's language, the
    signed-in identity): `known` when it holds for them, so that a request evaluates its
    answers once and hands the state down (plan, fields, summary, fee)."""
    return evaluate(
        definition, answers, today=today(), lang=current_lang(), identity=identity(), known=known
    )


def sign_in_refused(definition: ServiceDefinition) -> Any | None:
    """The page that asks the signed-in person to sign in another way (a method the
    service accepts) or to verify their identity first, with 403; None when they may
    apply. Whatever the draft holds is kept: signing in again brings them back here."""
    reason = methods.refusal(definition, g.user, session.get("via"))
    if reason is None:
        return None
    back = access.return_path()
    if request.headers.get("HX-Request"):  # reload the whole page, which shows why
        return Response(status=204, headers={"HX-Redirect": back or url_for("catalog.index")})
    accepted = "، " if current_lang() == "ar" else ", "
    names = accepted.join(t(f"security.method.{m}") for m in definition.sign_in.methods)
    return render_template(
        "wizard/sign_in_again.html",
        d=definition,
        reason=reason.value,
        methods=names,
        back=back,
        sso=sso_provider() is not None,
    ), 403


# Built once: building a statement costs more than running it.
_DRAFT_BY_TOKEN = select(Draft).where(Draft.token == bindparam("token"))
_DRAFT_ROW = select(*rows.columns(Draft)).where(Draft.token == bindparam("token"))
_DRAFT_AS_READ = (  # what a step post must find unchanged to save (`_draft_stamp`)
    select(
        Draft.definition_hash,
        Draft.answers,
        Draft.raw,
        Draft.declarations,
        Draft.accepted_instructions_at,
    )
    .where(Draft.id == bindparam("draft_id"))
    .with_for_update()
)
_SAVE_DRAFT = (
    update(Draft)
    .where(Draft.id == bindparam("draft_id"))
    .values(
        answers=bindparam("new_answers"),
        raw=bindparam("new_raw"),
        current_step=bindparam("new_step"),
        expires_at=bindparam("new_expiry"),
    )
)


def owned_draft(session: Session, token: str) -> Draft:
    """The signed-in user's unexpired draft with this token, in `session`; 404 for
    anything else."""
    return _owned(session.scalar(_DRAFT_BY_TOKEN, {"token": token}))


def read_draft(token: str) -> Draft:
    """`owned_draft` for a request that only reads the draft, or saves it itself: read on
    a Core connection, the transaction ended before the page is worked out."""
    with database().connection() as connection:
        row = connection.execute(_DRAFT_ROW, {"token": token}).first()
    return _owned(None if row is None else rows.detached(Draft, row))


def _owned(draft: Draft | None) -> Draft:
    user = g.get("user")
    if draft is None or user is None or draft.user_id != user.id:
        abort(404)
    if draft.expires_at is not None and draft.expires_at < now():
        abort(404)
    return draft


# -- start ----------------------------------------------------------------------------------
@bp.post("/services/<service_id>/start")
def start(service_id: str) -> Any:
    definition = current_definition(service_id)
    refused = sign_in_refused(definition)
    if refused is not None:
        return refused
    with database().session(write=True) as session:
        cap = int(current_app.config["DRAFTS_PER_CITIZEN"])
        # Two starts of one citizen queue on their account row for this short transaction
        # (SQLite's write transactions queue already), so the cap is exact.
        session.execute(select(User.id).where(User.id == g.user.id).with_for_update())
        if _open_drafts(session, g.user.id) >= cap:
            flash(t("security.drafts.too_many", count=cap), "error")
            return redirect(url_for("account.index"), 303)
        save_definition(session, definition, snapshot(definition))
        draft = Draft(
            service_id=definition.id,
            definition_hash=definition.hash,
            user_id=g.user.id,
            answers=initial_answers(definition, identity(), today=today()),
            expires_at=now() + _draft_ttl(),
        )
        session.add(draft)
        session.flush()
        token = draft.token
    first = _plan(definition, draft).pages[0]
    return redirect(url_for("wizard.page", token=token, page_id=first.id))


def _open_drafts(session: Session, user_id: int) -> int:
    """The citizen's drafts not yet expired."""
    query = select(func.count()).where(
        Draft.user_id == user_id, or_(Draft.expires_at.is_(None), Draft.expires_at > now())
    )
    return int(session.scalar(query) or 0)


def _draft_ttl() -> dt.timedelta:
    return dt.timedelta(days=int(current_app.config["DRAFT_TTL_DAYS"]))


def _plan(definition: ServiceDefinition, draft: Draft, state: State | None = None) -> path.Wizard:
    """The draft's wizard; `state`, an evaluation the request already has, is used when
    it holds for the draft's answers (the wizard keeps the one it used, `Wizard.state`)."""
    return path.plan(
        definition,
        draft.answers,
        today=today(),
        identity=identity(),
        instructions_accepted=draft.accepted_instructions_at is not None,
        visited=draft.raw.get(VISITED, []),
        state=evaluation(definition, draft.answers, state),
    )


# -- pages ----------------------------------------------------------------------------------
@bp.route("/drafts/<token>/<page_id>", methods=["GET", "POST"])
def page(token: str, page_id: str) -> Any:
    if request.method == "GET":
        return _page(None, read_draft(token), page_id)
    done = _post_then_save(token, page_id)
    if done is not None:
        return done
    with database().session(write=True) as session:
        return _page(session, owned_draft(session, token), page_id)


def _page(session: Session | None, draft: Draft, page_id: str) -> Any:
    """A page of the draft: drawn for a GET (`session` None: nothing is written), or a
    post taken in `session`, a write transaction."""
    definition = pinned_definition(draft.service_id, draft.definition_hash)
    refused = sign_in_refused(definition)
    if refused is not None:
        return refused
    wizard = _plan(definition, draft)
    current = wizard.page(page_id)
    if current is None:
        abort(404)
    if not wizard.can_open(page_id):
        target = wizard.first_incomplete() or wizard.pages[0]
        return redirect(url_for("wizard.page", token=draft.token, page_id=target.id))
    if current.kind == "instructions":
        return _instructions(draft, definition, wizard, current)
    if current.kind == "review":
        return review(draft, definition, wizard, current, errors=[])
    assert current.step is not None
    if session is None:
        return _render_step(draft, definition, wizard, current, current.step, [])
    return _post_step(session, draft, definition, wizard, current, current.step)


def _post_then_save(token: str, page_id: str) -> Any | None:
    """A step post that stores nothing but the draft (no upload, no slot to hold): the
    checks run in a read transaction and the draft is saved in one short write
    transaction after them, so posts of other drafts do not queue behind this one's
    evaluation and drawing (SQLite lets one writer in at a time). The save happens only
    when the draft is as it was read; otherwise — or for any other post — None: the
    caller does the post again under the write lock from the start."""
    if any(upload and upload.filename for _, upload in request.files.items(multi=True)):
        return None
    draft = read_draft(token)
    definition = pinned_definition(draft.service_id, draft.definition_hash)
    if sign_in_refused(definition) is not None:
        return None
    wizard = _plan(definition, draft)
    current = wizard.page(page_id)
    if current is None or current.step is None or not wizard.can_open(page_id):
        return None
    step = current.step
    if definition.booking and definition.booking.slot_field in {f.id for f in step.fields}:
        return None
    seen = _draft_stamp(draft)
    response = _post_step(None, draft, definition, wizard, current, step)
    if _refused_whole(response):  # nothing of the post is kept
        return response
    new = {
        "draft_id": draft.id,
        "new_answers": draft.answers,
        "new_raw": draft.raw,
        "new_step": draft.current_step,
        "new_expiry": draft.expires_at,
    }
    with database().connection(write=True) as connection:
        fresh = connection.execute(_DRAFT_AS_READ, {"draft_id": draft.id}).first()
        if fresh is None or _draft_stamp(fresh) != seen:
            return None  # changed since it was read (another tab, a submit): start again
        connection.execute(_SAVE_DRAFT, new)
    return response


def _draft_stamp(draft: Any) -> tuple[Any, ...]:
    """What a step post reads of a draft and must find unchanged to save it. Not when it
    was last saved: a save in between that left all of this as it was (the same post
    twice, from a double click or a second tab) changes nothing the checks read. `draft`
    is a `Draft` or a row of `_DRAFT_AS_READ`."""
    return (
        draft.definition_hash,
        json.dumps(draft.answers, sort_keys=True, default=str),
        json.dumps(draft.raw, sort_keys=True, default=str),
        json.dumps(draft.declarations, sort_keys=True, default=str),
        draft.accepted_instructions_at,
    )


def _instructions(
    draft: Draft,
    definition: ServiceDefinition,
    wizard: path.Wizard,
    current: path.Page,
) -> Any:
    if request.method == "POST":
        draft.accepted_instructions_at = now()
        draft.current_step = current.id
        following = _plan(definition, draft, wizard.state).next(current.id)
        return _go(draft.token, following)
    return render_template(
        "wizard/instructions.html", d=definition, draft=draft, wizard=wizard, current=current
    )


@bp.app_context_processor
def helpers() -> dict[str, Any]:
    from khidma.engine.dates import format_date
    from khidma.engine.display import size_text

    def error_href(error: FieldError) -> str:
        if error.child_id is not None and error.item_index is not None:
            return f"#{error.field_id}-{error.item_index}-{error.child_id}"
        return f"#{error.field_id}"

    return {
        "format_date": lambda value: format_date(value, current_lang()),
        "size_text": lambda size: size_text(size, current_lang()),
        "error_href": error_href,
    }


def _go(token: str, target: path.Page | None, anchor: str | None = None) -> Redirect:
    page_id = target.id if target else path.REVIEW
    return redirect(url_for("wizard.page", token=token, page_id=page_id, _anchor=anchor))


def _render_step(
    draft: Draft,
    definition: ServiceDefinition,
    wizard: path.Wizard,
    current: path.Page,
    step: Step,
    errors: list[FieldError],
    status: int = 200,
    state: State | None = None,
) -> Any:
    lang = current_lang()
    state = evaluation(definition, draft.answers, state or wizard.state)
    refused = {k: v for k, v in draft.raw.items() if not k.startswith("_")}
    views = field_views(definition, step.fields, state, draft.answers, refused, errors, lang)
    summary = [(e, e.message(definition, lang, in_summary=True)) for e in errors]
    urls = _urls(draft, current)
    slots = None
    if definition.booking and any(f.id == definition.booking.slot_field for f in step.fields):
        with database().session() as session:
            chosen = {**draft.answers, **refused}  # a refused slot: open on its day
            slots = booking.picker(
                session, definition, chosen, draft.token, now(), lang, urls["page_url"]
            )
    return render_template(
        "wizard/step.html",
        d=definition,
        draft=draft,
        wizard=wizard,
        current=current,
        step=step,
        views=views,
        errors=summary,
        return_to=request.values.get("return"),
        picker=slots,
        **urls,
    ), status


def _urls(draft: Draft, current: path.Page) -> dict[str, str]:
    return {
        "page_url": url_for("wizard.page", token=draft.token, page_id=current.id),
        "refresh_url": url_for("wizard.refresh", token=draft.token, page_id=current.id),
    }


@bp.post("/drafts/<token>/<page_id>/refresh")
def refresh(token: str, page_id: str) -> Any:
    """htmx: the blocks a change affects, re-rendered for the answers in the form (nothing
    is saved, no error is shown: the applicant is still typing)."""
    with database().session() as session:
        draft = owned_draft(session, token)
        definition = pinned_definition(draft.service_id, draft.definition_hash)
        refused = sign_in_refused(definition)
        if refused is not None:
            return refused
        try:
            step = definition.step(page_id)
        except KeyError:
            abort(404)
        raw_input = _form_input(session, draft, step, [], store_uploads=False)
    lang = current_lang()
    answers, errors, checked = validate_step(
        definition, step.id, raw_input, draft.answers, today=today(), identity=identity(), lang=lang
    )
    state = evaluation(definition, answers, checked)
    changed = request.form.get("_changed", "")
    field_id, item = _changed_field(changed, step)
    affected = definition.affects.get(field_id, frozenset()) if field_id else frozenset()
    views = field_views(definition, step.fields, state, answers, refused_inputs(errors), [], lang)
    blocks = []
    for view in views:
        if view.field.id in affected and view.field.type.web.posted != "items":
            blocks.append(view)
        for index, row in enumerate(view.items):
            if index == item:
                blocks.extend(child for child in row if child.field.id in affected)
    # the error summary's entries whose blocks are redrawn here and no longer fail
    shown, failing = request.form.get("_shown", "").split(), {e.path for e in errors}
    redrawn = {b.name.replace("-", ".") for b in blocks}
    mended = [p for p in shown if p in redrawn and p not in failing]
    return render_template(
        "wizard/_refresh.html",
        d=definition,
        blocks=blocks,
        mended=mended,
        still_shown=[p for p in shown if p not in mended],
        draft=draft,
        **_urls(draft, path.Page(step.id, "step", 0, step.title, step)),
    )


def _changed_field(name: str, step: Step) -> tuple[str | None, int | None]:
    """The field (and item) an input name belongs to: `x` or `group-2-child`."""
    ids = {f.id for f in step.fields} | {c.id for f in step.fields for c in f.fields}
    if name in ids:
        return name, None
    parts = name.split("-")
    if len(parts) == 3 and parts[2] in ids and parts[1].isdigit() and len(parts[1]) <= 3:
        return parts[2], int(parts[1])
    return None, None


@bp.get("/files/<token>")
def file(token: str) -> Response:
    """Download one of the signed-in user's own uploads."""
    with database().session() as session:
        attachment = session.scalar(select(Attachment).where(Attachment.token == token))
        if attachment is None or attachment.owner_user_id != g.user.id:
            abort(404)
        data = blobs().get(attachment.blob_key)
    response = Response(data, mimetype=attachment.content_type)
    response.headers["Content-Disposition"] = _disposition(attachment.filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _disposition(filename: str) -> str:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _post_step(
    session: Session | None,
    draft: Draft,
    definition: ServiceDefinition,
    wizard: path.Wizard,
    current: path.Page,
    step: Step,
) -> Any:
    """A post of a step, taken in `session` (uploads stored, a slot held), or with no
    session when it can change nothing but the draft, which the caller then saves
    (`_post_then_save`). Either way the draft object holds the answers it leaves."""
    action = request.form.get("action", "next")
    upload_errors: list[FieldError] = []
    # undone whole when the draft would hold too much
    post = session.begin_nested() if session is not None else None
    try:
        raw_input = _form_input(session, draft, step, upload_errors, store_uploads=post is not None)
    finally:
        for _, upload in request.files.items(multi=True):
            upload.close()  # large uploads are spooled to temporary files
    answers, errors, state = validate_step(
        definition,
        step.id,
        raw_input,
        draft.answers,
        today=today(),
        identity=identity(),
        lang=current_lang(),
    )
    errors = upload_errors + [e for e in errors if e.path not in {u.path for u in upload_errors}]
    answers = _apply_item_action(action, step, answers)
    if session is not None:
        errors += _hold(session, definition, step, answers, draft, action, errors)
    visited = sorted({*draft.raw.get(VISITED, []), step.id})
    raw = {**refused_inputs(errors), VISITED: visited}
    too_big = _over_capacity(step, answers, raw, raw_input)
    if too_big is not None:  # nothing of this post is kept; the form shows it back
        if session is not None and post is not None:
            post.rollback()
            session.refresh(draft)
            session.expunge(draft)
        draft.answers, draft.raw = answers, raw
        return _render_step(draft, definition, wizard, current, step, [too_big], TOO_LARGE, state)
    if post is not None:
        post.commit()
    draft.answers = answers
    draft.raw = raw
    draft.current_step = step.id
    draft.expires_at = now() + _draft_ttl()
    if action.startswith(("add:", "remove:", "remove-file:", "update:")):
        if htmx:
            return _render_step(draft, definition, wizard, current, step, [], state=state)
        group = action.split(":")[1]
        return _go(draft.token, current, anchor="block-" + group)
    if action == "save":
        return redirect(url_for("account.index"))
    # the pages for the new answers, from the evaluation the checks were made on
    if action == "back":
        return _go(draft.token, _plan(definition, draft, state).previous(current.id) or current)
    if errors:
        after = _plan(definition, draft, state)
        return _render_step(draft, definition, after, current, step, errors, state=after.state)
    if request.form.get("return") == "review":
        return _go(draft.token, None, anchor="answer-" + step.id)
    return _go(draft.token, _plan(definition, draft, state).next(current.id))


def _refused_whole(response: Any) -> bool:
    """Whether `_post_step` refused the post whole (the draft would hold too much), so
    that nothing of it may be saved."""
    return isinstance(response, tuple) and response[1] == TOO_LARGE


def _hold(
    session: Session,
    definition: ServiceDefinition,
    step: Step,
    answers: dict[str, Any],
    draft: Draft,
    action: str,
    errors: list[FieldError],
) -> list[FieldError]:
    """Choosing a slot (and going on) holds a place of it for the draft; a refused slot
    is the field's error and is not kept as the answer."""
    block = definition.booking
    if (
        block is None
        or action != "next"
        or block.slot_field not in {f.id for f in step.fields}
        or any(e.field_id == block.slot_field for e in errors)
    ):
        return []
    chosen = booking.choice(definition, answers, draft.token, g.user.id, now())
    refused = chosen.hold(session) if chosen else None
    if refused is None:
        return []
    answers.pop(block.slot_field, None)
    return [refused]


def _over_capacity(
    step: Step, answers: dict[str, Any], raw: dict[str, Any], posted: dict[str, Any]
) -> FieldError | None:
    """An error on the step's largest input when the draft would hold more than
    `DRAFT_MAX_KB` (answers and inputs kept as typed); None when it fits."""
    limit = int(current_app.config["DRAFT_MAX_KB"]) * 1024
    if _size(answers) + _size(raw) <= limit:
        return None
    largest = max(posted, key=lambda k: _size(posted[k]), default=step.fields[0].id)
    kb = int(current_app.config["DRAFT_MAX_KB"])
    text = Text(*(word("security.draft.too_large", lang, kb=kb) for lang in ("ar", "en")))
    return FieldError(largest, "draft.too_large", {"max": kb}, text=text)


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, default=str).encode())


def _form_input(
    session: Session | None,
    draft: Draft,
    step: Step,
    upload_errors: list[FieldError],
    *,
    store_uploads: bool = True,
) -> dict[str, Any]:
    """The posted input of a step, shaped as the engine takes it: scalars as sent, lists
    for checkboxes, items for groups, file references for files (new uploads stored)."""
    form = request.form
    raw: dict[str, Any] = {}
    for f in step.fields:
        if f.type.web.posted == "items":
            count = _int(form.get(f"{f.id}-count"), len(draft.answers.get(f.id) or []))
            stored = draft.answers.get(f.id) or []
            items = []
            for i in range(count):
                before = stored[i] if i < len(stored) else {}
                items.append(
                    {
                        child.id: _one(
                            session,
                            draft,
                            child,
                            f"{f.id}-{i}-{child.id}",
                            before.get(child.id),
                            upload_errors,
                            i,
                            f.id,
                            store_uploads,
                        )
                        for child in f.fields
                        if child.type.holds_value
                    }
                )
            raw[f.id] = items
        elif f.type.holds_value:
            raw[f.id] = _one(
                session, draft, f, f.id, draft.answers.get(f.id), upload_errors, store=store_uploads
            )
    return raw


def _one(
    session: Session | None,
    draft: Draft,
    f: Field,
    name: str,
    stored: Any,
    upload_errors: list[FieldError],
    item: int | None = None,
    group: str | None = None,
    store: bool = True,
) -> Any:
    if f.type.web.posted == "several":
        return request.form.getlist(name)
    if f.type.web.posted == "files":
        refs = list(stored or [])
        limit = f.setting("max_files", DEFAULT_MAX_FILES)
        for upload in request.files.getlist(name) if store else ():
            if upload and upload.filename:
                if len(refs) >= limit:  # counted before anything is stored
                    upload_errors.append(_upload_error(f, "file.too_many", item, group, max=limit))
                    break
                assert session is not None, "uploads are stored in the post's transaction"
                ref = _store_upload(session, draft, f, upload, upload_errors, item, group)
                if ref is not None:
                    refs.append(ref)
        return refs
    return request.form.get(name)


def _store_upload(
    session: Session,
    draft: Draft,
    f: Field,
    upload: FileStorage,
    upload_errors: list[FieldError],
    item: int | None,
    group: str | None,
) -> dict[str, Any] | None:
    name = upload.filename or "file"
    max_mb = f.setting("max_size_mb", DEFAULT_MAX_SIZE_MB)
    data = upload.stream.read(int(max_mb * MB) + 1)  # never more than the limit in memory
    problem: tuple[str, dict[str, Any]] | None = None
    if not data:
        problem = "file.empty", {"name": name}
    elif len(data) > max_mb * MB:
        problem = "file.too_large", {"name": name, "max": max_mb}
    else:
        kind, accept = sniff(data), f.setting("accept", ("pdf", "jpeg", "png"))
        if kind is None or kind not in accept:
            problem = "file.type", {"name": name, "accept": accept}
        elif (code := content_problem(data, kind) or _scan_problem(data)) is not None:
            problem = code, {"name": name}
    if problem is not None:  # refused before anything is stored
        upload_errors.append(_upload_error(f, problem[0], item, group, **problem[1]))
        return None
    assert kind is not None
    key = blobs().put(data)
    attachment = Attachment(
        field_id=f.id,
        filename=safe_filename(name, kind),
        content_type=CONTENT_TYPES[kind],
        size=len(data),
        sha256=blob_key(data),
        blob_key=key,
        kind=kind,
        owner_user_id=draft.user_id,
        draft=draft,
        item_index=item,
    )
    session.add(attachment)
    session.flush()
    return {
        "id": attachment.token,
        "name": attachment.filename,
        "size": attachment.size,
        "kind": kind,
        "sha256": attachment.sha256,
    }


def _scan_problem(data: bytes) -> str | None:
    """The virus-scan hook (`khidma.storage.scan`): a message code, or None."""
    scanner: VirusScanner | None = current_app.extensions.get("khidma.scanner")
    if scanner is None:
        return None
    verdict = scanner.scan(data).verdict
    return {Verdict.INFECTED: "file.infected", Verdict.UNAVAILABLE: "file.unscanned"}.get(verdict)


def _upload_error(
    f: Field, code: str, item: int | None, group: str | None, **params: Any
) -> FieldError:
    return FieldError(f.id if group is None else group, code, params, item, f.id if group else None)


def _int(text: str | None, default: int) -> int:
    try:
        return max(0, min(int(text or default), 100))
    except ValueError:
        return default


def _apply_item_action(action: str, step: Step, answers: dict[str, Any]) -> dict[str, Any]:
    """`add:group`, `remove:group:i`, `remove-file:path:file-id` on the answers."""
    parts = action.split(":")
    groups = {f.id: f for f in step.fields if f.type.web.posted == "items"}
    if parts[0] == "add" and len(parts) == 2 and parts[1] in groups:
        items = list(answers.get(parts[1]) or [])
        if len(items) < (groups[parts[1]].setting("max_items") or 100):
            items.append({})
        answers[parts[1]] = items
    elif parts[0] == "remove" and len(parts) == 3 and parts[1] in groups:
        items = list(answers.get(parts[1]) or [])
        index = _int(parts[2], -1)
        if 0 <= index < len(items):
            del items[index]
        answers[parts[1]] = items
    elif parts[0] == "remove-file" and len(parts) == 3:
        _remove_file(answers, parts[1].split("."), parts[2])
    return answers


def _remove_file(answers: dict[str, Any], where: list[str], file_id: str) -> None:
    if len(where) == 1 and isinstance(answers.get(where[0]), list):
        answers[where[0]] = [r for r in answers[where[0]] if r.get("id") != file_id]
    elif len(where) == 3 and isinstance(answers.get(where[0]), list):
        items = answers[where[0]]
        index = _int(where[1], -1)
        if 0 <= index < len(items) and isinstance(items[index].get(where[2]), list):
            items[index] = {
                **items[index],
                where[2]: [r for r in items[index][where[2]] if r.get("id") != file_id],
            }


def review(
    draft: Any,
    definition: ServiceDefinition,
    wizard: path.Wizard,
    current: path.Page,
    errors: list[FieldError],
    status: int = 200,
    *,
    problem: str | None = None,
) -> Any:
    """The review page; `problem` is an error about the request as a whole (shown in
    the error summary, pointing at the submit button)."""
    lang = current_lang()
    who = identity()
    state = evaluation(definition, draft.answers, wizard.state)
    summary = build_summary(
        definition, draft.answers, lang, today=today(), identity=who, state=state
    )
    fee = quoted_fee(definition, draft.answers, today=today(), identity=who, state=state)
    summary = with_fee(summary, fee)
    steps_of = {f.id: f.step for f in definition.all_fields()}

    def change_url(field_id: str) -> str | None:
        step = steps_of.get(field_id)
        field = definition.field(field_id) if definition.has_field(field_id) else None
        if step is None or (field is not None and (field.readonly or not field.type.changeable)):
            return None
        url = url_for("wizard.page", token=draft.token, page_id=step)
        return f"{url}?return=review#block-{field_id}"

    incomplete = [p for p in wizard.steps if p.id not in wizard.complete]
    messages = [(e, e.message(definition, lang, in_summary=True)) for e in errors]
    if problem:
        messages.append((FieldError("submit-request", "request"), problem))
    return render_template(
        "wizard/review.html",
        d=definition,
        draft=draft,
        wizard=wizard,
        current=current,
        summary=summary,
        change_url=change_url,
        incomplete=incomplete,
        errors=messages,
        accepted=draft.declarations,
    ), status
