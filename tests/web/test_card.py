"""The service card: what it tells a signed-in citizen, its fee lines, and the site icon."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from khidma.storage.models import User
from tests.web.support import sign_in

SIGN_IN_REQUIRED = ("تتطلب هذه الخدمة تسجيل الدخول", "You need to sign in to use this service")


def facts(page: str, term: str) -> str:
    """The text of the card's fact `term` (its <dd>), tags removed."""
    found = re.search(rf"<dt>{re.escape(term)}</dt>\s*<dd>(.*?)</dd>", page, re.S)
    assert found, term
    return re.sub(r"\s*<br>\s*", "\n", found.group(1)).strip()


def test_a_signed_in_citizen_is_not_told_to_sign_in(
    client: FlaskClient, citizens: tuple[User, User]
) -> None:
    """Defect 6."""
    for lang, text in zip(("ar", "en"), SIGN_IN_REQUIRED, strict=True):
        anonymous = client.get(f"/services/traffic?lang={lang}").get_data(as_text=True)
        assert text in anonymous
    sign_in(client, citizens[0])
    for lang, text in zip(("ar", "en"), SIGN_IN_REQUIRED, strict=True):
        page = client.get(f"/services/traffic?lang={lang}").get_data(as_text=True)
        assert text not in page
        assert 'action="/services/traffic/start"' in page  # still offered the service


def test_the_no_fees_line_is_said_once(client: FlaskClient) -> None:
    """Defect 8: emirate_visit's note repeats "لا يوجد رسوم" under the same line."""
    page = client.get("/services/emirate_visit?lang=ar").get_data(as_text=True)
    assert facts(page, "رسوم الخدمة") == "لا يوجد رسوم"
    assert page.count("لا يوجد رسوم") == 1
    english = client.get("/services/emirate_visit?lang=en").get_data(as_text=True)
    assert facts(english, "Service fees") == "No fees"


def test_fee_lines_of_a_paid_service(client: FlaskClient) -> None:
    page = client.get("/services/mumaris_renewal?lang=ar").get_data(as_text=True)
    lines = facts(page, "رسوم الخدمة").splitlines()
    assert lines[:3] == [
        "300 ريال",
        "تدفع بعد الموافقة على الطلب",
        "سداد · البطاقة الائتمانية أو مدى · الحساب البنكي",
    ]
    assert len(lines) == 4  # and the agency's note, which adds how and where


def test_every_page_has_an_icon(client: FlaskClient) -> None:
    """Defect 12: /favicon.ico was 404 on every page."""
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    icon.close()
    for path in ("/", "/services/mawid", "/inquiry", "/auth/sign-in"):
        page = client.get(path).get_data(as_text=True)
        assert '<link rel="icon" href="/favicon.ico"' in page, path
