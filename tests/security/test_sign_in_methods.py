"""Finding 1 (high): applying in someone else's name.

The attack: open a local account with somebody else's (unregistered, checksum-valid) ID
number and one's own mobile, confirm the SMS code, type any name, then apply for
emirate_visit, which accepts the national SSO only. Refused now twice over: the service's
`sign_in.methods` are enforced at every step and at submit, and a local account's ID
number is unverified until the identity-verification service says the mobile is
registered to it (prefilled read-only fields come only from verified claims).
"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlalchemy import select

from khidma.identity.claims import identity_claims
from khidma.identity.verification_simulator import VerifierServer
from khidma.storage.models import Draft
from khidma.storage.models import Submission
from khidma.storage.models import User
from tests.drivers import MOBILE_E164
from tests.drivers import NATIONAL_ID
from tests.drivers import Actions
from tests.security.conftest import csrf_of
from tests.security.conftest import text_of

VICTIM_ID = NATIONAL_ID  # nobody holds an account with it yet


def _count(app: Flask, model: type) -> int:
    with app.extensions["khidma.db"].session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _start(client: FlaskClient, service: str, lang: str = "ar") -> object:
    page = text_of(client.get(f"/services/{service}?lang={lang}"))
    return client.post(f"/services/{service}/start", data={"csrf_token": csrf_of(page)})


def test_a_self_declared_id_cannot_apply_in_its_owners_name(
    app: Flask, client: FlaskClient, actions: Actions
) -> None:
    assert actions.sign_up().status_code == 303  # any name, the victim's ID, own mobile
    user = actions.user(national_id=VICTIM_ID)
    assert user is not None and user.identity_verified_at is None
    claims = identity_claims(user)
    assert claims["national_id"] is None and claims["full_name_ar"] is None
    assert claims["mobile"] == MOBILE_E164  # proven by the SMS code: kept

    # emirate_visit accepts the national SSO only
    refused = _start(client, "emirate_visit", "ar")
    assert refused.status_code == 403  # type: ignore[attr-defined]
    body = text_of(refused)
    assert "هذه الخدمة تتطلب طريقة دخول أخرى" in body and "النفاذ الوطني الموحد" in body
    refused = _start(client, "emirate_visit", "en")
    assert "This service needs another way of signing in" in text_of(refused)

    # mumaris_renewal accepts local accounts, but only verified ones
    refused = _start(client, "mumaris_renewal", "en")
    assert refused.status_code == 403  # type: ignore[attr-defined]
    assert "Your identity is not verified yet" in text_of(refused)
    assert "لم يتم التحقق من هويتك بعد" in text_of(_start(client, "mumaris_renewal", "ar"))
    token = csrf_of(text_of(refused))
    answer = client.post(
        "/auth/verify-identity?lang=en",
        data={"csrf_token": token, "next": "/services/mumaris_renewal"},
        follow_redirects=True,
    )
    assert "is not registered to this ID number" in text_of(answer)
    assert actions.user(national_id=VICTIM_ID).identity_verified_at is None  # type: ignore[union-attr]
    assert _count(app, Draft) == 0 and _count(app, Submission) == 0


def test_an_owner_whose_mobile_is_registered_is_verified_and_applies(
    app: Flask, client: FlaskClient, actions: Actions, idv: VerifierServer
) -> None:
    idv.simulator.register(VICTIM_ID, MOBILE_E164)
    assert actions.sign_up().status_code == 303
    user = actions.user(national_id=VICTIM_ID)
    assert user is not None and user.identity_verified_at is not None
    started = _start(client, "mumaris_renewal")
    assert started.status_code == 302  # type: ignore[attr-defined]
    with app.extensions["khidma.db"].session() as s:
        draft = s.scalar(select(Draft))
        assert draft is not None and draft.answers["national_id"] == VICTIM_ID
    # still not the SSO-only service
    assert _start(client, "emirate_visit").status_code == 403  # type: ignore[attr-defined]


def test_verification_later_when_the_service_was_down(
    client: FlaskClient, actions: Actions, idv: VerifierServer
) -> None:
    idv.simulator.down_status = 503
    assert actions.sign_up().status_code == 303
    assert actions.user(national_id=VICTIM_ID).identity_verified_at is None  # type: ignore[union-attr]
    page = text_of(client.get("/auth/profile?lang=ar"))
    assert "غير موثقة" in page
    sent = client.post(
        "/auth/verify-identity", data={"csrf_token": csrf_of(page)}, follow_redirects=True
    )
    assert "خدمة التحقق من الهوية غير متاحة الآن" in text_of(sent)
    idv.simulator.down_status = None
    idv.simulator.register(VICTIM_ID, MOBILE_E164)
    sent = client.post(
        "/auth/verify-identity?lang=en", data={"csrf_token": csrf_of(page)}, follow_redirects=True
    )
    assert "Your identity is verified." in text_of(sent)
    assert actions.user(national_id=VICTIM_ID).identity_verified_at is not None  # type: ignore[union-attr]


def test_a_session_of_another_method_signs_in_again_and_keeps_the_draft(
    app: Flask, client: FlaskClient, actions: Actions
) -> None:
    assert actions.persona("citizen").status_code in (302, 303)
    started = _start(client, "emirate_visit")
    assert started.status_code == 302  # type: ignore[attr-defined]
    step = started.location  # type: ignore[attr-defined]
    page = text_of(client.get(step))
    posted = client.post(
        step,
        data={
            "csrf_token": csrf_of(page),
            "applicant_type": "individual",
            "governorate": "najran",
            "action": "save",
        },
    )
    assert posted.status_code in (302, 303)
    with client.session_transaction() as s:
        s["via"] = "password"  # the same person, signed in with a password this time
    refused = client.get(step + "?lang=en")
    assert refused.status_code == 403
    body = text_of(refused)
    assert "What you have entered is saved in your draft" in body
    assert "/auth/sso?next=" in body
    token = csrf_of(body)
    draft_token = step.split("/")[2]
    submit = client.post(
        f"/drafts/{draft_token}/submit",
        data={"csrf_token": token},
        headers={"Referer": f"http://localhost/drafts/{draft_token}/_review"},
    )
    assert submit.status_code == 403 and _count(app, Submission) == 0
    # sign in again with the national SSO: back on the step, answers as they were
    back = actions.persona("citizen", next=step)
    assert back.location.endswith(step)
    again = text_of(client.get(step))
    assert 'value="najran" selected' in again or "najran" in again
    with app.extensions["khidma.db"].session() as s:
        draft = s.scalar(select(Draft))
        assert draft is not None and draft.answers.get("governorate") == "najran"
        assert s.scalar(select(func.count()).select_from(User)) == 1
