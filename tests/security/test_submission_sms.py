"""Finding 5: SMS to any number, and no cap on submissions.

The attack: type a stranger's mobile into the form and submit again and again, so the
platform texts them. Now the request SMS goes only to the account's own mobile (proven by
an SMS code, or vouched for by the national SSO), one account submits at most
`submit.account` requests in its window (the draft kept, the time to come back shown),
and one mobile receives at most `SMS_PER_HOUR` request texts an hour.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlalchemy import select

from khidma.storage.models import Channel
from khidma.storage.models import Draft
from khidma.storage.models import OutboxMessage
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.web.notify import SMS_PER_HOUR
from khidma.web.notify import queue_notifications
from tests.web.support import csrf_from
from tests.web.support import db
from tests.web.support import definition
from tests.web.support import emirate_answers
from tests.web.support import make_draft
from tests.web.support import make_submission
from tests.web.support import make_user
from tests.web.support import new_submission
from tests.web.support import sign_in

STRANGER = "0555555555"


def _submit(client: FlaskClient, draft: Draft, lang: str = "ar") -> object:
    page = client.get(f"/drafts/{draft.token}/applicant?lang={lang}").get_data(as_text=True)
    return client.post(
        f"/drafts/{draft.token}/submit",
        data={"csrf_token": csrf_from(page), "declaration": "data_accuracy"},
    )


def _sms(app: Flask) -> list[str]:
    with db(app).session() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.channel == Channel.SMS))
        return [m.recipient for m in rows]


def _ready_draft(app: Flask, user: User) -> Draft:
    answers = {**emirate_answers(user), "mobile": STRANGER}
    return make_draft(app, user, step="_review", answers=answers)


@pytest.fixture
def citizens(app: Flask) -> tuple[User, User]:
    return make_user(app, "100000000"), make_user(app, "100000001")


@pytest.fixture
def limited(app: Flask) -> Flask:
    app.extensions["khidma.throttle"].items.update(
        {"submit.account": __import__("limits").parse("2 per hour")}
    )
    return app


def test_the_sms_goes_to_the_accounts_mobile_not_the_one_typed(
    app: Flask,
    citizens: tuple[User, User],
) -> None:
    me, _ = citizens
    client = app.test_client()
    sign_in(client, me)
    sent = _submit(client, _ready_draft(app, me))
    assert sent.status_code == 302  # type: ignore[attr-defined]
    assert _sms(app) == [me.mobile]  # +966501234567, never +966555555555
    with db(app).session() as s:
        (submission,) = s.scalars(select(Submission))
        assert submission.answers["mobile"] == "+966555555555"  # kept for the agency to read


def test_submissions_per_citizen_are_capped_and_the_draft_is_kept(
    limited: Flask,
    citizens: tuple[User, User],
) -> None:
    me, _ = citizens
    client = limited.test_client()
    sign_in(client, me)
    for _ in range(2):
        assert _submit(client, _ready_draft(limited, me)).status_code == 302  # type: ignore[attr-defined]
    kept = _ready_draft(limited, me)
    refused = _submit(client, kept, "ar")
    assert refused.status_code == 429  # type: ignore[attr-defined]
    body = refused.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "قدّمت طلبات كثيرة خلال وقت قصير. طلبك محفوظ كما هو" in body
    assert 'href="#submit-request"' in body and 'id="submit-request"' in body
    english = _submit(client, kept, "en")
    assert "You have submitted many requests in a short time" in english.get_data(as_text=True)  # type: ignore[attr-defined]
    with db(limited).session() as s:
        assert s.scalar(select(func.count()).select_from(Submission)) == 2
        draft = s.scalar(select(Draft).where(Draft.token == kept.token))
        assert draft is not None and draft.answers["visit_subject"]  # nothing lost
        assert "data_accuracy" in draft.declarations
    assert len(_sms(limited)) == 2


def test_one_mobile_gets_at_most_so_many_request_texts_an_hour(
    app: Flask,
    citizens: tuple[User, User],
) -> None:
    me, _ = citizens
    d = definition(app)
    first = make_submission(app, me, 1)
    with app.test_request_context("/"), db(app).session(write=True) as s:
        for seq in range(2, SMS_PER_HOUR + 4):
            stored = new_submission(d, me, first.answers, seq)
            s.add(stored)
            s.flush()
            queue_notifications(s, d, stored, stored.answers, me, "submitted")
            s.flush()
    assert _sms(app) == [me.mobile] * SMS_PER_HOUR
