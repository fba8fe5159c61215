"""The staff portal over HTTP: the queue, claiming, moves, messages, refusals and
isolation between agencies (an app on a real SQLite file)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from khidma.storage.models import Message
from khidma.storage.models import OutboxMessage
from khidma.storage.models import Role
from khidma.storage.models import StatusEvent
from khidma.storage.models import Submission
from khidma.storage.models import User
from tests.backoffice.support import page
from tests.backoffice.support import post
from tests.web.support import PAYLOAD
from tests.web.support import csrf_from
from tests.web.support import db
from tests.web.support import make_submission
from tests.web.support import sign_in
from tests.web.support import store_submission

AGENCY = "najran_emirate"


def make_staff(app: Flask, name: str, agency: str = AGENCY, *, supervisor: bool = False) -> User:
    with db(app).session(write=True) as session:
        user = User(
            username=name,
            name_ar=f"الموظف {name}",
            name_en=f"Officer {name}",
            role=Role.STAFF,
            agency_id=agency,
            is_supervisor=supervisor,
        )
        session.add(user)
    return user


def claimed(client: FlaskClient, submission: Submission, staff: User) -> str:
    """`staff` signed in on `client` and holding `submission`; returns its page."""
    sign_in(client, staff)
    url = f"/backoffice/requests/{submission.token}"
    post(client, f"{url}/claim", url)
    return url


def current(app: Flask, submission: Submission) -> Submission:
    with db(app).session() as session:
        found = session.get(Submission, submission.id)
        assert found is not None
        session.expunge(found)
        return found


def test_staff_land_on_their_agency_queue(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, _ = citizens
    ours = make_submission(app, me, 3)
    theirs = store_submission(app, me, "traffic", {}, 4)
    sign_in(client, make_staff(app, "a"))
    response = client.get("/auth/sign-in")  # signed in: sent home, to the queue
    assert response.status_code in (200, 302)
    html = page(client, "/backoffice?lang=ar")
    assert ours.reference in html and theirs.reference not in html
    assert "مقدم: <strong>1</strong>" in html  # the count per status
    assert PAYLOAD not in html
    pdf = client.get(f"/backoffice/requests/{ours.token}/summary.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_another_agencys_request_is_not_found(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, _ = citizens
    submission = make_submission(app, me, 5)
    sign_in(client, make_staff(app, "t", agency="moi_traffic"))
    base = f"/backoffice/requests/{submission.token}"
    assert client.get(base).status_code == 404
    token = csrf_from(page(client, "/backoffice"))
    assert client.get(f"{base}/summary.pdf").status_code == 404
    for action in ("claim", "release", "transition", "message", "assign"):
        refused = client.post(f"{base}/{action}", data={"csrf_token": token, "version": "1"})
        assert refused.status_code == 404, action
    with db(app).session() as session:
        files = [a.token for a in session.get(Submission, submission.id).attachments]  # type: ignore[union-attr]
    assert files and all(client.get(f"/backoffice/files/{f}").status_code == 404 for f in files)


def test_claim_then_move_with_a_note_and_the_citizen_is_notified(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, _ = citizens
    submission = make_submission(app, me, 6)
    staff = make_staff(app, "a")
    sign_in(client, staff)
    url = f"/backoffice/requests/{submission.token}"
    code, html = post(client, f"{url}/transition", url, to="in_progress")
    assert code == 409 and "استلم الطلب أولاً" in html  # not held: refused, clearly
    assert current(app, submission).status == "submitted"
    code, html = post(client, f"{url}/claim", url)
    assert code == 200 and "تم استلام الطلب" in html
    code, html = post(client, f"{url}/transition", url, to="approved", note="")
    assert code == 400 and "اكتب ملاحظة" in html
    code, html = post(client, f"{url}/transition", url, to="approved", note="الأحد ١٠ صباحاً")
    assert code == 200, html
    after = current(app, submission)
    assert (after.status, after.assigned_to) == ("approved", staff.id)
    with db(app).session() as session:
        sms = list(
            session.scalars(select(OutboxMessage).where(OutboxMessage.event == "status_changed"))
        )
        note = session.scalar(select(StatusEvent.note).where(StatusEvent.to_status == "approved"))
    assert len(sms) == 1 and sms[0].recipient.endswith("501234567")
    assert note == "الأحد ١٠ صباحاً"


def test_a_forged_move_the_role_may_not_make_is_refused(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, _ = citizens
    submission = make_submission(app, me, 7, status="needs_info")
    url = claimed(client, submission, make_staff(app, "a"))
    for to in ("in_progress", "withdrawn", "nowhere"):  # the citizen's moves, and none
        code, html = post(client, f"{url}/transition", url, to=to, note="x")
        assert code == 409 and "غير متاح" in html, to
    assert current(app, submission).status == "needs_info"


def test_two_staff_at_once_the_second_is_told_it_changed(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, _ = citizens
    submission = make_submission(app, me, 8)
    staff = make_staff(app, "a")
    url = claimed(client, submission, staff)
    html = page(client, url)
    token, version = csrf_from(html), re.search(r'name="version" value="(\d+)"', html)[1]  # type: ignore[index]
    first = client.post(
        f"{url}/transition", data={"csrf_token": token, "version": version, "to": "in_progress"}
    )
    assert first.status_code == 303
    second = client.post(  # the same page, submitted again (another tab)
        f"{url}/transition",
        data={"csrf_token": token, "version": version, "to": "rejected", "note": "ناقص"},
    )
    assert second.status_code == 409
    assert "تم تحديث الطلب للتو" in second.get_data(as_text=True)
    assert "ناقص" in second.get_data(as_text=True)  # what was typed is kept
    assert current(app, submission).status == "in_progress"
    with db(app).session() as session:
        moves = list(
            session.scalars(
                select(StatusEvent.to_status).where(StatusEvent.submission_id == submission.id)
            )
        )
    assert moves == ["submitted", "in_progress"]


def test_one_holder_and_the_supervisor_reassigns(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, _ = citizens
    submission = make_submission(app, me, 9)
    a, b = make_staff(app, "a"), make_staff(app, "b")
    boss = make_staff(app, "boss", supervisor=True)
    outsider = make_staff(app, "x", agency="moi_traffic")
    url = claimed(client, submission, a)
    sign_in(client, b)
    html = page(client, url)
    assert "الموظف a" in html and "استلام الطلب" not in html  # held: shown, not claimable
    code, html = post(client, f"{url}/claim", url)
    assert code == 409 and "لا يعيد إسناده إلا المشرف" in html
    code, html = post(client, f"{url}/assign", url, assignee=str(b.id))
    assert code == 403
    sign_in(client, boss)
    code, html = post(client, f"{url}/assign", url, assignee=str(outsider.id))
    assert code == 400 and "اختر موظفاً" in html
    code, html = post(client, f"{url}/assign", url, assignee=str(b.id))
    assert code == 200
    assert current(app, submission).assigned_to == b.id


def test_a_message_asking_for_documents_waits_for_the_citizen(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, _ = citizens
    submission = make_submission(app, me, 10)
    url = claimed(client, submission, make_staff(app, "a"))
    code, html = post(client, f"{url}/message", url, body="", ask="1")
    assert code == 400 and "اكتب نص الرسالة" in html
    code, html = post(
        client,
        f"{url}/message",
        url,
        body="نرجو إرفاق خطاب " + PAYLOAD,
        documents="خطاب الجهة\n\n صورة الهوية ",
        ask="1",
    )
    assert code == 200 and PAYLOAD not in html
    after = current(app, submission)
    assert after.status == "needs_info" and after.paused_at is not None
    with db(app).session() as session:
        message = session.scalars(select(Message)).one()
        queued = list(session.scalars(select(OutboxMessage.event)))
    assert message.documents == ["خطاب الجهة", "صورة الهوية"]
    assert queued == ["documents_requested"]  # one SMS, which never holds the text


def test_the_queue_filters_and_searches(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, other = citizens
    first = make_submission(app, me, 11)
    second = make_submission(app, other, 12, status="needs_info")
    staff = make_staff(app, "a")
    sign_in(client, staff)
    assert second.reference not in page(client, "/backoffice?waiting=staff")
    assert first.reference not in page(client, "/backoffice?waiting=citizen")
    assert first.reference not in page(client, f"/backoffice?q={other.national_id}")
    assert second.reference in page(client, f"/backoffice?q={other.national_id}")
    url = f"/backoffice/requests/{first.token}"
    post(client, f"{url}/claim", url)
    mine = page(client, "/backoffice?who=mine")
    assert first.reference in mine and second.reference not in mine
    assert first.reference not in page(client, "/backoffice?who=unassigned")
    # garbage in the query is ignored, never an error
    assert page(client, "/backoffice?sort=%27;drop&after=xyz&who=all&overdue=yes")


def test_asking_the_applicant_by_the_move_is_also_a_message(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, _ = citizens
    submission = make_submission(app, me, 13)
    url = claimed(client, submission, make_staff(app, "a"))
    code, _ = post(client, f"{url}/transition", url, to="needs_info", note="ما سبب الزيارة؟")
    assert code == 200
    with db(app).session() as session:
        bodies = list(session.scalars(select(Message.body)))
        queued = list(session.scalars(select(OutboxMessage.event)))
    assert bodies == ["ما سبب الزيارة؟"] and queued == ["message_from_staff"]
    assert current(app, submission).paused_at is not None


def test_every_staff_action_is_in_the_chained_audit_log(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    """Views, downloads, claims, moves and messages of staff each append an entry in the
    action's own transaction; the chain verifies."""
    from khidma.storage import audit
    from khidma.storage.trust_models import AuditEntry

    me, _ = citizens
    submission = make_submission(app, me, 9)
    staff = make_staff(app, "auditable")
    sign_in(client, staff)
    url = f"/backoffice/requests/{submission.token}"
    page(client, url)
    assert client.get(f"{url}/summary.pdf").status_code == 200
    post(client, f"{url}/claim", url)
    post(client, f"{url}/message", url, body="أرفق صورة الهوية من فضلك")
    post(client, f"{url}/transition", url, to="approved", note="تمت المراجعة")
    refused, _ = post(client, f"{url}/transition", url, to="no_such_status")
    assert refused >= 400
    with db(app).session() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        verdict = audit.verify(session)
    staff_actions = [
        e.action for e in entries if e.actor == "auditable" and e.object_id == str(submission.id)
    ]
    assert staff_actions[:2] == ["view_request", "download_pdf"]
    assert {"claim", "message"} <= set(staff_actions)
    moves = [e for e in entries if e.action == "status_change" and e.actor_user_id == staff.id]
    assert len(moves) == 1 and moves[0].object_id == str(submission.id)  # the refused one: none
    assert verdict.ok, verdict


