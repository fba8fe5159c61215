"""The public verification page: anyone checks a document the platform issued, by the
reference and code printed beside its QR code (the QR code opens this page with both
filled in), or by uploading the PDF.

It says whether the document is one the platform issued and unchanged — its SHA-256 is
in the register of issued documents and the platform's signature over the whole file is
intact — or not, and why. It shows the reference, service, agency, the status when the
document was issued, the issue time and the document's hash: never an applicant's name,
ID or answers. An uploaded file is checked in memory and not kept.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask import Blueprint
from flask import current_app
from flask import render_template
from flask import request
from sqlalchemy import select

from khidma import formatting
from khidma.engine.identifiers import normalise_digits
from khidma.storage.models import Submission
from khidma.storage.trust_models import Document
from khidma.trust import documents
from khidma.trust import signing
from khidma.web.account import definition_of
from khidma.web.account import service_title
from khidma.web.context import database
from khidma.web.i18n import current_lang
from khidma.web.i18n import t
from khidma.web.i18n import tr
from khidma.web.inquiry import count_lookup
from khidma.web.inquiry import minutes_text
from khidma.web.request_record import status_label

bp = Blueprint("verify", __name__)

MAX_BYTES = 25 * 1024 * 1024
# Checks per visitor's address (a moving window; `RATELIMITS["verify.address"]`): the page
# is public and each upload costs a signature check.
LIMIT_NAME, DEFAULT_LIMIT = "verify.address", "30 per 15 minutes"


@dataclass
class Check:
    """What was asked and what the page says about it."""

    reference: str = ""
    code: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    found: dict[str, str] | None = None
    authentic: bool = False  # an uploaded file that passed every check
    not_found: bool = False
    why: str | None = None  # an uploaded file that failed: the reason's word key
    retry_minutes: int | None = None  # over the limit: minutes until the next check


def facts(document: Document, submission: Submission) -> dict[str, str]:
    """What the page may show about a document: nothing personal."""
    definition = definition_of(submission.service_id, submission.definition_hash)
    lang = current_lang()
    return {
        "reference": submission.reference,
        "service": service_title(definition, submission.service_id),
        "agency": tr(definition.agency.name) if definition is not None else "",
        "status": status_label(definition, document.status),
        "event": t(f"trust.verify.event.{document.event}"),
        "issued_at": formatting.moment_text(document.issued_at, lang),
        "sha256": document.sha256,
    }


def _by_code(check: Check) -> None:
    reference = normalise_digits(check.reference).strip().replace(" ", "")
    code = check.code.strip()
    if not reference:
        check.errors["reference"] = t("trust.verify.error.reference")
    if not code:
        check.errors["code"] = t("trust.verify.error.code")
    if check.errors:
        return
    with database().session() as session:
        row = session.execute(
            select(Document, Submission)
            .join(Submission, Submission.id == Document.submission_id)
            .where(Document.code == code, Submission.reference == reference)
        ).first()
        if row is None:
            check.not_found = True
            return
        check.found = facts(row.Document, row.Submission)


def _by_file(check: Check) -> None:
    upload = request.files.get("document")
    data = upload.stream.read(MAX_BYTES + 1) if upload and upload.filename else b""
    if not data:
        check.errors["document"] = t("trust.verify.error.file")
        return
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        check.errors["document"] = t("trust.verify.error.not_pdf")
        return
    digest = hashlib.sha256(data).hexdigest()
    with database().session() as session:
        row = session.execute(
            select(Document, Submission)
            .join(Submission, Submission.id == Document.submission_id)
            .where(Document.sha256 == digest)
            .limit(1)
        ).first()
        if row is not None:
            check.found = facts(row.Document, row.Submission)
            check.authentic = True
            return
    verdict = signing.check(data, documents.identity())
    check.why = "unregistered" if verdict.ok else verdict.reason


@bp.route("/verify", methods=["GET", "POST"])
def index() -> Any:
    check = Check(
        reference=request.args.get("reference", "")[:40], code=request.args.get("code", "")[:64]
    )
    asked = request.method == "POST" or "reference" in request.args or "code" in request.args
    retry = (
        count_lookup(request.remote_addr or "unknown", LIMIT_NAME, DEFAULT_LIMIT) if asked else None
    )
    if retry is not None:
        check.retry_minutes = retry
    elif request.method == "POST":
        _by_file(check)
    elif asked:
        _by_code(check)
    status = 429 if retry is not None else 400 if check.errors else 200
    response = current_app.make_response(
        (render_template("verify/index.html", check=check, minutes_text=minutes_text), status)
    )
    if retry is not None:
        response.headers["Retry-After"] = str(retry * 60)
    response.headers["Cache-Control"] = "no-store"
    return response
