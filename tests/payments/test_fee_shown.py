"""The fee is worked out once, at submit, kept with the request and shown by every
output from the one summary: the review page, the confirmation, the request page, the
PDF, the e-mail (its {amount} too) and the JSON export. A later definition change never
alters what was kept.

building_fee (a test service): SAR 150 + SAR 2.35 per m² + the district's surcharge,
doubled for commercial use: 100 m², commercial, centre → (150 + 235 + 100.5) × 2 = 971.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from khidma.engine.summary import build_summary
from khidma.payments.display import with_fee
from khidma.payments.fees import from_snapshot
from khidma.payments.fees import quote
from khidma.storage.models import OutboxMessage
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.storage.payments import fee_of
from khidma.storage.payments import record_fee
from khidma.web.notify import queue_notifications
from tests.drivers import WizardDriver
from tests.drivers import errors_in
from tests.drivers import make_app
from tests.drivers import sign_in
from tests.web.support import store_submission

ANSWERS = {"built_area": "100", "usage": "commercial", "district": "centre"}


@pytest.fixture
def app(tmp_path: Path, services_dir: Path) -> Any:
    made = make_app(tmp_path, SERVICES_DIR=str(services_dir))
    yield made
    made.extensions["khidma.db"].dispose()


def submission_of(app: Any, service_id: str) -> Submission:
    with app.extensions["khidma.db"].session() as session:
        found = session.scalar(select(Submission).where(Submission.service_id == service_id))
        assert found is not None
        session.expunge(found)
        return found


def test_every_output_shows_the_fee_kept_at_submit(app: Any) -> None:
    client = sign_in(app, "citizen")
    w = WizardDriver(app, client, "building_fee")
    response = w.fill_step(**ANSWERS)
    assert response.status_code == 302, errors_in(response.data.decode())
    review = client.get(w.url).data.decode()
    assert 'id="fee-amount"' in review and "971.00 ر.س" in review
    assert "تدفع عند تقديم الطلب" in review

    response = w.submit()
    assert response.status_code == 302, errors_in(response.data.decode())
    submission = submission_of(app, "building_fee")
    with app.extensions["khidma.db"].session() as session:
        kept = fee_of(session, submission.id)
        assert kept is not None and (kept.amount, kept.kind) == (97100, "computed")

    done = client.get(response.headers["Location"]).data.decode()
    assert "971.00 ر.س" in done
    page = client.get(f"/account/requests/{submission.token}?lang=en").data.decode()
    assert 'id="fee-amount"' in page and "SAR 971.00" in page
    pdf = client.get(f"/account/requests/{submission.token}/summary.pdf?lang=en")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "971.00" in re.sub(r"\s+", " ", text)


def test_the_email_and_the_export_carry_the_kept_amount(app: Any) -> None:
    registry = app.extensions["khidma.registry"]
    definition = registry.current("mumaris_renewal")
    db = app.extensions["khidma.db"]
    sign_in(app, "citizen")
    with db.session() as session:
        user = session.scalars(select(User)).first()
        assert user is not None
        session.expunge(user)
    answers = {"full_name_ar": "ليلى", "email": "layla@example.sa"}
    submission = store_submission(app, user, definition.id, answers, 7, status="approved")
    with app.test_request_context("/"), db.session(write=True) as session:
        stored = session.get_one(Submission, submission.id)
        record_fee(session, stored.id, quote(definition, answers, today=dt.date(2026, 12, 1)))
        queue_notifications(session, definition, stored, answers, user, "status:approved")
        row = fee_of(session, stored.id)
        assert row is not None
        fee = from_snapshot(row.snapshot)
    export = with_fee(build_summary(definition, answers, "en"), fee).export()
    assert export["fee"] == {
        "kind": "fee",
        "amount": 30000,
        "currency": "SAR",
        "text": "SAR 300.00",
        "rule": "A fixed fee",
        "payable": "after_approval",
    }
    with db.session() as session:
        (email,) = session.scalars(
            select(OutboxMessage).where(OutboxMessage.event == "status:approved")
        ).all()
    assert "(300.00 ريال)" in email.body and "(300.00 SAR)" in email.body
    assert email.html_body is not None and 'id="fee-amount"' in email.html_body