def test_the_catalog_lists_services_by_audience(client: FlaskClient) -> None:
    html = page(client, "/?lang=ar")
    assert "خدمات الأفراد" in html
    assert "خدمات الأعمال" not in html  # no seed service is for businesses
    assert "طلب موعد مع الامارة" in page(client, "/?audience=individuals")
    assert "طلب موعد مع الامارة" not in page(client, "/?audience=businesses")
    assert "طلب موعد مع الامارة" in page(client, "/?audience=nonsense")


def test_the_development_supervisor_may_reassign(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, _ = citizens
    submission = make_submission(app, me, 14)
    html = page(client, "/auth/dev-sso")
    token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', html)
    assert token is not None
    signed = client.post(
        "/auth/dev-sso", data={"csrf_token": token[1], "persona": "supervisor:najran_emirate"}
    )
    assert signed.status_code in (302, 303)
    assert "إسناد الطلب إلى" in page(client, f"/backoffice/requests/{submission.token}")
    with db(app).session() as session:
        boss = session.scalars(select(User).where(User.is_supervisor.is_(True))).one()
    assert (boss.role, boss.agency_id) == (Role.STAFF, AGENCY)


def test_staff_are_offered_only_the_moves_the_answers_allow(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    # mumaris_renewal: the card is posted or handed over, as the practitioner chose
    me, _ = citizens
    answers = {"card_delivery": "post", "email": "dr.sara@example.sa"}
    submission = store_submission(app, me, "mumaris_renewal", answers, 30, status="card_issued")
    url = claimed(client, submission, make_staff(app, "m", agency="scfhs"))
    html = page(client, url)
    assert "إرسال البطاقة بالبريد" in html and "تسليم البطاقة في الفرع" not in html
    code, html = post(client, f"{url}/transition", url, to="card_collected")
    assert code == 409 and "غير متاح" in html  # a forged post of the other move
    assert current(app, submission).status == "card_issued"
    code, _ = post(client, f"{url}/transition", url, to="card_posted")
    assert code == 200
    assert current(app, submission).status == "card_posted"
