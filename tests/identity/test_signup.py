"""Creating an account: ID and mobile, the SMS code from the outbox, then the details."""

from __future__ import annotations

import html

from flask.testing import FlaskClient
from sqlalchemy import select

from khidma.storage.models import AuditLog
from khidma.storage.models import Role
from khidma.storage.models import UserSource
from khidma.storage.models import VerificationCode
from tests.drivers import MOBILE_E164
from tests.drivers import NATIONAL_ID
from tests.drivers import PASSWORD
from tests.drivers import USERNAME
from tests.drivers import Actions
from tests.drivers import signed_in_user_id


def text(response: object) -> str:
    return html.unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]


def test_whole_sign_up_with_the_code_from_the_outbox(actions: Actions, client: FlaskClient) -> None:
    response = actions.start_sign_up()
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/sign-up/verify"

    [sms] = actions.sms()
    assert sms.recipient == MOBILE_E164  # normalised from 0501234567
    assert sms.event == "verification_code.signup"
    code = actions.last_code()
    page = text(client.get("/auth/sign-up/verify"))
    assert "050 123 4567" in page  # where the code went, as people write it

    with actions.db().session() as session:
        stored = session.scalars(select(VerificationCode)).one()
    assert code not in stored.code_hash and stored.code_hash.startswith("hmac-sha256$")

    response = actions.enter_code(code)
    assert response.headers["Location"] == "/auth/sign-up/details"
    response = actions.submit("/auth/sign-up/details", actions.details())
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/profile"

    user = actions.user(national_id=NATIONAL_ID)
    assert user is not None
    assert user.username == USERNAME
    assert user.mobile == MOBILE_E164
    assert user.name_ar == "سالم عبد الله حمد الحربي"
    assert user.name_en == "Salem Abdullah Hamad Alharbi"
    assert user.role is Role.CITIZEN and user.source is UserSource.LOCAL
    assert user.password_hash is not None and user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert signed_in_user_id(client) == user.id

    profile = text(client.get("/auth/profile"))
    assert "سالم عبد الله حمد الحربي" in profile and NATIONAL_ID in profile
    with actions.db().session() as session:
        actions_logged = set(session.scalars(select(AuditLog.action)))
    assert {"account_created", "sign_in"} <= actions_logged


def test_a_bad_id_checksum_is_refused_and_kept_on_the_page(
    actions: Actions, client: FlaskClient
) -> None:
    response = actions.start_sign_up(national_id="1000000009")
    page = text(response)
    assert response.status_code == 200
    assert 'class="error-summary" role="alert" tabindex="-1"' in page
    assert "غير صحيح؛ تحقق من الأرقام كما هي في البطاقة" in page
    assert 'href="#national_id"' in page
    assert 'aria-describedby="national_id-hint national_id-error"' in page
    assert 'value="1000000009"' in page  # what was typed is still there
    assert 'value="0501234567"' in page
    assert actions.sms() == []


def test_eastern_arabic_digits_are_accepted(actions: Actions) -> None:
    response = actions.start_sign_up(national_id="١٠٠٠٠٠٠٠٠٨", mobile="٠٥٠ ١٢٣ ٤٥٦٧")
    assert response.status_code == 303
    assert len(actions.sms()) == 1


def test_a_mobile_that_is_not_saudi_is_refused(actions: Actions, client: FlaskClient) -> None:
    response = actions.start_sign_up(mobile="+20 100 123 4567")  # Egypt
    page = text(response)
    assert "أدخل رقم جوال سعودياً يبدأ بـ 05" in page
    client.set_cookie("khidma_lang", "en")
    page = text(actions.start_sign_up(mobile="0112345678"))  # a Riyadh landline
    assert "Enter a Saudi mobile number, like 0512345678" in page
    assert actions.sms() == [] and actions.sms("+201001234567") == []


def test_a_used_code_cannot_be_used_again(actions: Actions, client: FlaskClient) -> None:
    actions.start_sign_up()
    code = actions.last_code()
    with client.session_transaction() as session:
        before = dict(session)
    assert actions.enter_code(code).status_code == 303
    page = text(actions.enter_code(code))
    assert "سبق استخدام رمز التحقق هذا" in page
    # a copy of the session from before the code was used does not help either
    with client.session_transaction() as session:
        session.clear()
        session.update(before)
    page = text(actions.enter_code(code))
    assert "سبق استخدام رمز التحقق هذا" in page


