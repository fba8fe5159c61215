"""A service id the registry does not know is "not found" on every page that names one
(`context.current_definition`), signed in or not."""

from __future__ import annotations

from flask.testing import FlaskClient

from khidma.storage.models import User
from tests.web.support import csrf_from
from tests.web.support import sign_in


def test_an_unknown_service_is_not_found(client: FlaskClient, citizens: tuple[User, User]) -> None:
    assert client.get("/services/no_such_service").status_code == 404
    assert client.get("/services/no_such_service/guide.pdf").status_code == 404
    sign_in(client, citizens[0])
    assert client.get("/services/no_such_service").status_code == 404
    token = {"csrf_token": csrf_from(client.get("/services/emirate_visit").get_data(as_text=True))}
    assert client.post("/services/no_such_service/start", data=token).status_code == 404
    assert client.post("/services/emirate_visit/start", data=token).status_code in (302, 303)
