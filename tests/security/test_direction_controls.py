"""Finding 9: Unicode direction controls typed into answers.

The attack: "abc\\u202edcba… fdp.exe" typed into an answer shows, on the pages and in the
PDF, as "…exe.pdf". Now text answers drop the direction embeddings, overrides and
isolates (U+202A–202E, U+2066–2069) as file names already do; what is left is the text
as typed, in its own order.
"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from khidma.storage.models import Draft
from khidma.storage.models import User
from tests.security.conftest import csrf_of
from tests.security.conftest import text_of
from tests.web.support import db
from tests.web.support import emirate_answers
from tests.web.support import make_draft
from tests.web.support import make_user
from tests.web.support import sign_in

CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_direction_controls_are_dropped_from_answers(app: Flask) -> None:
    me: User = make_user(app, "100000000")
    client: FlaskClient = app.test_client()
    sign_in(client, me)
    answers = {k: v for k, v in emirate_answers(me).items() if k != "visit_subject"}
    draft = make_draft(
        app, me, step="appointment", answers=answers, raw={"_visited": ["applicant"]}
    )
    url = f"/drafts/{draft.token}/appointment?lang=en"
    typed = "طلب زيارة abc\u202edcba\u2066 fdp.exe\u2069 للإدارة"
    page = text_of(client.get(url))
    posted = client.post(
        url,
        data={
            "csrf_token": csrf_of(page),
            "visit_subject": typed,
            "appointment_type": "department",
            "visit_destination": "support_services",
            "department": "information_technology",
            "entry_gate": "main_gate",
            "visit_reason": "other",
            "action": "next",
        },
    )
    assert posted.status_code in (302, 303), text_of(posted)[:500]
    with db(app).session() as s:
        stored = s.scalar(select(Draft).where(Draft.token == draft.token))
        assert stored is not None
        assert stored.answers["visit_subject"] == "طلب زيارة abcdcba fdp.exe للإدارة"
    shown = text_of(client.get(url))
    assert "abcdcba fdp.exe" in shown and not any(c in shown for c in CONTROLS)
