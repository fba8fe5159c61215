"""My account: a citizen sees their own requests and drafts, and nobody else's.

Users, drafts and submissions are written straight into the database (the wizard has its
own tests); the answers are a complete emirate_visit request that `validate_submission`
accepts, with a script payload in the free-text answers.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlalchemy import select

from khidma.engine.identifiers import make_national_id
from khidma.storage.models import Draft
from khidma.storage.models import Message
from khidma.storage.models import Rating
from khidma.storage.models import Submission
from khidma.storage.models import User
from tests.renderer.pdftext import pdf_segments
from tests.web.support import NOW
from tests.web.support import PAYLOAD
from tests.web.support import SHA
from tests.web.support import csrf_from
from tests.web.support import db
from tests.web.support import definition
from tests.web.support import emirate_answers
from tests.web.support import make_draft
from tests.web.support import make_submission
from tests.web.support import sign_in
from tests.web.support import store_submission

# --------------------------------------------------------------------------- the list


def test_my_account_lists_only_my_requests_and_drafts(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, other = citizens
    mine = make_submission(app, me, 7, status="in_progress")
    theirs = make_submission(app, other, 8)
    my_draft = make_draft(app, me, expires_in=dt.timedelta(days=10))
    their_draft = make_draft(app, other, expires_in=dt.timedelta(days=10))
    sign_in(client, me)

    page = client.get("/account?lang=ar").get_data(as_text=True)
    assert "7/1448" in page and "8/1448" not in page
    assert "طلب موعد مع الامارة" in page
    assert "تحت الاجراء" in page  # the workflow's label, not the status id
    assert "12 جمادى الآخرة 1448 هـ (2026/11/22)" in page
    assert f"/account/requests/{mine.token}" in page
    assert theirs.token not in page
    assert f"/drafts/{my_draft.token}/appointment" in page  # resume where they stopped
    assert their_draft.token not in page
    assert "لديك رسالة" not in page

    english = client.get("/account?lang=en").get_data(as_text=True)
    assert "In progress" in english and "Request an appointment with the Emirate" in english
    assert "Jumada al-Akhirah 1448 AH" in english


def rows_of(page: str) -> list[list[str]]:
    """The cells of "my requests" (tags removed, whitespace folded), a list per request."""
    table = re.search(r'<table class="requests-table">.*?<tbody>(.*?)</tbody>', page, re.S)
    assert table, "no requests table"
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table[1], re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells])
    return rows


def test_my_requests_are_a_table_saying_what_each_is_about(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    """Defect 14: "My account" showed identical cards ("موعد", "موعد", …). Like the
    portal: a table of number, what the request is about, date, beneficiary, status and
    a message marker with its count; a booking says its branch, service, day and time."""
    me, _ = citizens
    for seq, branch, service, slot in (
        (21, "riyadh_north", "licence_renewal", "2026-11-24T09:00"),
        (22, "al_kharj", "plates", "2026-11-25T10:30"),
    ):
        answers = {"traffic_branch": branch, "traffic_service": service, "appointment": slot}
        store_submission(app, me, "traffic", answers, seq)
    emirate = make_submission(app, me, 23)
    with db(app).session(write=True) as session:
        stored = session.get(Submission, emirate.id)
        for body in ("رسالة أولى", "رسالة ثانية"):
            stored.messages.append(Message(submission=stored, author_role="staff", body=body))
    sign_in(client, me)

    rows = rows_of(client.get("/account?lang=ar").get_data(as_text=True))
    by_reference = {row[0].split()[0]: row for row in rows}
    assert set(by_reference) == {"21/1448", "22/1448", "23/1448"}
    north = by_reference["21/1448"]
    assert north[1].startswith("حجز موعد المرور مرور شمال الرياض — تجديد رخصة القيادة — ")
    assert "الساعة 09:00" in north[1] and "1448 هـ" in north[1]
    assert "مرور محافظة الخرج" in by_reference["22/1448"][1]
    assert north[1] != by_reference["22/1448"][1]
    assert north[2] == "12 جمادى الآخرة 1448 هـ (2026/11/22)"
    assert north[3] == me.name_ar and north[4] == "محجوز"
    assert by_reference["23/1448"][5] == "لديك رسالة (2)"
    assert by_reference["23/1448"][1].startswith("طلب موعد مع الامارة نجران")  # first choices
    assert "لا توجد رسائل جديدة" in north[5]  # said to screen readers; "—" shown

    english = rows_of(client.get("/account?lang=en").get_data(as_text=True))
    assert any(
        "North Riyadh Traffic — Renew a driving licence — " in row[1] and "09:00" in row[1]
        for row in english
    )
    assert any(row[5] == "You have a message (2)" for row in english)


def test_unread_message_marker_until_the_request_is_opened(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, _ = citizens
    submission = make_submission(app, me, 3, status="needs_info")
    with db(app).session(write=True) as session:
        stored = session.get(Submission, submission.id)
        stored.messages.append(
            Message(
                submission=stored,
                author_role="staff",
                body="يرجى إرفاق خطاب موقع",
                created_at=NOW - dt.timedelta(hours=1),
            )
        )
    sign_in(client, me)
    assert "لديك رسالة" in client.get("/account").get_data(as_text=True)
    assert "You have a message" in client.get("/account?lang=en").get_data(as_text=True)

    request_page = client.get(f"/account/requests/{submission.token}?lang=ar").get_data(
        as_text=True
    )
    assert "يرجى إرفاق خطاب موقع" in request_page and "رسالة جديدة" in request_page
    assert "لديك رسالة" not in client.get("/account").get_data(as_text=True)


def test_expired_drafts_are_not_offered(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, _ = citizens
    expired = make_draft(app, me, expires_in=dt.timedelta(days=-1))
    kept = make_draft(app, me, step=None)
    sign_in(client, me)
    page = client.get("/account").get_data(as_text=True)
    assert kept.token in page and expired.token not in page
    assert f"/drafts/{kept.token}/applicant" in page  # never saved a step: the first page


def test_discard_a_draft(app: Flask, client: FlaskClient, citizens: tuple[User, User]) -> None:
    me, other = citizens
    mine, theirs = make_draft(app, me), make_draft(app, other)
    sign_in(client, me)
    token = csrf_from(client.get("/account").get_data(as_text=True))

    refused = client.post(f"/account/drafts/{theirs.token}/discard", data={"csrf_token": token})
    assert refused.status_code == 404
    done = client.post(
        f"/account/drafts/{mine.token}/discard", data={"csrf_token": token}, follow_redirects=True
    )
    assert "تم حذف المسودة" in done.get_data(as_text=True)
    with db(app).session() as session:
        left = set(session.scalars(select(Draft.token)))
    assert left == {theirs.token}


# --------------------------------------------------------------------------- ownership


def test_another_citizens_request_is_not_found(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, other = citizens
    mine = make_submission(app, me, 1)
    theirs = make_submission(app, other, 2)
    sign_in(client, me)
    token = csrf_from(client.get(f"/account/requests/{mine.token}").get_data(as_text=True))
    for url in (
        f"/account/requests/{theirs.token}",
        f"/account/requests/{theirs.token}/summary.pdf",
        "/account/requests/no-such-token",
        "/account/requests/no-such-token/summary.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"2/1448" not in response.data
    rated = client.post(
        f"/account/requests/{theirs.token}/rate", data={"csrf_token": token, "stars": "5"}
    )
    assert rated.status_code == 404
    with db(app).session() as session:
        assert session.scalar(select(func.count()).select_from(Rating)) == 0


# --------------------------------------------------------------------------- one request


def test_request_page_shows_answers_history_and_files_escaped(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, _ = citizens
    submission = make_submission(
        app, me, 12, status="approved", note="موعدكم يوم الأحد الساعة 10 صباحًا"
    )
    sign_in(client, me)
    response = client.get(f"/account/requests/{submission.token}?lang=ar")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert PAYLOAD not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # answers through the shared summary: sections, rows, the companions' table, files
    assert "بيانات مقدم الطلب" in page and "الإسم الرباعي" in page
    assert "الإدارة العامة لتقنية المعلومات" in page  # option label, not the value
    assert "<caption>المرافقون</caption>" in page
    assert SHA[:16] in page and "2 كيلوبايت" in page
    assert "أقر وأتعهد بصحة البيانات المقدمة" in page and "تم الإقرار في" in page
    assert "تغيير" not in page  # no change links after submitting
    # status history with dates and the staff note
    assert "مقدم" in page and "تم تحديد الموعد" in page
    assert "موعدكم يوم الأحد الساعة 10 صباحًا" in page
    assert "1448 هـ" in page
    # attachments download through the wizard's file endpoint, by the file's own token
    assert f'href="/files/letter-{me.token}"' in page
    assert f'href="/account/requests/{submission.token}/summary.pdf"' in page

    english = client.get(f"/account/requests/{submission.token}?lang=en").get_data(as_text=True)
    assert "Status history" in english and "Appointment set" in english
    assert "Full name (four parts)" in english


def test_request_summary_pdf(app: Flask, client: FlaskClient, citizens: tuple[User, User]) -> None:
    me, _ = citizens
    submission = make_submission(app, me, 67, status="in_progress")
    sign_in(client, me)
    response = client.get(f"/account/requests/{submission.token}/summary.pdf?lang=ar")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "67-1448" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"%PDF")
    lines = [line for page in pdf_segments(response.data, rtl=True) for line in page]
    text = "\n".join(lines)
    assert "67/1448" in text
    assert "تحت الاجراء" in text
    assert PAYLOAD in lines  # the companion's name: drawn as text, never run as markup
    assert "محمد عبدالله سعد القحطاني" in text


def test_service_guide_pdf(client: FlaskClient) -> None:
    card = client.get("/services/emirate_visit").get_data(as_text=True)
    assert 'href="/services/emirate_visit/guide.pdf"' in card
    response = client.get("/services/emirate_visit/guide.pdf?lang=ar")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "emirate_visit-guide-ar.pdf" in response.headers["Content-Disposition"]
    text = "\n".join(line for page in pdf_segments(response.data, rtl=True) for line in page)
    assert "طلب موعد مع الامارة" in text
    assert client.get("/services/nothing/guide.pdf").status_code == 404


# --------------------------------------------------------------------------- rating


def test_rate_once_with_clear_messages(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, _ = citizens
    submission = make_submission(app, me, 5)
    sign_in(client, me)
    url = f"/account/requests/{submission.token}"
    token = csrf_from(client.get(url).get_data(as_text=True))

    missing = client.post(f"{url}/rate?lang=ar", data={"csrf_token": token, "comment": "جيد"})
    assert missing.status_code == 400
    body = missing.get_data(as_text=True)
    assert "اختر تقييمًا من نجمة واحدة إلى 5 نجوم." in body
    assert 'class="error-summary"' in body and 'href="#stars-1"' in body
    assert ">جيد</textarea>" in body  # what was typed is kept

    wrong = client.post(f"{url}/rate?lang=en", data={"csrf_token": token, "stars": "9"})
    assert wrong.status_code == 400
    assert "Choose a rating from 1 to 5 stars." in wrong.get_data(as_text=True)
    too_long = client.post(
        f"{url}/rate?lang=en", data={"csrf_token": token, "stars": "3", "comment": "x" * 1001}
    )
    assert "Comments must be 1000 characters or fewer." in too_long.get_data(as_text=True)

    done = client.post(
        f"{url}/rate?lang=ar",
        data={"csrf_token": token, "stars": "4", "comment": PAYLOAD},
        follow_redirects=True,
    )
    page = done.get_data(as_text=True)
    assert "شكرًا لك، تم استلام تقييمك." in page and "تقييمك: 4 من 5" in page
    assert PAYLOAD not in page
    assert 'name="stars"' not in page  # the form is gone once rated

    again = client.post(
        f"{url}/rate?lang=ar", data={"csrf_token": token, "stars": "1"}, follow_redirects=True
    )
    assert "سبق أن قيّمت الخدمة لهذا الطلب" in again.get_data(as_text=True)
    with db(app).session() as session:
        ratings = list(session.scalars(select(Rating)))
    assert [(r.stars, r.comment, r.user_id) for r in ratings] == [(4, PAYLOAD, me.id)]


def test_posts_without_csrf_token_are_refused(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, _ = citizens
    submission = make_submission(app, me, 9)
    draft = make_draft(app, me)
    sign_in(client, me)
    rated = client.post(f"/account/requests/{submission.token}/rate", data={"stars": "5"})
    assert rated.status_code == 400
    assert client.post(f"/account/drafts/{draft.token}/discard").status_code == 400
    with db(app).session() as session:
        assert session.scalar(select(func.count()).select_from(Rating)) == 0
        assert session.scalar(select(func.count()).select_from(Draft)) == 1


def test_anonymous_visitors_are_sent_to_sign_in(app: Flask, client: FlaskClient) -> None:
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/sign-in")


# --------------------------------------------------------------------------- the shared partial


def test_summary_partial_change_links_and_escaping(app: Flask) -> None:
    from khidma.renderer.summary import PAGE
    from khidma.renderer.summary import render_html

    from khidma.engine.summary import build_summary

    d = definition(app)
    user = User(national_id=make_national_id("100000000"), name_ar="محمد عبدالله سعد القحطاني")
    answers = emirate_answers(user, subject=PAYLOAD + "\nسطر ثان من الموضوع")
    summary = build_summary(d, answers, "ar", today=NOW.date())

    def change_url(field_id: str) -> str | None:
        return None if field_id == "national_id" else f"/change/{field_id}"

    html = render_html(summary, PAGE.but(change_url=change_url))
    plain = render_html(summary)
    assert (
        '<a class="summary-change" href="/change/full_name">تغيير'
        '<span class="visually-hidden"> الإسم الرباعي</span></a>'
    ) in html
    assert 'href="/change/companions"' in html and 'href="/change/visit_letter"' in html
    assert "/change/national_id" not in html  # None: no link for that answer
    assert PAYLOAD not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>سطر ثان من الموضوع" in html
    assert '<th scope="col">الاسم</th>' in html and "<caption>المرافقون</caption>" in html
    assert "الإقرارات" not in html  # nothing accepted yet (the review page asks for it)
    assert "summary-change" not in plain and "تغيير" not in plain


def test_pages_may_still_include_the_summary_partial(app: Flask) -> None:
    """`summary/_summary.html` draws through the one renderer (for pages that include it)."""
    from flask import render_template_string

    from khidma.engine.summary import build_summary

    d = definition(app)
    summary = build_summary(d, {"full_name": "سعد", "governorate": "najran"}, "ar")
    with app.test_request_context("/?lang=ar"):
        app.preprocess_request()
        html = render_template_string(
            '{% with summary_heading = 3 %}{% include "summary/_summary.html" %}{% endwith %}',
            summary=summary,
            change_url=lambda field_id: f"/change/{field_id}",
        )
    assert '<h3 id="summary-applicant-title">' in html
    assert 'href="/change/full_name"' in html and 'class="summary summary-page"' in html


def test_my_requests_come_in_pages_newest_first(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    """Keyset pages of 20 (an account that files for many keeps a fast list); the drafts
    on the first page only; a cursor that is not the user's starts at the newest."""
    me, other = citizens
    d = definition(app)
    made = [store_submission(app, me, d.id, {}, seq) for seq in range(1, 46)]
    with db(app).session(write=True) as session:
        for seq, s in enumerate(made, start=1):
            session.get_one(Submission, s.id).submitted_at = NOW - dt.timedelta(hours=seq)
    theirs = store_submission(app, other, d.id, {}, 99)
    make_draft(app, me, expires_in=dt.timedelta(days=10))
    sign_in(client, me)

    def page_of(url: str) -> tuple[list[str], str | None, str]:
        html = client.get(url).get_data(as_text=True)
        references = [row[0] for row in rows_of(html)]
        older = re.search(r'href="(/account\?before=\d+)" rel="next"', html)
        return references, older[1] if older else None, html

    first, older, html = page_of("/account?lang=ar")
    assert [r.split()[0] for r in first] == [f"{n}/1448" for n in range(1, 21)]
    assert 'id="my-drafts"' in html and "الطلبات الأقدم" in html
    second, older2, html2 = page_of(older or "")
    assert [r.split()[0] for r in second] == [f"{n}/1448" for n in range(21, 41)]
    assert 'id="my-drafts"' not in html2 and "أحدث الطلبات" in html2
    last, none, _ = page_of(older2 or "")
    assert [r.split()[0] for r in last] == [f"{n}/1448" for n in range(41, 46)]
    assert none is None
    foreign, _, _ = page_of(f"/account?before={theirs.id}")
    assert foreign == first
