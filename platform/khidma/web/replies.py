"""The citizen's reply to the agency: text and one upload per document asked for, which
makes the workflow's citizen move out of the status that waited for them (e.g.
`needs_info → in_progress`). The view is `account.reply`; this module decides whether a
reply is open, which documents it asks for, checks the uploads like every upload (what
the bytes are, never the name; not empty; not too large) and writes it all in one
transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from khidma.definitions.model import ServiceDefinition
from khidma.definitions.model import Transition
from khidma.engine import workflow as rules
from khidma.engine.messages import message
from khidma.engine.upload_content import content_problem
from khidma.engine.uploads import CONTENT_TYPES
from khidma.engine.uploads import safe_filename
from khidma.engine.uploads import sniff
from khidma.fields.file import DEFAULT_MAX_SIZE_MB
from khidma.storage.blobs import blob_key
from khidma.storage.models import Attachment
from khidma.storage.models import Message
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.web.context import blobs
from khidma.web.context import now
from khidma.web.i18n import current_lang
from khidma.web.i18n import t
from khidma.web.lifecycle import conditions
from khidma.web.lifecycle import make_transition
from khidma.web.lifecycle import send_message
from khidma.web.wizard import _scan_problem

__all__ = ["ACCEPT", "BODY_MAX", "ReplyState", "reply_state", "save_reply", "withdrawal"]

ACCEPT = ("pdf", "jpeg", "png")
BODY_MAX = 2000


@dataclass(frozen=True)
class ReplyState:
    transition: Transition | None  # the move a reply makes; None: no reply possible
    documents: tuple[str, ...]  # asked for since the citizen last wrote

    @property
    def open(self) -> bool:
        return self.transition is not None


def reply_state(
    definition: ServiceDefinition | None, submission: Submission, messages: Sequence[Message]
) -> ReplyState:
    if definition is None:
        return ReplyState(None, ())
    workflow = definition.workflow
    if rules.waiting_for(workflow, submission.status) != rules.CITIZEN:
        return ReplyState(None, ())
    onward = [
        t_
        for t_ in rules.transitions_for(
            workflow, submission.status, rules.CITIZEN, conditions(definition, submission, now())
        )
        if not rules.is_final(workflow, t_.to)
    ]
    if not onward:
        return ReplyState(None, ())
    documents: list[str] = []
    for m in messages:
        if m.author_role == rules.CITIZEN:
            documents = []
        else:
            documents += [d for d in (m.documents or []) if d not in documents]
    return ReplyState(onward[0], tuple(documents))


def withdrawal(definition: ServiceDefinition | None, submission: Submission) -> Transition | None:
    """The citizen's move from here into a final status (withdrawing), if the workflow has
    one."""
    if definition is None:
        return None
    workflow = definition.workflow
    applies = conditions(definition, submission, now())
    for t_ in rules.transitions_for(workflow, submission.status, rules.CITIZEN, applies):
        if rules.is_final(workflow, t_.to):
            return t_
    return None


@dataclass(frozen=True)
class Upload:
    data: bytes
    kind: str
    name: str


def check_uploads(
    state: ReplyState, files: Sequence[FileStorage | None], body: str
) -> tuple[list[Upload | None], dict[str, str]]:
    """The uploads, one per asked document (None where none came), and the errors by
    form field (`body`, `file-<i>`), in the user's language."""
    errors: dict[str, str] = {}
    uploads: list[Upload | None] = []
    max_bytes = DEFAULT_MAX_SIZE_MB * 1024 * 1024
    for i, document in enumerate(state.documents):
        storage = files[i] if i < len(files) else None
        name = (storage.filename or "") if storage is not None else ""
        data = storage.read() if storage is not None and name else b""
        if storage is not None:
            storage.close()
        kind = sniff(data) if data else None
        if not name:
            errors[f"file-{i}"] = t("reply.error.missing", document=document)
        elif not data:
            errors[f"file-{i}"] = t("reply.error.empty", name=name)
        elif len(data) > max_bytes:
            errors[f"file-{i}"] = t("reply.error.size", name=name, max=DEFAULT_MAX_SIZE_MB)
        elif kind is None or kind not in ACCEPT:
            errors[f"file-{i}"] = t("reply.error.type", name=name)
        elif problem := content_problem(data, kind) or _scan_problem(data):
            # active content, a decompression bomb, malware: the wizard's checks
            errors[f"file-{i}"] = message(problem, current_lang(), {"name": name})
        uploads.append(Upload(data, kind, name) if kind and f"file-{i}" not in errors else None)
    if not body and not state.documents:
        errors["body"] = t("reply.error.body")
    elif len(body) > BODY_MAX:
        errors["body"] = t("backoffice.error.too_long", max=BODY_MAX)
    return uploads, errors


def save_reply(
    session: Session,
    definition: ServiceDefinition,
    submission: Submission,
    state: ReplyState,
    user: User,
    body: str,
    uploads: Sequence[Upload | None],
    now: dt.datetime,
) -> None:
    """The message, its files and the citizen's move, in the caller's transaction
    (`store.Changed` when the request moved on meanwhile: nothing is kept)."""
    assert state.transition is not None
    make_transition(
        session,
        definition,
        submission,
        to=state.transition.to,
        role=rules.CITIZEN,
        actor=user,
        note=None,
        version=submission.version,
        now=now,
        notify=False,  # the citizen made this move: no SMS telling them they did
    )
    message = send_message(
        session, definition, submission, role=rules.CITIZEN, author=user, body=body, now=now
    )
    for i, upload in enumerate(uploads):
        if upload is None:
            continue
        session.add(
            Attachment(
                field_id=f"reply-{i}",
                filename=safe_filename(upload.name, upload.kind),
                content_type=CONTENT_TYPES[upload.kind],
                size=len(upload.data),
                sha256=blob_key(upload.data),
                blob_key=blobs().put(upload.data),
                kind=upload.kind,
                owner_user_id=user.id,
                submission=submission,
                message_id=message.id,
                created_at=now,
            )
        )
