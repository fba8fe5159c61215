"""mumaris_renewal: staff approve and the approval e-mail reaches a real SMTP server
(aiosmtpd on a local port), delivered by the in-process worker."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from khidma.delivery.worker import in_process_delivery
from khidma.storage.models import OutboxMessage
from tests.backoffice.support import make_app
from tests.backoffice.support import page
from tests.backoffice.test_backoffice_web import make_staff
from tests.delivery.conftest import SmtpServer
from tests.delivery.conftest import smtp_server
from tests.delivery.conftest import wait_until
from tests.web.support import csrf_from
from tests.web.support import make_user
from tests.web.support import sign_in
from tests.web.support import store_submission

__all__ = ["smtp_server"]


@pytest.fixture
def mail_app(tmp_path: Path, smtp_server: SmtpServer) -> Iterator[Flask]:
    app = make_app(
        tmp_path,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp_server.port,
        MAIL_FROM="Khidma <no-reply@scfhs.example.sa>",
    )
    yield app
    app.extensions["khidma.db"].dispose()


def test_the_approval_email_reaches_the_smtp_server(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    app = mail_app
    practitioner = make_user(app, "100000002")
    submission = store_submission(
        app, practitioner, "mumaris_renewal", {"email": "dr.sara@example.sa"}, 1
    )
    client = app.test_client()
    sign_in(client, make_staff(app, "s", agency="scfhs"))
    url = f"/backoffice/requests/{submission.token}"
    for action, data in (("claim", {}), ("transition", {"to": "approved"})):
        html = page(client, url)
        version = re.search(r'name="version" value="(\d+)"', html)
        assert version is not None
        response = client.post(
            f"{url}/{action}",
            data={"csrf_token": csrf_from(html), "version": version[1], **data},
        )
        assert response.status_code == 303, action
    with app.extensions["khidma.db"].session() as session:
        events = list(session.scalars(select(OutboxMessage.event)))
    assert "status:approved" in events
    with in_process_delivery(app, cleanup=False):
        wait_until(lambda: len(smtp_server.mailbox.messages()) >= 1)
    mail = smtp_server.mailbox.messages()[0]
    assert mail["To"] == "dr.sara@example.sa"
    assert "الموافقة على طلبك رقم 1/1448" in str(mail["Subject"])
