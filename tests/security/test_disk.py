"""Finding 2: filling the disk.

The attacks: a 6 MB file into a 5 MB field, ten files into a `max_files: 3` field, a
page of answers far larger than any request, and draft after draft. Now each upload is
checked (size, count, type) before anything is stored; a draft holds at most
`DRAFT_MAX_KB` (the post is refused, shown back, and not saved); a citizen has at most
`DRAFTS_PER_CITIZEN` open drafts; the worker's clean-up removes expired drafts, their
attachments and the blobs no row refers to.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import warnings
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlalchemy import select

from khidma.delivery.cleanup import clean_up
from khidma.storage.models import Attachment
from khidma.storage.models import Draft
from khidma.storage.models import User
from tests.security.conftest import text_of
from tests.web.support import csrf_from
from tests.web.support import db
from tests.web.support import emirate_answers
from tests.web.support import make_draft
from tests.web.support import make_user
from tests.web.support import sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def me(app: Flask) -> User:
    return make_user(app, "100000000")


@pytest.fixture
def signed_in(app: Flask, me: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, me)
    return client


def _draft(app: Flask, me: User) -> Draft:
    answers = {**emirate_answers(me), "visit_letter": [], "applicant_id_copy": []}
    visited = {"_visited": ["applicant", "appointment"]}
    return make_draft(app, me, step="attachments", answers=answers, raw=visited)


def _post(client: FlaskClient, draft: Draft, page: str, data: dict[str, Any], lang: str) -> Any:
    url = f"/drafts/{draft.token}/{page}?lang={lang}"
    token = csrf_from(text_of(client.get(url)))
    return client.post(
        url,
        data={**data, "csrf_token": token, "action": "next"},
        content_type="multipart/form-data",
    )


def _stored(app: Flask) -> tuple[int, int]:
    with db(app).session() as s:
        rows = int(s.scalar(select(func.count()).select_from(Attachment)) or 0)
    return rows, len(list(app.extensions["khidma.blobs"].iter_blobs()))


def test_a_file_over_the_size_limit_is_refused_before_it_is_stored(
    app: Flask, me: User, signed_in: FlaskClient
) -> None:
    draft = _draft(app, me)
    big = PDF + b"0" * (6 * 1024 * 1024)  # visit_letter: max_size_mb 5
    for lang, words in (
        ("ar", "يجب ألا يزيد حجم الملف big.pdf على 5"),
        ("en", "The file big.pdf must be smaller than 5 MB"),
    ):
        with warnings.catch_warnings():
            # Werkzeug's test client spools a body this large to a temporary file it
            # never closes; collect it here (the app closes every upload it reads)
            warnings.simplefilter("ignore", ResourceWarning)
            upload = {"visit_letter": (io.BytesIO(big), "big.pdf")}
            refused = _post(signed_in, draft, "attachments", upload, lang)
            status, body = refused.status_code, text_of(refused)
            refused.close()
            del refused
            gc.collect()
        assert status == 200 and words in body
    assert _stored(app) == (0, 0)


def test_more_files_than_allowed_are_refused_before_they_are_stored(
    app: Flask, me: User, signed_in: FlaskClient
) -> None:
    draft = _draft(app, me)
    files = [(io.BytesIO(PDF + bytes([i])), f"f{i}.pdf") for i in range(10)]  # max_files 3
    refused = _post(signed_in, draft, "attachments", {"visit_letter": files}, "en")
    assert "Upload no more than 3 files" in text_of(refused)
    assert _stored(app) == (3, 3)
    arabic = _post(
        signed_in,
        draft,
        "attachments",
        {"visit_letter": (io.BytesIO(PDF + b"x"), "more.pdf")},
        "ar",
    )
    assert "يمكنك إرفاق 3 ملفات على الأكثر" in text_of(arabic)
    assert _stored(app) == (3, 3)


def test_a_draft_holds_no_more_than_its_cap_and_shows_the_post_back(
    app: Flask, me: User, signed_in: FlaskClient
) -> None:
    app.config["DRAFT_MAX_KB"] = 16
    draft = _draft(app, me)
    before = dict(draft.answers)
    huge = "ب" * 20_000  # 40 KB of UTF-8, refused as too long for visit_subject anyway
    for lang, words in (
        ("ar", "ما أدخلته في هذه الصفحة أطول من أن يُحفظ"),
        ("en", "What you entered on this page is too long to save"),
    ):
        refused = _post(signed_in, draft, "appointment", {"visit_subject": huge}, lang)
        assert refused.status_code == 413
        body = text_of(refused)
        assert words in body and huge in body  # nothing the person typed is lost
    with db(app).session() as s:
        stored = s.scalar(select(Draft).where(Draft.token == draft.token))
        assert stored is not None and stored.answers == before
        assert huge not in str(stored.raw)


def test_a_citizen_has_at_most_so_many_open_drafts(
    app: Flask, me: User, signed_in: FlaskClient
) -> None:
    app.config["DRAFTS_PER_CITIZEN"] = 2
    for _ in range(2):
        _draft(app, me)
    card = text_of(signed_in.get("/services/emirate_visit?lang=en"))
    refused = signed_in.post(
        "/services/emirate_visit/start", data={"csrf_token": csrf_from(card)}, follow_redirects=True
    )
    assert "You have 2 open drafts, the most one may have" in text_of(refused)
    arabic = signed_in.post(
        "/services/emirate_visit/start?lang=ar",
        data={"csrf_token": csrf_from(card)},
        follow_redirects=True,
    )
    assert "لديك 2 مسودة مفتوحة" in text_of(arabic)
    with db(app).session() as s:
        assert s.scalar(select(func.count()).select_from(Draft)) == 2


def test_the_worker_removes_expired_drafts_and_unreferenced_blobs(
    app: Flask, me: User, signed_in: FlaskClient
) -> None:
    draft = _draft(app, me)
    _post(signed_in, draft, "attachments", {"visit_letter": (io.BytesIO(PDF), "a.pdf")}, "en")
    app.extensions["khidma.blobs"].put(b"bytes no row refers to")
    assert _stored(app) == (1, 2)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    result = clean_up(
        app.extensions["khidma.db"],
        app.extensions["khidma.blobs"],
        draft_ttl=dt.timedelta(days=30),
        grace=dt.timedelta(hours=24),
        now=later,
    )
    assert (result.drafts, result.attachments, result.blobs) == (1, 1, 2)
    assert _stored(app) == (0, 0)
