"""/dev/outbox shows what the worker did with each message: sent, waiting (with the
attempts so far, the last error and the next attempt) or given up; totals per channel;
axe-clean in Arabic and English."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from khidma.storage.models import Channel
from khidma.storage.models import OutboxMessage
from tests.drivers import NOW
from tests.drivers import deployed_app
from tests.e2e.conftest import LiveServer
from tests.e2e.conftest import check_a11y


def make_app(tmp_path: Path) -> Flask:
    app = deployed_app(tmp_path, DEV=True)
    sms = {"channel": Channel.SMS, "recipient": "+966501234567"}
    with app.extensions["khidma.db"].session(write=True) as session:
        session.add_all(
            [
                OutboxMessage(
                    **sms, body="تم استلام طلبكم رقم 1/1448", event="submitted",
                    created_at=NOW, sent_at=NOW, attempts=1, next_attempt_at=None,
                    gateway_ref="sim-41",
                ),
                OutboxMessage(
                    **sms, body="رمز التحقق 2/1448", created_at=NOW, attempts=2,
                    next_attempt_at=NOW + dt.timedelta(minutes=1),
                    last_error="TemporaryDeliveryError: SMS gateway answered 503: unavailable",
                ),
                OutboxMessage(
                    channel=Channel.EMAIL, recipient="citizen@example.com",
                    subject="<b>3/1448</b>", body="تم تحديث حالة طلبكم رقم 3/1448",
                    created_at=NOW, attempts=8, next_attempt_at=None, given_up_at=NOW,
                    last_error="PermanentDeliveryError: recipient refused: 550 <no such user>",
                ),
            ]
        )  # fmt: skip
    return app


def card(html: str, reference: str) -> str:
    start = html.rindex('<li class="card', 0, html.index(reference))
    return html[start : html.index("</li>", start)]


def test_each_message_shows_its_state_attempts_and_error(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    html = app.test_client().get("/dev/outbox?lang=en").get_data(as_text=True)
    sent, waiting, given_up = card(html, "1/1448"), card(html, "2/1448"), card(html, "3/1448")
    assert 'data-state="sent"' in sent and "sim-41" in sent
    assert 'data-state="queued"' in waiting and "Waiting to be sent" in waiting
    assert "Next attempt" in waiting and "503: unavailable" in waiting
    assert 'data-state="given_up"' in given_up and "Given up" in given_up
    assert "550 &lt;no such user&gt;" in given_up and "&lt;b&gt;3/1448&lt;/b&gt;" in given_up
    totals = html[html.index("<table") : html.index("</table>")]
    assert "<td>1</td><td>1</td><td>0</td>" in totals  # SMS: sent, waiting, given up
    assert "<td>0</td><td>0</td><td>1</td>" in totals  # e-mail
    arabic = app.test_client().get("/dev/outbox?lang=ar").get_data(as_text=True)
    assert "تعذر الإرسال" in arabic and "المحاولات" in arabic and "آخر خطأ" in arabic
    app.extensions["khidma.db"].dispose()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    app = make_app(tmp_path)
    with LiveServer(app) as server:
        yield server
    app.extensions["khidma.db"].dispose()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_page_is_accessible(page: Any, live: LiveServer, lang: str) -> None:
    page.goto(f"{live.url}/dev/outbox?lang={lang}")
    assert page.locator(".outbox-message").count() == 3
    check_a11y(page, f"dev outbox ({lang})")
