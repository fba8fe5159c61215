"""The auditor: search requests across agencies, read one (answers, attachments,
history, messages), download its PDF and attachments, export a search (CSV, JSON of the
answers with each request's definition version, a zip of the PDFs).

Auditors read and change nothing: the access hook refuses their POSTs everywhere
(`access.read_only_refused`). Every view, download and export is itself an entry of the
tamper-evident audit log, written before the response is sent. Exports are streamed: rows
are read in batches and each PDF is copied into the zip from the blob store piece by
piece, so an export of any size is never held whole in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask import Blueprint
from flask import abort
from flask import render_template
from flask import request
from flask import stream_with_context
from flask import url_for
from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from khidma.engine.identifiers import normalise_digits
from khidma.formatting import RIYADH
from khidma.payments.history import payment_view
from khidma.storage.models import Attachment
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.trust import documents
from khidma.web.account import definition_of
from khidma.web.account import document_response
from khidma.web.account import request_summary
from khidma.web.account import service_title
from khidma.web.audit_trail import record
from khidma.web.context import blobs
from khidma.web.context import database
from khidma.web.context import now
from khidma.web.context import registry
from khidma.web.i18n import current_lang
from khidma.web.i18n import t
from khidma.web.i18n import tr
from khidma.web.payments import payments as payment_service
from khidma.web.request_record import load_record
from khidma.web.request_record import status_label

bp = Blueprint("audit", __name__, url_prefix="/audit")

PAGE_SIZE = 50
BATCH = 200
FILTERS = ("reference", "service", "agency", "status", "date_from", "date_to", "national_id")
EXPORTS = ("csv", "json", "zip")


@dataclass
class Search:
    """The filters as typed, their errors, and the clauses they make."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Search:
        search = cls({name: args.get(name, "")[:64].strip() for name in FILTERS})
        for name in ("date_from", "date_to"):
            if search.values[name] and _day(search.values[name]) is None:
                search.errors[name] = t("trust.audit.error.date")
        nid = normalise_digits(search.values["national_id"])
        if nid and not (nid.isdigit() and len(nid) == 10):
            search.errors["national_id"] = t("trust.audit.error.national_id")
        return search

    def statement(self) -> Select[Any]:
        v = self.values
        query = select(Submission)
        if v["reference"]:
            query = query.where(Submission.reference == normalise_digits(v["reference"]))
        if v["service"]:
            query = query.where(Submission.service_id == v["service"])
        if v["agency"]:
            ids = [d.id for d in registry().services() if d.agency.id == v["agency"]]
            query = query.where(Submission.service_id.in_(ids))
        if v["status"]:
            query = query.where(Submission.status == v["status"])
        start, end = _day(v["date_from"]), _day(v["date_to"])
        if start is not None:
            query = query.where(Submission.submitted_at >= _midnight(start))
        if end is not None:
            query = query.where(Submission.submitted_at < _midnight(end + dt.timedelta(days=1)))
        if v["national_id"]:
            owner = select(User.id).where(User.national_id == normalise_digits(v["national_id"]))
            query = query.where(Submission.user_id.in_(owner.scalar_subquery()))
        return query.order_by(Submission.submitted_at.desc(), Submission.id.desc())

    def query_args(self) -> dict[str, str]:
        return {k: v for k, v in self.values.items() if v}


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(normalise_digits(text))
    except ValueError:
        return None


def _midnight(day: dt.date) -> dt.datetime:
    # Dates are Saudi dates: a day starts at midnight in Riyadh.
    return dt.datetime.combine(day, dt.time(), RIYADH).astimezone(dt.UTC)


def _submission(session: Session, token: str) -> Submission:
    found = session.scalar(select(Submission).where(Submission.token == token))
    if found is None:
        abort(404)
    return found


def _row(submission: Submission) -> dict[str, Any]:
    definition = definition_of(submission.service_id, submission.definition_hash)
    return {
        "submission": submission,
        "service": service_title(definition, submission.service_id),
        "agency": tr(definition.agency.name) if definition else "",
        "status": status_label(definition, submission.status),
    }


# --------------------------------------------------------------------------- pages


@bp.get("/")
def index() -> Any:
    search = Search.from_args(request.args)
    asked = any(search.values.values())
    rows: list[dict[str, Any]] = []
    more = False
    if not search.errors:
        with database().session() as session:
            found = list(session.scalars(search.statement().limit(PAGE_SIZE + 1)))
        more = len(found) > PAGE_SIZE
        rows = [_row(s) for s in found[:PAGE_SIZE]]
        record("audit_search", "search", "-", filters=search.query_args())
    services = sorted(registry().services(), key=lambda d: tr(d.title))
    agencies = {d.agency.id: d.agency.name for d in services}
    statuses = sorted({(s.id, tr(s.label)) for d in services for s in d.workflow.statuses})
    page = render_template(
        "audit/index.html",
        search=search,
        asked=asked,
        rows=rows,
        more=more,
        services=services,
        agencies=sorted(agencies.items(), key=lambda item: tr(item[1])),
        statuses=statuses,
        exports={fmt: _export_url(fmt, search) for fmt in EXPORTS},
    )
    return page, 400 if search.errors else 200


