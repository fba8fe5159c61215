"""The development outbox: every SMS and e-mail "sent", newest first; absent in production."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Flask

from khidma.storage.models import Channel
from khidma.storage.models import OutboxMessage
from tests.drivers import NOW
from tests.drivers import deployed_app


def make_app(tmp_path: Path, *, dev: bool) -> Flask:
    # outside development the secret must be a strong one
    app = deployed_app(tmp_path, DEV=dev, SECRET_KEY="t-devtools-4Gh8Kp2Wq6Zs9Xc1Vb7Nm3")
    with app.extensions["khidma.db"].session(write=True) as session:
        session.add_all(
            [
                OutboxMessage(
                    channel=Channel.SMS,
                    recipient="+966501234567",
                    body="تم استلام طلبكم رقم 1/1448",
                    event="submitted",
                    created_at=NOW - dt.timedelta(minutes=10),
                    sent_at=NOW - dt.timedelta(minutes=9),
                ),
                OutboxMessage(
                    channel=Channel.EMAIL,
                    recipient="citizen@example.com",
                    subject="<b>subject</b>",
                    body="<script>alert(1)</script> تم تحديث حالة طلبكم رقم 2/1448",
                    event="status_changed",
                    created_at=NOW,
                ),
            ]
        )
    return app


def test_outbox_lists_messages_newest_first(tmp_path: Path) -> None:
    app = make_app(tmp_path, dev=True)
    response = app.test_client().get("/dev/outbox?lang=ar")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    newest, oldest = page.index("2/1448"), page.index("1/1448")
    assert newest < oldest
    assert "+966501234567" in page and "citizen@example.com" in page
    assert "رسالة نصية" in page and "بريد إلكتروني" in page
    assert "submitted" in page and "status_changed" in page
    assert "بانتظار الإرسال" in page  # the e-mail is not sent yet
    assert "<script>alert(1)</script>" not in page and "&lt;b&gt;subject&lt;/b&gt;" in page
    english = app.test_client().get("/dev/outbox?lang=en").get_data(as_text=True)
    assert "Outbox (development)" in english and "Waiting to be sent" in english
    app.extensions["khidma.db"].dispose()


def test_outbox_does_not_exist_outside_development(tmp_path: Path) -> None:
    app = make_app(tmp_path, dev=False)
    response = app.test_client().get("/dev/outbox")
    assert response.status_code == 404
    assert b"1/1448" not in response.data
    app.extensions["khidma.db"].dispose()
