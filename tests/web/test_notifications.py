"""Queueing a request's notifications: in the caller's transaction, SMS short, an e-mail
about the request with its summary as text and HTML, {link} pointing at the request."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from khidma.delivery.dev import DevSender
from khidma.delivery.dispatcher import deliver_due
from khidma.storage.models import Channel
from khidma.storage.models import OutboxMessage
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.web.notify import queue_notifications
from tests.web.support import PAYLOAD
from tests.web.support import db
from tests.web.support import definition
from tests.web.support import make_submission
from tests.web.support import store_submission


def outbox_rows(app: Flask) -> list[OutboxMessage]:
    with db(app).session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_an_sms_on_submitting_is_the_short_text(app: Flask, citizens: tuple[User, User]) -> None:
    me, _ = citizens
    submission = make_submission(app, me, 4)
    d = definition(app)
    with app.test_request_context("/"), db(app).session(write=True) as session:
        stored = session.get(Submission, submission.id)
        assert stored is not None
        assert queue_notifications(session, d, stored, stored.answers, me, "submitted") == 1
    (sms,) = outbox_rows(app)
    assert sms.channel == "sms" and sms.recipient == "+966501234567"
    assert sms.html_body is None and sms.submission_id == submission.id
    assert sms.body.startswith("تم استلام طلبكم رقم 4/1448")
    assert len(sms.body.splitlines()) == 2 and PAYLOAD not in sms.body


def test_an_email_about_the_request_carries_the_summary(
    app: Flask, citizens: tuple[User, User]
) -> None:
    me, _ = citizens
    d = definition(app, "mumaris_renewal")
    answers = {
        "full_name_ar": me.name_ar,
        "email": "layla@example.sa",
        "national_address": PAYLOAD + " الرياض",
    }
    submission = store_submission(app, me, d.id, answers, 9, status="approved")
    with app.test_request_context("/"), db(app).session(write=True) as session:
        stored = session.get(Submission, submission.id)
        assert stored is not None
        queued = queue_notifications(session, d, stored, answers, me, "status:approved")
        token = stored.token
    assert queued == 1
    (email,) = outbox_rows(app)
    assert email.channel == "email" and email.recipient == "layla@example.sa"
    assert email.subject is not None and "9/1448" in email.subject
    link = f"http://localhost/account/requests/{token}"
    assert link in email.body  # {link} is the request's page
    assert "ملخص الطلب" in email.body and "Request summary" in email.body
    assert f"{PAYLOAD} الرياض" in email.body  # plain text shows what was typed
    assert email.html_body is not None
    assert PAYLOAD not in email.html_body and "&lt;script&gt;" in email.html_body
    assert f'<a href="{link}">' in email.html_body
    assert 'class="summary summary-email"' in email.html_body
    sender = DevSender(Channel.EMAIL)
    assert deliver_due(db(app), {Channel.EMAIL: sender}).sent == 1
    assert sender.delivered[0].html == email.html_body  # e-mail senders get the HTML part