@bp.get("/requests/<token>", endpoint="request")
def request_page(token: str) -> str:
    with database().session() as session:
        submission = _submission(session, token)
        definition = definition_of(submission.service_id, submission.definition_hash)
        summary = (
            request_summary(definition, submission, current_lang(), session) if definition else None
        )
        found = load_record(session, submission, definition, "auditor")
        payments = payment_view(session, payment_service(), submission, now(), with_events=True)
    record("audit_view", "submission", submission.id, reference=submission.reference)
    return render_template(
        "audit/request.html",
        **_row(submission),
        summary=summary,
        record=found,
        payments=payments,
    )


@bp.get("/requests/<token>/summary.pdf", endpoint="pdf")
def pdf(token: str) -> Response:
    with database().session() as session:
        submission = _submission(session, token)
    response = document_response(submission)
    record("audit_download_pdf", "submission", submission.id, reference=submission.reference)
    return response


@bp.get("/requests/<token>/files/<file_token>", endpoint="attachment")
def attachment(token: str, file_token: str) -> Response:
    from khidma.web.wizard import _disposition

    with database().session() as session:
        submission = _submission(session, token)
        found = session.scalar(
            select(Attachment).where(
                Attachment.token == file_token, Attachment.submission_id == submission.id
            )
        )
        if found is None:
            abort(404)
    record("audit_download_file", "attachment", found.id, sha256=found.sha256)
    response = Response(documents.chunks(blobs().open(found.blob_key)), mimetype=found.content_type)
    response.headers["Content-Disposition"] = _disposition(found.filename)
    response.headers["Content-Length"] = str(found.size)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- exports


def _export_url(fmt: str, search: Search) -> str:
    values: dict[str, Any] = {"fmt": fmt, **search.query_args()}
    return url_for("audit.export", **values)


def _each(search: Search) -> Iterator[Submission]:
    """Every submission the search finds, read in batches (one read transaction)."""
    with database().session() as session:
        result = session.scalars(search.statement().execution_options(yield_per=BATCH))
        try:
            for submission in result:
                yield submission
                session.expunge(submission)
        finally:
            result.close()


CSV_COLUMNS = (
    "reference",
    "service_id",
    "agency",
    "status",
    "submitted_at",
    "definition_version",
    "definition_hash",
)


def _csv(search: Search) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out)
    agencies = {d.id: d.agency.id for d in registry().services()}

    def flush() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    yield "\ufeff"  # so spreadsheet programs read the Arabic as UTF-8
    writer.writerow(CSV_COLUMNS)
    for s in _each(search):
        writer.writerow(
            [
                s.reference,
                s.service_id,
                agencies.get(s.service_id, ""),
                s.status,
                s.submitted_at.isoformat(),
                s.definition_version,
                s.definition_hash,
            ]
        )
        yield flush()
    yield flush()


def _json(search: Search) -> Iterator[str]:
    yield '{"format":"khidma.audit-export/1","requests":['
    for i, s in enumerate(_each(search)):
        item = {
            "reference": s.reference,
            "status": s.status,
            "submitted_at": s.submitted_at.isoformat(),
            "definition": {
                "id": s.service_id,
                "version": s.definition_version,
                "hash": s.definition_hash,
            },
            "answers": s.answers,
        }
        yield ("," if i else "") + json.dumps(item, ensure_ascii=False)
    yield "]}"


class _Pipe(io.RawIOBase):
    """A write-only, unseekable stream whose bytes are taken out as they come: zipfile
    writes a streamed archive (data descriptors) into it."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def _zip(search: Search) -> Iterator[bytes]:
    pipe, lang = _Pipe(), current_lang()
    with zipfile.ZipFile(pipe, "w", zipfile.ZIP_STORED) as archive:
        for s in _each(search):
            definition = definition_of(s.service_id, s.definition_hash)
            if definition is None:
                continue
            document = documents.issue_outside(
                database(), s, definition, event=_event(s), lang=lang
            )
            name = f"{s.service_id}-{s.reference.replace('/', '-')}.pdf"
            with archive.open(name, "w") as entry:
                for piece in documents.chunks(documents.open_document(document)):
                    entry.write(piece)
                    yield pipe.take()
            yield pipe.take()
    yield pipe.take()


def _event(submission: Submission) -> str:
    with database().session() as session:
        return documents.current_event(session, submission)


@bp.get("/export.<fmt>")
def export(fmt: str) -> Response:
    if fmt not in EXPORTS:
        abort(404)
    search = Search.from_args(request.args)
    if search.errors:
        abort(400)
    record("audit_export", "search", "-", format=fmt, filters=search.query_args())
    stamp = dt.datetime.now(RIYADH).strftime("%Y%m%d-%H%M")
    body: Iterator[Any]
    if fmt == "csv":
        body, mimetype = _csv(search), "text/csv; charset=utf-8"
    elif fmt == "json":
        body, mimetype = _json(search), "application/json"
    else:
        body, mimetype = _zip(search), "application/zip"
    response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="khidma-audit-{stamp}.{fmt}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
