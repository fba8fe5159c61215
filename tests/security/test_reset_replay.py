"""Finding 6: a password reset replayed with a saved cookie.

The attack: go through the reset up to "code verified", keep a copy of the session
cookie, let the reset complete, then put the copy back and set a second password. The
"verified" state is now spent server-side (a guarded UPDATE on the code row), so the copy
is refused with "start again" and the first new password stands.
"""

from __future__ import annotations

from flask.testing import FlaskClient

from khidma.storage.models import User
from tests.drivers import NATIONAL_ID
from tests.drivers import USERNAME
from tests.drivers import Actions
from tests.security.conftest import csrf_of
from tests.security.conftest import text_of

FIRST, SECOND = "Qahwa-1447-hot", "Replay-1447-bad"


def test_a_saved_cookie_cannot_set_a_second_password(actions: Actions, client: FlaskClient) -> None:
    assert actions.sign_up().status_code == 303
    actions.sign_out()
    actions.submit("/auth/reset", {"username": USERNAME, "national_id": NATIONAL_ID})
    actions.enter_code(actions.last_code(), page="/auth/reset/verify")
    saved = client.get_cookie("khidma_session")
    assert saved is not None
    done = actions.submit("/auth/reset/password", {"password": FIRST, "password2": FIRST})
    assert done.status_code == 303
    client.set_cookie("khidma_session", saved.value)  # the copy, "verified" inside
    page = client.get("/auth/reset/password?lang=en", follow_redirects=True)
    assert "please start again" in text_of(page)
    client.set_cookie("khidma_session", saved.value)
    csrf = csrf_of(text_of(client.get("/auth/sign-in")))  # the copy's own CSRF token
    client.set_cookie("khidma_session", saved.value)
    replay = client.post(
        "/auth/reset/password?lang=ar",
        data={"password": SECOND, "password2": SECOND, "csrf_token": csrf},
        follow_redirects=True,
    )
    assert replay.request.path == "/auth/reset" and "ابدأ من جديد" in text_of(replay)
    assert actions.sign_in(USERNAME, SECOND).status_code != 303
    assert actions.sign_in(USERNAME, FIRST).status_code == 303
    assert isinstance(actions.user(username=USERNAME), User)
