"""Finding 4: which ID numbers and usernames have accounts.

The attacks: type ID numbers into the sign-up form ("there is already an account with
this ID number", 50 of 50, no limit), username and ID pairs into the reset form ("no
account with this name and ID"). Now a visitor gets the same answers at the same counts
whether an account exists or not: sign-up always sends a code to the mobile typed (so a
probe costs a code to a mobile one holds, 3 per mobile per 15 minutes, 10 per address an
hour) and says "taken" only after it; reset always goes on to "enter the code", shows no
digits of any mobile, and a code for no account is "not right" like a wrong one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from flask import Flask

from khidma.identity.accounts import create_local_account
from tests.drivers import MOBILE_E164
from tests.drivers import NATIONAL_ID
from tests.drivers import USERNAME
from tests.drivers import Actions
from tests.security.conftest import text_of

UNKNOWN_ID = "1234567897"  # checksum-valid, no account
TOKENS = re.compile(r"[\w-]{20,}\.[\w-]+\.[\w-]+")  # CSRF tokens differ per session


def _fresh(app: Flask, address: str) -> Actions:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return Actions(app, client)


def _same(a: str, b: str, *variants: tuple[str, str]) -> bool:
    for x, y in variants:
        a, b = a.replace(x, ""), b.replace(y, "")
    return TOKENS.sub("", a) == TOKENS.sub("", b)


def test_sign_up_answers_alike_for_a_taken_and_a_free_id(app: Flask, actions: Actions) -> None:
    assert actions.sign_up().status_code == 303
    taken, free = _fresh(app, "192.0.2.10"), _fresh(app, "192.0.2.11")
    for lang in ("ar", "en"):
        a = taken.submit(
            f"/auth/sign-up?lang={lang}", {"national_id": NATIONAL_ID, "mobile": "0551112222"}
        )
        b = free.submit(
            f"/auth/sign-up?lang={lang}", {"national_id": UNKNOWN_ID, "mobile": "0551113333"}
        )
        assert a.status_code == b.status_code == 303
        pa, pb = text_of(taken.client.get(a.location)), text_of(free.client.get(b.location))
        assert _same(pa, pb, ("055 111 2222", "055 111 3333"))
    # probes are rate-limited: the 4th code to one mobile within 15 minutes is refused
    prober = _fresh(app, "192.0.2.12")
    for _ in range(2):
        prober.submit("/auth/sign-up", {"national_id": UNKNOWN_ID, "mobile": "0551112222"})
    refused = prober.submit(
        "/auth/sign-up?lang=en", {"national_id": NATIONAL_ID, "mobile": "0551112222"}
    )
    assert refused.status_code == 429 and "Too many attempts" in text_of(refused)


def test_reset_answers_alike_for_an_account_and_none(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    with app.extensions["khidma.db"].session(write=True) as s:  # no sign-up code counted
        create_local_account(
            s,
            national_id=NATIONAL_ID,
            mobile=MOBILE_E164,
            name_ar="سالم عبد الله حمد الحربي",
            name_en="Salem",
            email=None,
            username=USERNAME,
            password="Tamr-2025-sweet",
            now=dt.datetime.now(dt.UTC),
        )
    real, none = _fresh(app, "192.0.2.21"), _fresh(app, "192.0.2.22")
    for lang, words in (
        ("ar", "إن كان هناك حساب بهذا الاسم ورقم الهوية"),
        ("en", "If an account has this username and ID number"),
    ):
        a = real.submit(
            f"/auth/reset?lang={lang}", {"username": USERNAME, "national_id": NATIONAL_ID}
        )
        b = none.submit(
            f"/auth/reset?lang={lang}", {"username": USERNAME, "national_id": UNKNOWN_ID}
        )
        assert a.status_code == b.status_code == 303 and a.location == b.location
        pa, pb = text_of(real.client.get(a.location)), text_of(none.client.get(b.location))
        assert words in pa and _same(pa, pb)
        wrong_a = real.submit(f"/auth/reset/verify?lang={lang}", {"code": "000000"})
        wrong_b = none.submit(f"/auth/reset/verify?lang={lang}", {"code": "000000"})
        assert wrong_a.status_code == wrong_b.status_code == 200
        assert _same(text_of(wrong_a), text_of(wrong_b))
    # the same limit on both: the 4th request within 15 minutes is refused
    a = real.submit("/auth/reset", {"username": USERNAME, "national_id": NATIONAL_ID})
    b = none.submit("/auth/reset", {"username": USERNAME, "national_id": UNKNOWN_ID})
    assert a.status_code == b.status_code == 303
    a = real.submit("/auth/reset", {"username": USERNAME, "national_id": NATIONAL_ID})
    b = none.submit("/auth/reset", {"username": USERNAME, "national_id": UNKNOWN_ID})
    assert a.status_code == b.status_code == 429
