"""Transaction inquiry: service + number + Hijri year → the status, and nothing else."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from khidma.definitions.snapshot import snapshot
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.storage.snapshots import save_definition
from khidma.web.inquiry import minutes_text
from tests.drivers import deployed_app as make_app

NAME = "محمد عبدالله سعد القحطاني"
NATIONAL_ID = "1000000008"
MOBILE = "+966501234567"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path, RATELIMITS={"inquiry.address": "1000 per 15 minutes"})
    store(app, seq=67, status="in_progress")
    yield app
    app.extensions["khidma.db"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def store(app: Flask, *, seq: int, status: str, year: int = 1448) -> None:
    definition = app.extensions["khidma.registry"].current("emirate_visit")
    with app.extensions["khidma.db"].session(write=True) as session:
        save_definition(session, definition, snapshot(definition))
        user = User(national_id=NATIONAL_ID, name_ar=NAME, mobile=MOBILE)
        session.add(user)
        session.flush()
        session.add(
            Submission(
                service_id=definition.id,
                definition_version=definition.version,
                definition_hash=definition.hash,
                reference_seq=seq,
                hijri_year=year,
                reference=f"{seq}/{year}",
                status=status,
                user_id=user.id,
                answers={"full_name": NAME, "national_id": NATIONAL_ID, "mobile": MOBILE},
                applicant_name=NAME,
            )
        )


def ask(client: FlaskClient, lang: str = "ar", **fields: str) -> Any:
    query = {"service": "emirate_visit", "number": "67", "year": "1448", **fields, "lang": lang}
    return client.get("/inquiry", query_string=query)


def test_the_empty_form(client: FlaskClient) -> None:
    page = client.get("/inquiry?lang=ar").get_data(as_text=True)
    assert "الاستعلام عن معاملة" in page
    assert '<select id="service" name="service"' in page and "طلب موعد مع الامارة" in page
    assert 'id="number"' in page and 'id="year"' in page
    assert "error-summary" not in page


@pytest.mark.parametrize(("lang", "status"), [("ar", "تحت الاجراء"), ("en", "In progress")])
def test_status_only_no_personal_data(client: FlaskClient, lang: str, status: str) -> None:
    response = ask(client, lang)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert status in page and "67/1448" in page
    for personal in (NAME, "القحطاني", NATIONAL_ID, MOBILE, "0501234567", "050 123 4567"):
        assert personal not in page
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "fields",
    [
        {"number": "00067"},
        {"number": "٦٧", "year": "١٤٤٨"},
        {"number": " 67 ", "year": "1448 "},
        {"number": "67/1448", "year": ""},
    ],
)
def test_the_ways_people_write_the_number(client: FlaskClient, fields: dict[str, str]) -> None:
    assert "تحت الاجراء" in ask(client, **fields).get_data(as_text=True)


def test_a_post_works_too_with_its_csrf_token(client: FlaskClient) -> None:
    page = client.get("/inquiry").get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page)
    assert token
    fields = {"service": "emirate_visit", "number": "67", "year": "1448"}
    refused = client.post("/inquiry", data=fields)
    assert refused.status_code == 400 and "تحت الاجراء" not in refused.get_data(as_text=True)
    response = client.post("/inquiry?lang=en", data={**fields, "csrf_token": token[1]})
    assert response.status_code == 200 and "In progress" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "ar", "en"),
    [
        (
            {"number": "abc"},
            "رقم الطلب غير صحيح: أدخل أرقامًا فقط، مثل 67.",
            "The request number is not valid: enter digits only, for example 67.",
        ),
        (
            {"number": "0"},
            "رقم الطلب غير صحيح",
            "The request number is not valid",
        ),
        ({"number": ""}, "أدخل رقم الطلب.", "Enter the request number."),
        ({"number": "1234567890"}, "رقم الطلب غير صحيح", "The request number is not valid"),
        (
            {"year": "1300"},
            "السنة الهجرية يجب أن تكون بين 1440 و1448.",
            "The Hijri year must be between 1440 and 1448.",
        ),
        (
            {"year": "1449"},
            "السنة الهجرية يجب أن تكون بين 1440 و1448.",
            "The Hijri year must be between 1440 and 1448.",
        ),
        (
            {"year": "48"},
            "السنة الهجرية غير صحيحة: أدخل أربعة أرقام بين 1440 و1448.",
            "The Hijri year is not valid: enter four digits between 1440 and 1448.",
        ),
        ({"year": ""}, "أدخل السنة الهجرية.", "Enter the Hijri year."),
        ({"service": "nothing"}, "اختر الخدمة من القائمة.", "Choose the service from the list."),
        ({"service": ""}, "اختر الخدمة من القائمة.", "Choose the service from the list."),
    ],
)
def test_malformed_inputs_are_explained(
    client: FlaskClient, fields: dict[str, str], ar: str, en: str
) -> None:
    for lang, message in (("ar", ar), ("en", en)):
        response = ask(client, lang, **fields)
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert message in page
        assert 'class="error-summary"' in page and 'aria-invalid="true"' in page
        assert "تحت الاجراء" not in page and "In progress" not in page


@pytest.mark.parametrize(
    "fields",
    [{"number": "68"}, {"year": "1447"}, {"service": "mawid"}],
)
def test_not_found(client: FlaskClient, fields: dict[str, str]) -> None:
    arabic = ask(client, "ar", **fields)
    assert arabic.status_code == 200
    assert "لا يوجد طلب بهذا الرقم في هذه السنة لهذه الخدمة" in arabic.get_data(as_text=True)
    english = ask(client, "en", **fields).get_data(as_text=True)
    assert "There is no request with this number in this year for this service." in english
    assert "In progress" not in english


def test_lookups_are_rate_limited_per_address(tmp_path: Path) -> None:
    app = make_app(tmp_path, RATELIMITS={"inquiry.address": "3 per 15 minutes"})
    store(app, seq=67, status="in_progress")
    client = app.test_client()
    assert client.get("/inquiry").status_code == 200  # opening the form is not a lookup
    for number in ("1", "2", "67"):
        assert ask(client, number=number).status_code == 200
    limited = ask(client, "ar")
    assert limited.status_code == 429
    page = limited.get_data(as_text=True)
    assert "حاول مرة أخرى بعد 15 دقيقة" in page
    assert "تحت الاجراء" not in page  # no answer once limited, even for a real reference
    assert int(limited.headers["Retry-After"]) == 15 * 60
    english = ask(client, "en").get_data(as_text=True)
    assert "Try again in 15 minutes." in english
    # another address is not affected
    other = client.get(
        "/inquiry",
        query_string={"service": "emirate_visit", "number": "67", "year": "1448", "lang": "ar"},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert other.status_code == 200 and "تحت الاجراء" in other.get_data(as_text=True)
    app.extensions["khidma.db"].dispose()


@pytest.mark.parametrize(
    ("minutes", "ar", "en"),
    [
        (1, "دقيقة واحدة", "1 minute"),
        (2, "دقيقتين", "2 minutes"),
        (5, "5 دقائق", "5 minutes"),
        (15, "15 دقيقة", "15 minutes"),
    ],
)
def test_minutes_in_words(minutes: int, ar: str, en: str) -> None:
    assert minutes_text(minutes, "ar") == ar
    assert minutes_text(minutes, "en") == en
