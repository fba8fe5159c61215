"""What a request's page shows besides its answers: attachments, history and messages.

The citizen's request page, the staff request page and the auditor's read-only page show
the same three records of a request. They differ only in who is looking: the citizen
sees no staff names, staff see who acted, the auditor sees the role that acted; each
viewer's unread marker is for messages from the other side; each downloads files from
its own route. `load_record` reads the rows once and shapes them for one viewer; the
partials `request/_files.html`, `request/_history.html` and `request/_messages.html`
render them, so the three pages cannot drift apart. The auditor's page also shows the
payments (`payments/_history.html`, read only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from khidma.definitions.model import ServiceDefinition
from khidma.storage.models import Attachment
from khidma.storage.models import Message
from khidma.storage.models import StatusEvent
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.web.i18n import current_lang
from khidma.web.i18n import t
from khidma.web.i18n import tr

Viewer = Literal["citizen", "staff", "auditor"]
OFFICIAL_ROLES = ("staff", "auditor", "admin", "citizen")


@dataclass(frozen=True)
class FileLink:
    name: str
    size: int
    url: str | None


@dataclass(frozen=True)
class HistoryLine:
    status: str
    at: dt.datetime
    note: str | None
    actor: str = ""  # who moved it, as this viewer may know it ("" for nobody named)


@dataclass(frozen=True)
class MessageLine:
    id: int
    from_applicant: bool
    author: str  # the staff member's name, for staff viewers only
    body: str
    at: dt.datetime
    documents: list[str]
    files: list[FileLink]
    unread: bool  # from the other side and not read yet


@dataclass(frozen=True)
class RequestRecord:
    files: list[FileLink]  # the answers' attachments (a reply's files are on its message)
    history: list[HistoryLine]
    messages: list[MessageLine]

    @property
    def unread(self) -> set[int]:
        return {m.id for m in self.messages if m.unread}


def file_url(viewer: Viewer, submission: Submission, attachment: Attachment) -> str:
    """Where this viewer downloads the file: each from its own, access-checked route."""
    if viewer == "staff":
        return url_for("backoffice.file", token=attachment.token)
    if viewer == "auditor":
        return url_for("audit.attachment", token=submission.token, file_token=attachment.token)
    return url_for("wizard.file", token=attachment.token)


def load_record(
    session: Session,
    submission: Submission,
    definition: ServiceDefinition | None,
    viewer: Viewer,
) -> RequestRecord:
    events = list(
        session.scalars(
            select(StatusEvent)
            .where(StatusEvent.submission_id == submission.id)
            .order_by(StatusEvent.created_at, StatusEvent.id)
        )
    )
    messages = list(
        session.scalars(
            select(Message)
            .where(Message.submission_id == submission.id)
            .order_by(Message.created_at, Message.id)
        )
    )
    attachments = list(
        session.scalars(
            select(Attachment)
            .where(Attachment.submission_id == submission.id)
            .order_by(Attachment.field_id, Attachment.item_index, Attachment.id)
        )
    )
    names = (
        user_names(
            session,
            {e.actor_user_id for e in events if e.actor_user_id is not None}
            | {m.author_user_id for m in messages if m.author_user_id is not None},
        )
        if viewer == "staff"
        else {}
    )
    by_message: dict[int, list[FileLink]] = {}
    for a in attachments:
        if a.message_id is not None:
            by_message.setdefault(a.message_id, []).append(
                FileLink(a.filename, a.size, file_url(viewer, submission, a))
            )

    def actor(event: StatusEvent) -> str:
        if viewer == "citizen":
            return ""
        if viewer == "staff":
            if event.actor_role == "system":
                return t("backoffice.by_system")
            if event.actor_role == "staff" and event.actor_user_id is not None:
                return names.get(event.actor_user_id, "")
            return ""
        role = event.actor_role or ""
        return t("auth.role." + role) if role in OFFICIAL_ROLES else role

    def unread(m: Message) -> bool:
        if m.read_at is not None or viewer == "auditor":
            return False
        from_citizen = m.author_role == "citizen"
        return from_citizen if viewer == "staff" else not from_citizen

    return RequestRecord(
        files=[
            FileLink(a.filename, a.size, file_url(viewer, submission, a))
            for a in attachments
            if a.message_id is None
        ],
        history=[
            HistoryLine(status_label(definition, e.to_status), e.created_at, e.note, actor(e))
            for e in events
        ],
        messages=[
            MessageLine(
                m.id,
                m.author_role == "citizen",
                names.get(m.author_user_id or 0, "") if m.author_role != "citizen" else "",
                m.body,
                m.created_at,
                list(m.documents or []),
                by_message.get(m.id, []),
                unread(m),
            )
            for m in messages
        ],
    )


def status_label(definition: ServiceDefinition | None, status: str) -> str:
    """The status's label in the user's language (its id when the workflow lacks it)."""
    found = definition.workflow.status(status) if definition is not None else None
    return tr(found.label) if found is not None else status


def user_names(session: Session, ids: set[int]) -> dict[int, str]:
    """User id → the name to show, in the page's language (the username when none)."""
    if not ids:
        return {}
    lang = current_lang()
    return {
        u.id: (u.name_en if lang == "en" and u.name_en else u.name_ar) or u.username or str(u.id)
        for u in session.scalars(select(User).where(User.id.in_(ids)))
    }
