"""Issued documents: the summary is drawn once at submission, signed PAdES, PDF/A-3
with the submission's data embedded, stored with its SHA-256 and served as stored; the
public page verifies it (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy import select

from khidma.storage.models import Submission
from khidma.storage.trust_models import Document
from khidma.trust import documents
from khidma.trust import signing


def _documents(app: Any) -> list[Document]:
    with app.extensions["khidma.db"].session() as session:
        return list(session.scalars(select(Document).order_by(Document.id)))


def _download(citizen: Any, submission: Submission, lang: str = "ar") -> bytes:
    citizen.set_cookie("khidma_lang", lang)
    response = citizen.get(f"/account/requests/{submission.token}/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return bytes(response.data)


def test_submitting_issues_the_summary_once_and_downloads_serve_it_as_stored(
    submitted: tuple[Any, Any, Submission],
) -> None:
    app, citizen, submission = submitted
    [issued] = _documents(app)
    assert (issued.event, issued.lang) == (documents.SUBMITTED, "ar")
    assert issued.issued_at == submission.submitted_at  # the event's time, not "now"
    stored = app.extensions["khidma.blobs"].get(issued.blob_key)
    first, second = _download(citizen, submission), _download(citizen, submission)
    assert first == second == stored
    assert hashlib.sha256(first).hexdigest() == issued.sha256
    assert len(_documents(app)) == 1


def test_the_other_language_is_issued_once_with_the_same_issue_time(
    submitted: tuple[Any, Any, Submission],
) -> None:
    app, citizen, submission = submitted
    english = _download(citizen, submission, "en")
    assert _download(citizen, submission, "en") == english
    arabic, english_row = _documents(app)
    assert english_row.lang == "en" and english_row.issued_at == arabic.issued_at
    assert english_row.sha256 == hashlib.sha256(english).hexdigest()


def test_pyhanko_validates_the_signature_of_a_stored_summary(
    submitted: tuple[Any, Any, Submission],
) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    app, citizen, submission = submitted
    pdf = _download(citizen, submission)
    with app.app_context():
        identity = documents.identity()
    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    # pyHanko's sync API runs asyncio.run: off the loop the session's browser keeps running
    status = signing._off_the_loop(
        validate_pdf_signature, signature, ValidationContext(trust_roots=[identity.certificate()])
    )
    assert status.intact and status.valid and status.trusted
    assert status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    assert signing.check(pdf, identity).ok


def test_the_embedded_json_equals_the_stored_answers(
    submitted: tuple[Any, Any, Submission],
) -> None:
    import pypdf

    app, citizen, submission = submitted
    pdf = _download(citizen, submission)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    [content] = reader.attachments[documents.DATA_NAME]
    data = json.loads(content)
    assert data["answers"] == submission.answers
    assert data["definition"] == {
        "id": submission.service_id,
        "version": submission.definition_version,
        "hash": submission.definition_hash,
    }
    assert data["reference"] == submission.reference
    assert data["status"] == submission.status
    [issued] = _documents(app)
    assert data["issued_at"] == issued.issued_at.isoformat()
    assert data["document_code"] == issued.code
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert re.search(rb'pdfaid:part(="3"|>3<)', xmp)  # declared PDF/A-3, kept by the signing


def test_the_final_document_is_issued_for_the_back_office_and_served_after(
    submitted: tuple[Any, Any, Submission],
) -> None:
    app, citizen, submission = submitted
    with app.test_request_context(), app.extensions["khidma.db"].session(write=True) as session:
        issued = documents.issue_final_document(session, submission.id)
        again = documents.issue_final_document(session, submission.id)
    assert [d.lang for d in issued] == ["ar", "en"]
    assert [d.id for d in again] == [d.id for d in issued]
    pdf = _download(citizen, submission)
    assert hashlib.sha256(pdf).hexdigest() == issued[0].sha256
    with app.extensions["khidma.db"].session() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 3


# --------------------------------------------------------------------------- verification


def _verify_upload(app: Any, data: bytes, lang: str = "ar") -> tuple[int, str]:
    client = app.test_client()
    client.set_cookie("khidma_lang", lang)
    response = client.post(
        "/verify",
        data={"document": (io.BytesIO(data), "summary.pdf")},
        content_type="multipart/form-data",
    )
    return response.status_code, response.get_data(as_text=True)


def test_the_verification_page_finds_a_document_by_reference_and_code_without_personal_data(
    submitted: tuple[Any, Any, Submission],
) -> None:
    app, _, submission = submitted
    [issued] = _documents(app)
    client = app.test_client()
    client.set_cookie("khidma_lang", "en")
    page = client.get(
        "/verify", query_string={"reference": submission.reference, "code": issued.code}
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "A document the platform issued" in text and issued.sha256 in text
    assert submission.applicant_name not in text
    for value in submission.answers.values():
        if isinstance(value, str) and len(value) > 3:
            assert value not in text
    wrong = client.get("/verify", query_string={"reference": submission.reference, "code": "x"})
    assert "We found no such document" in wrong.get_data(as_text=True)
    empty = client.get("/verify", query_string={"reference": "", "code": ""})
    assert empty.status_code == 400
    assert "Enter the reference number" in empty.get_data(as_text=True)
    assert "Enter the document code" in empty.get_data(as_text=True)


def test_an_uploaded_document_is_authentic_and_one_changed_byte_makes_it_not(
    submitted: tuple[Any, Any, Submission],
) -> None:
    app, citizen, submission = submitted
    pdf = _download(citizen, submission)
    status, text = _verify_upload(app, pdf, "en")
    assert status == 200 and "Authentic: issued by the platform and unchanged" in text
    changed = bytearray(pdf)
    changed[len(pdf) // 3] ^= 0x01
    status, text = _verify_upload(app, bytes(changed), "en")
    assert status == 200 and "Not authentic" in text
    assert "changed after it was issued" in text
    status, text = _verify_upload(app, pdf + b"\n% appended\n", "en")
    assert "Not authentic" in text and "added to it after it was signed" in text


def test_an_unsigned_pdf_and_a_non_pdf_are_refused_with_reasons(web_app: Any) -> None:
    from khidma.renderer.pdf import render_pdf

    plain = render_pdf("<html lang=ar><head><title>x</title></head><body>x</body></html>")
    status, text = _verify_upload(web_app, plain, "en")
    assert "Not authentic" in text and "carries no signature of the platform" in text
    status, text = _verify_upload(web_app, b"hello", "en")
    assert status == 400 and "The file you chose is not a PDF" in text
    status, text = _verify_upload(web_app, b"", "ar")
    assert status == 400 and "اختر ملف الوثيقة" in text


def test_the_verification_page_limits_checks_per_address(tmp_path: Path) -> None:
    from tests.drivers import make_app

    app = make_app(
        tmp_path, RATELIMIT_ENABLED=True, RATELIMITS={"verify.address": "2 per 15 minutes"}
    )
    client = app.test_client()
    client.set_cookie("khidma_lang", "en")
    asks = [client.get("/verify", query_string={"reference": "1/1448", "code": "x"}) for _ in "abc"]
    assert [r.status_code for r in asks] == [200, 200, 429]
    assert "Too many attempts" in asks[2].get_data(as_text=True)
    assert int(asks[2].headers["Retry-After"]) > 0
    assert client.get("/verify").status_code == 200  # the empty form is not a check
    app.extensions["khidma.db"].dispose()
