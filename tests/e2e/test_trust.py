"""Trust in the browser: an auditor searches, opens a request, downloads its PDF and an
export, and the audit log that recorded each still verifies; anyone checks a document on
the public verification page (Arabic and English, axe on every page)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from khidma.storage.models import Submission
from khidma.storage.trust_models import AuditEntry
from khidma.storage.trust_models import Document
from khidma.trust import documents
from tests.e2e.conftest import check_a11y
from tests.e2e.conftest import shot
from tests.e2e.test_account_journey import citizen
from tests.e2e.test_account_journey import new_request
from tests.e2e.test_account_journey import sign_in_as_citizen
from tests.e2e.test_account_journey import store_request

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def request_issued(live_app: Any, browser: Any, live_server: Any) -> tuple[Submission, Document]:
    """A citizen's stored request and its issued Arabic summary."""
    context = browser.new_context(locale="ar-SA")
    sign_in_as_citizen(context.new_page(), live_server.url)
    context.close()
    submission = store_request(live_app, citizen(live_app))
    definition = live_app.extensions["khidma.registry"].current(submission.service_id)
    with live_app.test_request_context(base_url=live_server.url):
        document = documents.issue_outside(
            live_app.extensions["khidma.db"], submission, definition, lang="ar"
        )
    return submission, document


def sign_in_as_auditor(page: Any, base: str, lang: str) -> None:
    page.goto(f"{base}/auth/dev-sso?lang={lang}")
    page.locator('button[name="persona"][value="auditor"]').click()
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_an_auditor_searches_reads_downloads_and_exports(
    page: Any,
    live_app: Any,
    live_server: Any,
    request_issued: tuple[Submission, Document],
    lang: str,
) -> None:
    submission, _ = request_issued
    sign_in_as_auditor(page, live_server.url, lang)
    assert "/audit/" in page.url  # an auditor's home is the search
    check_a11y(page, f"audit search {lang}")
    page.fill("#reference", submission.reference)
    page.locator("form.audit-search button[type=submit]").click()
    page.wait_for_load_state()
    results = page.locator(".audit-results tbody tr")
    assert results.count() == 1 and submission.reference in results.inner_text()
    check_a11y(page, f"audit results {lang}")
    shot(page, f"audit-results-{lang}")

    with page.expect_download() as export:
        page.locator("a[href*='/audit/export.csv']").click()
    assert submission.reference in export.value.path().read_text(encoding="utf-8-sig")

    results.locator("th a").click()
    page.wait_for_load_state()
    assert submission.reference in page.locator(".request-facts").inner_text()
    assert page.locator("main form").count() == 0  # read only
    check_a11y(page, f"audit request {lang}")
    shot(page, f"audit-request-{lang}")
    with page.expect_download() as download:
        page.locator(f'a[href$="/audit/requests/{submission.token}/summary.pdf"]').click()
    pdf = download.value.path().read_bytes()
    with live_app.extensions["khidma.db"].session() as session:
        known = set(session.scalars(select(Document.sha256)))
        actions = list(session.scalars(select(AuditEntry.action)))
    assert hashlib.sha256(pdf).hexdigest() in known  # served as stored
    for action in ("sign_in", "audit_search", "audit_export", "audit_view", "audit_download_pdf"):
        assert action in actions

    from khidma.cli import main

    url = live_app.extensions["khidma.db"].url.render_as_string(hide_password=False)
    result = CliRunner().invoke(main, ["audit", "verify"], env={"KHIDMA_DATABASE_URL": url})
    assert result.exit_code == 0 and result.output.startswith("ok: "), result.output


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_public_verification_page(
    page: Any,
    live_app: Any,
    live_server: Any,
    request_issued: tuple[Submission, Document],
    lang: str,
    tmp_path: Any,
) -> None:
    submission, document = request_issued
    page.goto(f"{live_server.url}/verify?lang={lang}")
    check_a11y(page, f"verify page {lang}")
    page.fill("#reference", submission.reference)
    page.fill("#code", document.code)
    page.locator("form.verify-form button[type=submit]").click()
    page.wait_for_load_state()
    result = page.locator(".verify-result").inner_text()
    assert submission.reference in result and document.sha256 in result
    assert submission.applicant_name not in page.locator("main").inner_text()
    check_a11y(page, f"verify found {lang}")
    shot(page, f"verify-found-{lang}")

    pdf = bytearray(live_app.extensions["khidma.blobs"].get(document.blob_key))
    pdf[len(pdf) // 2] ^= 0x01
    changed = tmp_path / "summary.pdf"
    changed.write_bytes(bytes(pdf))
    page.set_input_files("#document", str(changed))
    page.locator("form.verify-file-form button[type=submit]").click()
    page.wait_for_load_state()
    warning = page.locator(".verify-not-authentic").inner_text()
    assert ("الوثيقة غير صحيحة" if lang == "ar" else "Not authentic") in warning
    check_a11y(page, f"verify not authentic {lang}")


def test_the_verification_page_without_javascript(
    nojs_page: Any,
    live_app: Any,
    live_server: Any,
    request_issued: tuple[Submission, Document],
    tmp_path: Any,
) -> None:
    _, document = request_issued
    original = tmp_path / "summary.pdf"
    original.write_bytes(live_app.extensions["khidma.blobs"].get(document.blob_key))
    nojs_page.goto(f"{live_server.url}/verify?lang=ar")
    nojs_page.set_input_files("#document", str(original))
    nojs_page.locator("form.verify-file-form button[type=submit]").click()
    nojs_page.wait_for_load_state()
    assert "الوثيقة صحيحة" in nojs_page.locator(".verify-result").inner_text()
    nojs_page.locator("form.verify-form button[type=submit]").click()  # empty: errors
    nojs_page.wait_for_load_state()
    assert "أدخل رقم الطلب" in nojs_page.locator(".error-summary").inner_text()
    check_a11y(nojs_page, "verify errors ar")


def test_an_auditor_opens_a_request_of_each_agency(
    page: Any, live_app: Any, live_server: Any, request_issued: tuple[Submission, Document]
) -> None:
    from khidma.storage.types import utcnow

    registry = live_app.extensions["khidma.registry"]
    agencies: dict[str, str] = {}
    with live_app.extensions["khidma.db"].session(write=True) as session:
        for d in registry.services():
            if d.agency.id in agencies:
                continue
            submission = new_request(session, d, utcnow(), status=d.workflow.initial, answers={})
            session.add(submission)
            agencies[d.agency.id] = submission.reference
    assert len(agencies) >= 2
    sign_in_as_auditor(page, live_server.url, "en")
    for agency, reference in agencies.items():
        page.goto(f"{live_server.url}/audit/?agency={agency}")
        row = page.locator(".audit-results tbody tr", has_text=reference)
        assert row.count() == 1, agency
        row.locator("th a").click()
        page.wait_for_load_state()
        assert reference in page.locator(".request-facts").inner_text()
        with page.expect_download() as download:
            page.locator("a[href$='/summary.pdf']").click()
        assert download.value.path().read_bytes().startswith(b"%PDF")
    with live_app.extensions["khidma.db"].session() as session:
        viewed = set(
            session.scalars(
                select(AuditEntry.object_id).where(AuditEntry.action == "audit_download_pdf")
            )
        )
    assert len(viewed) >= len(agencies)
