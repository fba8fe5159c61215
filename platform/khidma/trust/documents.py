"""A request's documents: its summary PDF drawn once per event and language, signed,
stored in the blob store with its SHA-256, and served as stored ever after.

The events are the submission (`SUBMITTED`, issued when the request is submitted) and
the final decision (`FINAL`, issued by `issue_final_document` when the back office moves
a request to a final status). Each document is PDF/A-3b with the submission's data
embedded as `submission.json` (`Drawing.data`), carries a QR code and a short code for
the public verification page, and is signed PAdES by the platform (`signing`). Its
"issued at" is the time of the event, so the Arabic and English documents of one event,
or one drawn later, tell the same time.

Drawing needs the Flask app (its blob store, signing identity, definitions and the
verification page's address): call these inside an app or request context.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from typing import BinaryIO

from flask import current_app
from flask import url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from khidma.definitions.model import ServiceDefinition
from khidma.payments.display import submitted_summary
from khidma.payments.fees import FeeQuote
from khidma.payments.fees import as_snapshot
from khidma.storage import audit
from khidma.storage.db import Database
from khidma.storage.models import StatusEvent
from khidma.storage.models import Submission
from khidma.storage.payments import kept_fee
from khidma.storage.trust_models import Document
from khidma.storage.types import new_token
from khidma.trust import signing

log = logging.getLogger(__name__)

SUBMITTED, FINAL = "submitted", "final"
FORMAT = "khidma.document/1"
DATA_NAME = "submission.json"
VARIANT = "pdf/a-3b"
LANGS = ("ar", "en")


def identity() -> signing.SigningIdentity:
    """The app's signing identity (made once per app)."""
    found: signing.SigningIdentity | None = current_app.extensions.get("khidma.signing")
    if found is None:
        found = signing.identity_from_settings(current_app.config, current_app.instance_path)
        current_app.extensions["khidma.signing"] = found
    return found


def verify_url(reference: str, code: str) -> str:
    """The public verification page of one document (what its QR code holds)."""
    path = url_for("verify.index", reference=reference, code=code)
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return str(base).rstrip("/") + path
    return url_for("verify.index", reference=reference, code=code, _external=True)


@dataclass(frozen=True)
class Drawing:
    """One document to draw: of `submission` under `definition`, for `event` in `lang`,
    issued at `issued_at` with the verification code `code`; `fee` is the one kept at
    submit time (amount in halalas and its rule), None for a free service."""

    submission: Submission
    definition: ServiceDefinition
    event: str
    lang: str
    issued_at: datetime
    code: str
    fee: FeeQuote | None = None

    def data(self) -> dict[str, Any]:
        """What the document embeds about its request (`submission.json`)."""
        submission, fee = self.submission, self.fee
        return {
            "format": FORMAT,
            "reference": submission.reference,
            "document_code": self.code,
            "event": self.event,
            "lang": self.lang,
            "issued_at": self.issued_at.isoformat(),
            "submitted_at": submission.submitted_at.isoformat(),
            "status": submission.status,
            "definition": {
                "id": submission.service_id,
                "version": submission.definition_version,
                "hash": submission.definition_hash,
            },
            "agency": self.definition.agency.id,
            "answers": submission.answers,
            "declarations": submission.declarations,
            "fee": as_snapshot(fee) if fee is not None and fee.due else None,
        }

    def render(self) -> bytes:
        """The signed PDF/A-3 of the document (drawn, not stored), with the fee in its
        summary and its data."""
        import segno

        from khidma import formatting
        from khidma.renderer.pdf import EmbeddedFile
        from khidma.renderer.pdf import Seal
        from khidma.renderer.pdf import render_summary_pdf

        submission, definition, lang = self.submission, self.definition, self.lang
        url = verify_url(submission.reference, self.code)
        summary = submitted_summary(definition, submission, lang, self.fee)
        status = definition.workflow.status(submission.status)
        pdf = render_summary_pdf(
            summary,
            lang=lang,
            reference=submission.reference,
            status_label=status.label.get(lang) if status else submission.status,
            submitted_at=formatting.date_pair(submission.submitted_at, lang),
            generated_at=formatting.date_pair(self.issued_at, lang),
            seal=Seal(url=url, code=self.code, qr_svg=segno.make(url, error="m").svg_inline()),
            variant=VARIANT,
            files=[
                EmbeddedFile(
                    DATA_NAME,
                    json.dumps(self.data(), ensure_ascii=False, indent=1, sort_keys=True).encode(),
                    "The request's data as submitted (khidma.document/1)",
                )
            ],
        )
        return signing.sign(pdf, identity(), reason=f"{submission.reference} ({self.event})")


def _event_time(session: Session, submission: Submission, event: str) -> datetime:
    if event == SUBMITTED:
        return submission.submitted_at
    last = session.scalar(
        select(StatusEvent.created_at)
        .where(StatusEvent.submission_id == submission.id)
        .order_by(StatusEvent.created_at.desc(), StatusEvent.id.desc())
        .limit(1)
    )
    return last or submission.submitted_at


