"""The auditor: search across agencies, a read-only request page, PDF and attachment
downloads, streamed exports; every one of them in the chained audit log; every POST of
an auditor refused (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import types
import zipfile
from typing import Any

from flask import url_for
from sqlalchemy import select

from khidma.storage import audit
from khidma.storage.models import Attachment
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.storage.trust_models import AuditEntry
from khidma.storage.trust_models import Document
from tests.drivers import sign_in

Submitted = tuple[Any, Any, Submission]


def _actions(app: Any) -> list[str]:
    with app.extensions["khidma.db"].session() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def _auditor(app: Any, lang: str = "en") -> Any:
    client = sign_in(app, "auditor")
    client.set_cookie("khidma_lang", lang)
    return client


def test_the_auditor_finds_requests_by_each_filter(submitted: Submitted) -> None:
    app, _, submission = submitted
    auditor = _auditor(app)
    with app.extensions["khidma.db"].session() as session:
        national_id = session.get_one(User, submission.user_id).national_id
    definition = app.extensions["khidma.registry"].current(submission.service_id)
    day = submission.submitted_at.date().isoformat()
    for query in (
        {"reference": submission.reference},
        {"service": submission.service_id},
        {"agency": definition.agency.id},
        {"status": submission.status},
        {"date_from": "2020-01-01", "date_to": "2099-01-01"},
        {"national_id": national_id},
        {},
    ):
        page = auditor.get("/audit/", query_string=query).get_data(as_text=True)
        assert submission.reference in page, query
    for query in (
        {"reference": "999/1400"},
        {"national_id": "1999999999"},
        {"date_to": "2020-01-01"},
    ):
        page = auditor.get("/audit/", query_string=query).get_data(as_text=True)
        assert "No requests match." in page, query
    assert day  # dates are Saudi days: the day range above includes it either way
    bad = auditor.get("/audit/", query_string={"date_from": "12/1/2026", "national_id": "12"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "Enter the date as year-month-day" in text and "The ID number has 10 digits" in text
    assert 'value="12/1/2026"' in text  # what was typed is kept


def test_the_request_page_downloads_and_exports_are_read_only_and_audited(
    submitted: Submitted,
) -> None:
    app, _, submission = submitted
    auditor = _auditor(app)
    page = auditor.get(f"/audit/requests/{submission.token}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert submission.reference in text and "Read only" in text
    assert "<form" not in text.split("<main", 1)[1].split("</main>", 1)[0]
    pdf = auditor.get(f"/audit/requests/{submission.token}/summary.pdf")
    with app.extensions["khidma.db"].session() as session:
        stored = session.scalars(select(Document).where(Document.lang == "en")).one()
        files = list(session.scalars(select(Attachment)))
    assert pdf.status_code == 200 and hashlib.sha256(pdf.data).hexdigest() == stored.sha256
    assert files
    got = auditor.get(f"/audit/requests/{submission.token}/files/{files[0].token}")
    assert got.status_code == 200 and hashlib.sha256(got.data).hexdigest() == files[0].sha256

    query = {"reference": submission.reference}
    rows = list(
        csv.reader(
            io.StringIO(
                auditor.get("/audit/export.csv", query_string=query)
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    assert rows[0][0] == "reference" and rows[1][0] == submission.reference
    exported = json.loads(auditor.get("/audit/export.json", query_string=query).data)
    [item] = exported["requests"]
    assert item["answers"] == submission.answers
    assert item["definition"]["version"] == submission.definition_version
    archive = zipfile.ZipFile(io.BytesIO(auditor.get("/audit/export.zip", query_string=query).data))
    [name] = archive.namelist()
    assert hashlib.sha256(archive.read(name)).hexdigest() == stored.sha256

    actions = _actions(app)
    for action in ("audit_view", "audit_download_pdf", "audit_download_file"):
        assert actions.count(action) == 1, actions
    assert actions.count("audit_export") == 3
    with app.extensions["khidma.db"].session() as session:
        assert audit.verify(session).ok


def _sample(rule: Any, name: str) -> object:
    """A value the rule's converter takes (1 for `<int:…>`, else "x")."""
    from werkzeug.routing import IntegerConverter

    return 1 if isinstance(rule._converters.get(name), IntegerConverter) else "x"


def test_every_post_of_an_auditor_is_refused(submitted: Submitted) -> None:
    app, _, _ = submitted
    auditor = _auditor(app)
    posts = [
        rule
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ())
        and rule.endpoint
        not in {
            "auth.sign_out",
            "auth.sign_in",
            "auth.dev_sso",
            "verify.index",
            "static",
        }
    ]
    assert posts
    for rule in posts:
        with app.test_request_context():
            url = url_for(rule.endpoint, **{name: _sample(rule, name) for name in rule.arguments})
        response = auditor.post(url, data={})
        assert response.status_code == 403, (rule.endpoint, response.status_code)


def test_citizens_and_staff_cannot_open_the_auditors_pages(submitted: Submitted) -> None:
    app, citizen, submission = submitted
    staff = sign_in(app, "staff:moh")
    for client in (citizen, staff):
        for url in ("/audit/", f"/audit/requests/{submission.token}", "/audit/export.csv"):
            assert client.get(url).status_code == 403, url


def test_exports_are_generators_not_bodies_built_first(submitted: Submitted) -> None:
    from flask import g

    from khidma.web.auditor import export

    app, _, _ = submitted
    sign_in(app, "auditor")
    with app.extensions["khidma.db"].session() as session:
        user = session.scalars(select(User).where(User.role == "auditor")).one()
    for fmt in ("csv", "json", "zip"):
        with app.test_request_context(f"/audit/export.{fmt}"):
            g.user = user
            response = export(fmt)
            assert isinstance(response.response, types.GeneratorType), fmt
            pieces = [len(piece) for piece in response.response]
            response.close()
        assert sum(pieces) > 0 and max(pieces) <= 64 * 1024 + 1024, (fmt, pieces)
