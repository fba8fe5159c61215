"""The citizen's side of the messages: "لديك رسالة", reading, and replying with the
documents asked for, which makes the workflow's citizen move (real SQLite file)."""

from __future__ import annotations

import datetime as dt
import io

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from khidma.storage import requests as store
from khidma.storage.models import Attachment
from khidma.storage.models import Message
from khidma.storage.models import OutboxMessage
from khidma.storage.models import Submission
from khidma.storage.models import User
from tests.backoffice.support import page
from tests.backoffice.test_backoffice_web import current
from tests.backoffice.test_backoffice_web import make_staff
from tests.web.support import NOW
from tests.web.support import PAYLOAD
from tests.web.support import csrf_from
from tests.web.support import db
from tests.web.support import make_submission
from tests.web.support import sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def asked(app: Flask, user: User, seq: int, documents: list[str]) -> Submission:
    """A request waiting for the citizen, paused since NOW, with a staff message."""
    submission = make_submission(app, user, seq, status="needs_info")
    with db(app).session(write=True) as session:
        found = session.get(Submission, submission.id)
        assert found is not None
        found.paused_at = NOW - dt.timedelta(days=1)
        found.due_on = dt.date(2026, 11, 30)
        store.add_message(
            session,
            found,
            role="staff",
            author_id=None,
            body="نرجو إرفاق " + PAYLOAD,
            now=NOW - dt.timedelta(hours=1),
            documents=documents,
        )
    return submission


def test_the_citizen_sees_the_message_then_reads_it(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, _ = citizens
    submission = asked(app, me, 1, [])
    sign_in(client, me)
    assert 'لديك رسالة <span class="message-count">(1)</span>' in page(client, "/account?lang=ar")
    html = page(client, f"/account/requests/{submission.token}?lang=ar")
    assert "رسالة جديدة" in html and PAYLOAD not in html and "الرد على الجهة" in html
    assert "لديك رسالة" not in page(client, "/account?lang=ar")


def test_a_reply_needs_each_document_asked_for(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, _ = citizens
    submission = asked(app, me, 2, ["خطاب الجهة", "صورة الهوية"])
    sign_in(client, me)
    url = f"/account/requests/{submission.token}"
    token = csrf_from(page(client, url))
    refused = client.post(
        f"{url}/reply",
        data={
            "csrf_token": token,
            "body": "مرفق " + PAYLOAD,
            "file-0": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "letter.pdf"),
        },
        content_type="multipart/form-data",
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "الملف letter.pdf ليس ملف PDF" in html and "أرفق صورة الهوية." in html
    assert "مرفق &lt;script&gt;" in html  # what was typed is kept, escaped
    assert current(app, submission).status == "needs_info"
    active = client.post(  # a reply's files get the wizard's content checks too
        f"{url}/reply",
        data={
            "csrf_token": token,
            "body": "مرفق",
            "file-0": (
                io.BytesIO(b"%PDF-1.4\n1 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\n%%EOF\n"),
                "letter.pdf",
            ),
            "file-1": (io.BytesIO(PDF), "id.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert active.status_code == 400
    assert "لا يمكن قبول الملف letter.pdf لأنه يحتوي على محتوى نشط" in active.get_data(as_text=True)
    assert current(app, submission).status == "needs_info"
    sent = client.post(
        f"{url}/reply",
        data={
            "csrf_token": token,
            "body": "مرفق",
            "file-0": (io.BytesIO(PDF), "letter.pdf"),
            "file-1": (io.BytesIO(PDF), "../../id.exe"),
        },
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303
    after = current(app, submission)
    assert after.status == "in_progress" and after.paused_at is None
    # asked on Sunday 22 Nov, answered on Monday 23: Monday's working day is given back
    assert after.due_on == dt.date(2026, 12, 1)
    with db(app).session() as session:
        reply = session.scalars(select(Message).where(Message.author_role == "citizen")).one()
        files = list(session.scalars(select(Attachment).where(Attachment.message_id == reply.id)))
        queued = list(session.scalars(select(OutboxMessage)))
    assert sorted(f.filename for f in files) == ["id.pdf", "letter.pdf"]
    assert queued == []  # the citizen's own move sends them nothing
    # staff see the reply and download its files
    staff = make_staff(app, "a")
    sign_in(client, staff)
    html = page(client, f"/backoffice/requests/{submission.token}")
    assert "من المستفيد" in html and "letter.pdf" in html
    download = client.get(f"/backoffice/files/{files[0].token}")
    assert download.status_code == 200 and download.data == PDF


def test_no_reply_when_the_request_does_not_wait_for_the_citizen(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, other = citizens
    submission = make_submission(app, me, 3)
    sign_in(client, me)
    url = f"/account/requests/{submission.token}"
    html = page(client, url)
    assert "الرد على الجهة" not in html
    response = client.post(
        f"{url}/reply", data={"csrf_token": csrf_from(html), "body": "x"}, follow_redirects=True
    )
    assert "لا يمكن الرد على هذا الطلب" in response.get_data(as_text=True)
    assert current(app, submission).status == "submitted"
    sign_in(client, other)  # someone else's request: 404
    token = csrf_from(page(client, "/account"))
    assert client.post(f"{url}/reply", data={"csrf_token": token, "body": "x"}).status_code == 404


def test_the_citizen_withdraws_after_confirming(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, _ = citizens
    submission = make_submission(app, me, 4, status="in_progress")
    sign_in(client, me)
    url = f"/account/requests/{submission.token}"
    html = page(client, url)
    assert "إلغاء الطلب" in html
    unconfirmed = client.post(f"{url}/withdraw", data={"csrf_token": csrf_from(html)})
    assert unconfirmed.status_code == 400
    assert "أكّد رغبتك في إلغاء الطلب" in unconfirmed.get_data(as_text=True)
    assert current(app, submission).status == "in_progress"
    done = client.post(f"{url}/withdraw", data={"csrf_token": csrf_from(html), "confirm": "1"})
    assert done.status_code == 303
    assert current(app, submission).status == "withdrawn"
    html = page(client, url)
    assert "أؤكد رغبتي" not in html  # final: nothing more to do
    again = client.post(f"{url}/withdraw", data={"csrf_token": csrf_from(html), "confirm": "1"})
    assert again.status_code == 303 and current(app, submission).status == "withdrawn"
    with db(app).session() as session:
        events = list(session.scalars(select(OutboxMessage.event)))
    assert events == ["status_changed"]  # the confirmation by SMS
