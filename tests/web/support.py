"""What the web tests share: an app on a real SQLite file, citizens, and requests and
drafts written straight into the database (the wizard has its own tests); the answers
are a complete emirate_visit request that `validate_submission` accepts, with a script
payload in the free-text answers."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from khidma.definitions.snapshot import snapshot
from khidma.engine.identifiers import make_national_id
from khidma.engine.validate import validate_submission
from khidma.storage.models import Attachment
from khidma.storage.models import Draft
from khidma.storage.models import Role
from khidma.storage.models import StatusEvent
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.storage.models import UserSource
from khidma.storage.snapshots import save_definition
from tests.drivers import NOW
from tests.drivers import ROOT  # noqa: F401  (ROOT: for this folder's tests)
from tests.drivers import deployed_app

PAYLOAD = "<script>alert(1)</script>"
SHA = hashlib.sha256(b"letter").hexdigest()


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = deployed_app(tmp_path)
    yield app
    app.extensions["khidma.db"].dispose()


def db(app: Flask) -> Any:
    return app.extensions["khidma.db"]


def make_user(app: Flask, seq: str, name: str = "محمد عبدالله سعد القحطاني") -> User:
    with db(app).session(write=True) as session:
        user = User(
            national_id=make_national_id(seq),
            name_ar=name,
            name_en="Mohammed Abdullah Saad Alqahtani",
            mobile="+966501234567",
            role=Role.CITIZEN,
            source=UserSource.SSO,
        )
        session.add(user)
    return user


def sign_in(client: FlaskClient, user: User) -> None:
    """The session the identity layer writes when a user signs in."""
    at = NOW.timestamp()
    with client.session_transaction() as s:
        s.update(
            uid=user.id, utok=user.token, sid="s-" + user.token, auth_at=at, seen=at, via="sso"
        )


def file_ref(token: str, name: str) -> dict[str, Any]:
    return {"id": token, "name": name, "size": 2048, "kind": "pdf", "sha256": SHA}


def emirate_answers(user: User, subject: str = PAYLOAD + " أرغب في مناقشة موضوع") -> dict[str, Any]:
    return {
        "applicant_type": "individual",
        "full_name": user.name_ar,
        "national_id": user.national_id,
        "mobile": "0501234567",
        "email": "citizen@example.com",
        "governorate": "najran",
        "appointment_type": "department",
        "visit_destination": "support_services",
        "department": "information_technology",
        "entry_gate": "main_gate",
        "visit_reason": "other",
        "visit_subject": subject,
        "visit_letter": [file_ref("letter-" + user.token, "letter.pdf")],
        "applicant_id_copy": [file_ref("idcopy-" + user.token, "id.pdf")],
        "has_other_items": False,
        "companions": [
            {
                "companion_name": PAYLOAD,
                "companion_national_id": make_national_id("200000001"),
                "companion_id_image": [file_ref("comp-" + user.token, "companion.pdf")],
            }
        ],
    }


def definition(app: Flask, service_id: str = "emirate_visit") -> Any:
    return app.extensions["khidma.registry"].current(service_id)


def make_submission(
    app: Flask, user: User, seq: int, *, status: str = "submitted", note: str | None = None
) -> Submission:
    d = definition(app)
    answers, errors, _ = validate_submission(
        d, emirate_answers(user), today=NOW.date(), identity={"national_id": user.national_id}
    )
    assert errors == []
    with db(app).session(write=True) as session:
        save_definition(session, d, snapshot(d))
        submission = new_submission(d, user, answers, seq, status=status)
        submission.declarations = {"data_accuracy": (NOW - dt.timedelta(days=1)).isoformat()}
        session.add(submission)
        session.flush()
        submission.events.append(
            StatusEvent(
                submission=submission,
                to_status="submitted",
                actor_role="citizen",
                actor_user_id=user.id,
                created_at=NOW - dt.timedelta(days=1),
            )
        )
        if status != "submitted":
            submission.events.append(
                StatusEvent(
                    submission=submission,
                    from_status="submitted",
                    to_status=status,
                    actor_role="staff",
                    note=note,
                    created_at=NOW - dt.timedelta(hours=2),
                )
            )
        for field_id, ref in (
            ("visit_letter", answers["visit_letter"][0]),
            ("applicant_id_copy", answers["applicant_id_copy"][0]),
        ):
            session.add(
                Attachment(
                    field_id=field_id,
                    filename=ref["name"],
                    content_type="application/pdf",
                    size=ref["size"],
                    sha256=ref["sha256"],
                    blob_key=SHA,
                    token=ref["id"],
                    owner_user_id=user.id,
                    submission=submission,
                )
            )
    return submission


def make_draft(
    app: Flask,
    user: User,
    *,
    expires_in: dt.timedelta | None = None,
    step: str | None = "appointment",
    service_id: str = "emirate_visit",
    answers: dict[str, Any] | None = None,
    raw: dict[str, Any] | None = None,
) -> Draft:
    d = definition(app, service_id)
    with db(app).session(write=True) as session:
        save_definition(session, d, snapshot(d))
        draft = Draft(
            service_id=d.id,
            definition_hash=d.hash,
            user_id=user.id,
            answers={"applicant_type": "individual"} if answers is None else dict(answers),
            raw=raw or {},
            current_step=step,
            updated_at=NOW - dt.timedelta(hours=3),
            expires_at=NOW + expires_in if expires_in is not None else None,
        )
        session.add(draft)
    return draft


def csrf_from(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found[1]


@pytest.fixture
def citizens(app: Flask) -> tuple[User, User]:
    return make_user(app, "100000000"), make_user(app, "100000001", "سارة أحمد علي الزهراني")


def new_submission(
    d: Any, user: User, answers: dict[str, Any], seq: int, *, status: str | None = None
) -> Submission:
    """A submission of `d` made a day before NOW, not stored yet."""
    return Submission(
        service_id=d.id,
        definition_version=d.version,
        definition_hash=d.hash,
        reference_seq=seq,
        hijri_year=1448,
        reference=f"{seq}/1448",
        status=status or d.workflow.initial,
        user_id=user.id,
        answers=answers,
        applicant_name=user.name_ar,
        submitted_at=NOW - dt.timedelta(days=1),
    )


def store_submission(
    app: Flask,
    user: User,
    service_id: str,
    answers: dict[str, Any],
    seq: int,
    *,
    status: str | None = None,
) -> Submission:
    """A submission of any service with the answers as given (not validated)."""
    d = definition(app, service_id)
    with db(app).session(write=True) as session:
        save_definition(session, d, snapshot(d))
        submission = new_submission(d, user, answers, seq, status=status)
        session.add(submission)
    return submission
