"""Findings 3, 4 and 7: password sign-in abused.

3. One attacker behind a shared address (an office, a proxy) made a correct password of
   anyone else there answer 429. Now an address over its limit is refused further wrong
   passwords only: a right password for an account not under attack signs in.
7. Five wrong passwords locked any account for 15 minutes, knowing only its username.
   Now nothing locks: wrong passwords are slowed per (account, address) and per account,
   the owner signs in from elsewhere, and is told by SMS.
4. A real account answered "locked" where an unknown one answered "not right". Now both
   answer the same, at the same counts.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.drivers import MOBILE_E164
from tests.drivers import PASSWORD
from tests.drivers import USERNAME
from tests.drivers import Actions
from tests.security.conftest import text_of


def _from(app: Flask, address: str) -> Actions:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return Actions(app, client)


def _signed_up(app: Flask) -> None:
    owner = _from(app, "10.9.9.9")
    assert owner.sign_up().status_code == 303


def test_a_right_password_passes_at_an_address_over_its_limit(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(RATELIMITS={"sign_in.address": "3 per 15 minutes"})
    _signed_up(app)
    attacker = _from(app, "10.0.0.7")  # the office's one public address
    for n in range(3):
        attacker.sign_in(f"someone{n}", "Guess-1234")
    refused = attacker.sign_in("someone9", "Guess-1234")
    assert refused.status_code == 429 and "محاولات كثيرة" in text_of(refused)
    colleague = _from(app, "10.0.0.7")
    assert colleague.sign_in(USERNAME, PASSWORD).status_code == 303


def test_wrong_passwords_do_not_lock_the_owner_out_and_the_owner_is_told(
    app: Flask, actions: Actions
) -> None:
    _signed_up(app)
    attacker = _from(app, "203.0.113.5")
    for _ in range(6):
        last = attacker.sign_in(USERNAME, "Guess-1234")
    assert last.status_code == 429  # the attacker is slowed down…
    client = attacker.client
    client.set_cookie("khidma_lang", "en")
    assert "Too many attempts" in text_of(attacker.sign_in(USERNAME, PASSWORD))
    owner = _from(app, "198.51.100.2")  # …the owner, elsewhere, is not
    assert owner.sign_in(USERNAME, PASSWORD).status_code == 303
    alerts = [m for m in actions.sms(MOBILE_E164) if m.event == "sign_in.alert"]
    assert len(alerts) == 1
    assert "أُدخلت كلمة مرور خاطئة 5 مرات متتالية لحسابك" in alerts[0].body


def test_a_real_and_an_unknown_account_answer_alike(app: Flask, client: FlaskClient) -> None:
    _signed_up(app)
    real, ghost = _from(app, "192.0.2.1"), _from(app, "192.0.2.2")
    for _ in range(7):
        a, b = real.sign_in(USERNAME, "Guess-1234"), ghost.sign_in("nobody.here", "Guess-1234")
        assert a.status_code == b.status_code
        strip = (USERNAME, "nobody.here")
        assert _without(text_of(a), strip) == _without(text_of(b), strip)


def _without(page: str, names: tuple[str, ...]) -> str:
    import re

    page = re.sub(r"[\w-]{20,}\.[\w-]+\.[\w-]+", "", page)  # CSRF tokens
    for name in names:
        page = page.replace(name, "")
    return page
