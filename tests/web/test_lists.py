"""Defect 9: the traffic documents-to-bring page ran the documents together as one line.
A computed value whose lines are items (documents to bring, instructions) is a list on
the step page, on the review page and in the summary's other outputs."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from khidma.renderer.summary import render_text

from khidma.engine.summary import build_summary
from khidma.storage.models import User
from tests.web.support import NOW
from tests.web.support import definition
from tests.web.support import make_draft
from tests.web.support import sign_in

ANSWERS: dict[str, Any] = {
    "region": "riyadh",
    "traffic_branch": "riyadh_north",
    "traffic_service": "licence_issue",
    "mobile": "+966501234567",
    "appointment": "2026-11-24T09:00",
    "instructions_accepted": ["agreed"],
}
STEPS = ["service_selection", "slot", "service_instructions_step", "documents"]


def listed(app: Flask, lang: str, key: str = "documents") -> list[str]:
    """The chosen traffic service's documents (or instructions) in `lang`."""
    service = app.extensions["khidma.registry"].current("traffic").lists["traffic_services"]
    chosen = next(o for o in service if o.value == "licence_issue")
    return [d[lang] for d in chosen.attributes[key]]


def traffic_draft(app: Flask, user: User) -> str:
    draft = make_draft(
        app,
        user,
        service_id="traffic",
        answers=ANSWERS,
        raw={"_visited": STEPS},
        step="documents",
        expires_in=dt.timedelta(days=3),
    )
    return draft.token


def list_items(html: str, where: str) -> list[str]:
    """The items of the first list after the element with id `where`."""
    start = html.index(f'id="{where}"')
    found = re.search(r"<ul[^>]*>(.*?)</ul>", html[start:], re.S)
    assert found, where
    return [re.sub(r"<[^>]+>", "", li) for li in re.findall(r"<li[^>]*>(.*?)</li>", found[1])]


def test_the_documents_page_lists_the_documents(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    token = traffic_draft(app, citizens[0])
    sign_in(client, citizens[0])
    for lang in ("ar", "en"):
        page = client.get(f"/drafts/{token}/documents?lang={lang}").get_data(as_text=True)
        assert list_items(page, "block-documents_to_bring") == listed(app, lang)
        assert 'class="computed-lines"' in page
    instructions = client.get(f"/drafts/{token}/service_instructions_step?lang=ar").get_data(
        as_text=True
    )
    expected = listed(app, "ar", "instructions")
    assert list_items(instructions, "block-service_instructions") == expected


def test_the_review_page_and_the_email_text_list_them_too(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    token = traffic_draft(app, citizens[0])
    sign_in(client, citizens[0])
    review = client.get(f"/drafts/{token}/_review?lang=ar").get_data(as_text=True)
    assert list_items(review, "answer-documents_to_bring") == listed(app, "ar")
    summary = build_summary(definition(app, "traffic"), ANSWERS, "en", today=NOW.date())
    text = render_text(summary)
    assert "\n".join(f"  - {d}" for d in listed(app, "en")) in text