def test_an_expired_code_is_refused_and_a_new_one_works(
    actions: Actions, client: FlaskClient
) -> None:
    actions.start_sign_up()
    old = actions.last_code()
    actions.advance(minutes=10, seconds=1)
    page = text(actions.enter_code(old))
    assert "انتهت صلاحية رمز التحقق" in page

    response = actions.submit("/auth/sign-up/verify", {}, action="/auth/sign-up/resend")
    assert response.status_code == 303
    assert len(actions.sms()) == 2
    new = actions.last_code()
    assert "أرسلنا رمزًا جديدًا" in text(client.get("/auth/sign-up/verify"))
    if new != old:
        assert "رمز التحقق غير صحيح" in text(actions.enter_code(old))  # only the new one counts
    assert actions.enter_code(new).headers["Location"] == "/auth/sign-up/details"


def test_five_wrong_codes_use_the_code_up(actions: Actions) -> None:
    actions.start_sign_up()
    right = actions.last_code()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(4):
        assert "رمز التحقق غير صحيح" in text(actions.enter_code(wrong))
    assert "أدخلت رمزًا خاطئًا مرات كثيرة" in text(actions.enter_code(wrong))
    assert "أدخلت رمزًا خاطئًا مرات كثيرة" in text(actions.enter_code(right))


def test_a_code_that_is_not_six_digits_is_explained(actions: Actions) -> None:
    actions.start_sign_up()
    page = text(actions.enter_code("12a4"))
    assert "أدخل رمز التحقق المكون من 6 أرقام" in page
    with actions.db().session() as session:
        assert session.scalars(select(VerificationCode)).one().attempts == 0


def test_details_errors_keep_what_was_typed_except_passwords(actions: Actions) -> None:
    actions.start_sign_up()
    actions.enter_code(actions.last_code())
    response = actions.submit(
        "/auth/sign-up/details",
        actions.details(first_name_ar="Salem", email="salem@", password2="something-else1"),
    )
    page = text(response)
    assert response.status_code == 200
    assert "اكتب الاسم بالحروف العربية" in page
    assert "أدخل البريد الإلكتروني بالصيغة الصحيحة" in page
    assert "كلمتا المرور غير متطابقتين" in page
    assert 'value="Salem"' in page and 'value="salem@"' in page and 'value="salem.h"' in page
    assert PASSWORD not in page and "something-else1" not in page
    # summary in the order of the page: the Arabic name first
    summary = page[page.index("error-summary") : page.index("</ul>")]
    assert summary.index("#first_name_ar") < summary.index("#email") < summary.index("#password2")
    assert actions.user(national_id=NATIONAL_ID) is None


def test_weak_passwords_are_refused(actions: Actions) -> None:
    actions.start_sign_up()
    actions.enter_code(actions.last_code())
    for password, message in [
        ("short1", "يجب ألا تقل كلمة المرور عن 8 أحرف"),
        ("onlyletters", "يجب أن تتضمن كلمة المرور حرفًا ورقمًا على الأقل"),
        ("salem.h-2025", "يجب ألا تتضمن كلمة المرور اسم المستخدم أو رقم الهوية"),
    ]:
        page = text(
            actions.submit(
                "/auth/sign-up/details", actions.details(password=password, password2=password)
            )
        )
        assert message in page, password


def test_taken_id_and_username(actions: Actions, client: FlaskClient) -> None:
    assert actions.sign_up().status_code == 303
    actions.sign_out()
    assert actions.start_sign_up().status_code == 303  # said after the code (tests/security)
    actions.enter_code(actions.last_code())
    page = text(actions.submit("/auth/sign-up/details", actions.details(username="other.name")))
    assert "يوجد حساب مسجل برقم الهوية هذا" in page
    response = actions.sign_up(national_id="1234567897", mobile="0551234568")
    page = text(response)
    assert response.status_code == 200
    assert "اسم المستخدم هذا مستخدم من قبل" in page


def test_steps_cannot_be_skipped(client: FlaskClient) -> None:
    response = client.get("/auth/sign-up/details")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/sign-up"
    response = client.get("/auth/sign-up/verify")
    assert response.headers["Location"] == "/auth/sign-up"


def test_sign_up_started_from_a_service_returns_to_it(actions: Actions) -> None:
    target = "/services/emirate_visit"
    response = actions.submit(
        f"/auth/sign-up?next={target}",
        {"national_id": NATIONAL_ID, "mobile": "0501234567"},
        action=f"/auth/sign-up?next={target}",
    )
    assert response.status_code == 303
    actions.enter_code(actions.last_code())
    response = actions.submit("/auth/sign-up/details", actions.details())
    assert response.headers["Location"] == target