def _find(session: Session, submission_id: int, event: str, lang: str) -> Document | None:
    return session.scalar(
        select(Document).where(
            Document.submission_id == submission_id,
            Document.event == event,
            Document.lang == lang,
        )
    )


def _plan(
    session: Session, submission: Submission, definition: ServiceDefinition, event: str, lang: str
) -> Drawing:
    """The document to draw, with a new code and the fee kept at submit time. The other
    language's document of the same event, if any, fixes the issue time."""
    sibling = session.scalar(
        select(Document.issued_at).where(
            Document.submission_id == submission.id, Document.event == event
        )
    )
    return Drawing(
        submission,
        definition,
        event=event,
        lang=lang,
        issued_at=sibling or _event_time(session, submission, event),
        code=new_token(),
        fee=kept_fee(session, submission),
    )


def _record(session: Session, drawing: Drawing, pdf: bytes) -> Document:
    submission, event, lang, code = drawing.submission, drawing.event, drawing.lang, drawing.code
    key = current_app.extensions["khidma.blobs"].put(pdf)
    document = Document(
        submission_id=submission.id,
        event=event,
        lang=lang,
        status=submission.status,
        issued_at=drawing.issued_at,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        blob_key=key,
        code=code,
    )
    try:
        with session.begin_nested():
            session.add(document)
            session.flush()
    except IntegrityError:
        # Drawn twice at once: the first stored wins, this drawing is dropped (its blob
        # has no row and goes with the next clean-up).
        raced = _find(session, submission.id, event, lang)
        if raced is None:
            raise
        return raced
    audit.append(
        session,
        actor=audit.SYSTEM,
        action="document_issued",
        object_type="submission",
        object_id=submission.id,
        details={"event": event, "lang": lang, "sha256": document.sha256, "code": code},
    )
    return document


def issue(
    session: Session,
    submission: Submission,
    definition: ServiceDefinition,
    *,
    event: str = SUBMITTED,
    lang: str = "ar",
) -> Document:
    """The document of `submission` for `event` in `lang`: the stored one, or a new one
    drawn, signed, stored and recorded now in `session` (a write session; the audit log
    gets an entry). Drawing takes about a second: on SQLite the write lock is held
    meanwhile, so prefer `issue_outside` where no transaction is open."""
    found = _find(session, submission.id, event, lang)
    if found is not None:
        return found
    drawing = _plan(session, submission, definition, event, lang)
    return _record(session, drawing, drawing.render())


def issue_outside(
    database: Database,
    submission: Submission,
    definition: ServiceDefinition,
    *,
    event: str = SUBMITTED,
    lang: str = "ar",
) -> Document:
    """`issue` in three steps so no transaction is open while the PDF is drawn: look up
    (read), draw and sign, then record (a short write)."""
    with database.session() as session:
        found = _find(session, submission.id, event, lang)
        if found is not None:
            return found
        drawing = _plan(session, submission, definition, event, lang)
    pdf = drawing.render()
    with database.session(write=True) as session:
        return _record(session, drawing, pdf)


def issue_final_document(session: Session, submission_id: int) -> list[Document]:
    """For the back office, when a request reaches a final status: issue its final
    documents (Arabic and English) in `session`, the transaction of the status change.
    Safe to call twice; returns the documents."""
    from khidma.web.context import pinned_definition

    submission = session.get_one(Submission, submission_id)
    definition = pinned_definition(submission.service_id, submission.definition_hash)
    return [issue(session, submission, definition, event=FINAL, lang=lang) for lang in LANGS]


def latest(session: Session, submission_id: int, lang: str) -> Document | None:
    """The newest stored document of a submission in `lang` (final before submitted)."""
    return _find(session, submission_id, FINAL, lang) or _find(
        session, submission_id, SUBMITTED, lang
    )


def current_event(
    session: Session, submission: Submission, definition: ServiceDefinition | None = None
) -> str:
    """The event whose document a download should serve: FINAL once one was issued, or
    once the request is in a final status of its workflow (the first download then
    issues it, dated when the request reached that status); else SUBMITTED."""
    issued = session.scalar(
        select(Document.id).where(Document.submission_id == submission.id, Document.event == FINAL)
    )
    if issued is not None:
        return FINAL
    status = definition.workflow.status(submission.status) if definition is not None else None
    return FINAL if status is not None and status.final else SUBMITTED


def open_document(document: Document) -> BinaryIO:
    """The stored bytes of `document`, as a stream."""
    stream: BinaryIO = current_app.extensions["khidma.blobs"].open(document.blob_key)
    return stream


def chunks(stream: BinaryIO, size: int = 64 * 1024) -> Iterator[bytes]:
    """`stream` in pieces, closed at the end (for streamed responses)."""
    try:
        while piece := stream.read(size):
            yield piece
    finally:
        stream.close()
