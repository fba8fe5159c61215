"""Finding 10: active content, polyglots and decompression bombs, and the virus scan.

The attacks: a PDF with embedded JavaScript, a PDF that is also an HTML page, a 48 KB PNG
of 20000×20000 pixels. Now each is refused before anything is stored (the image's size is
read from its header, never decoded), and every upload passes the virus-scan hook —
clamd's INSTREAM protocol, here against a faithful double on a local port.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from khidma.engine.upload_content import content_problem
from khidma.engine.upload_content import image_size
from khidma.storage.models import User
from tests.security.clamd_double import EICAR
from tests.security.clamd_double import ClamdDouble
from tests.security.conftest import csrf_of
from tests.security.conftest import text_of
from tests.web.support import db
from tests.web.support import emirate_answers
from tests.web.support import make_draft
from tests.web.support import make_user
from tests.web.support import sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PDF_JS = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction 2 0 R>>endobj\n"
    b"2 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\n%%EOF\n"
)
PDF_JS_ESCAPED = b"%PDF-1.4\n1 0 obj<</S/J#61vaScript/J#53(x)>>endobj\n%%EOF\n"
PDF_JS_IN_STREAM = (
    b"%PDF-1.5\n1 0 obj<</Type/ObjStm/Filter/FlateDecode>>stream\n"
    + zlib.compress(b"<</S/JavaScript/JS(app.alert(1))>>")
    + b"\nendstream endobj\n%%EOF\n"
)
POLYGLOT = b"%PDF-1.4\n%<html><body><script>alert(document.cookie)</script>\n" + PDF[9:]


def png(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
        + b"\x00" * 32
    )


def test_the_checks_read_headers_and_find_active_content() -> None:
    assert content_problem(PDF, "pdf") is None
    for attack in (PDF_JS, PDF_JS_ESCAPED, PDF_JS_IN_STREAM, POLYGLOT):
        assert content_problem(attack, "pdf") == "file.active"
    assert image_size(png(20000, 20000), "png") == (20000, 20000)
    assert content_problem(png(20000, 20000), "png") == "file.image_too_large"
    assert content_problem(png(4000, 3000), "png") is None
    jpeg = (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
        + b"\x00" * 9
        + b"\xff\xc0\x00\x11\x08"
        + struct.pack(">HH", 30000, 30000)
        + b"\x00" * 20
    )
    assert image_size(jpeg, "jpeg") == (30000, 30000)


@pytest.fixture
def clamd() -> Iterator[ClamdDouble]:
    with ClamdDouble() as server:
        yield server


@pytest.fixture
def scanned_app(make_app: Callable[..., Flask], clamd: ClamdDouble) -> Flask:
    return make_app(CLAMD_ADDRESS=clamd.address)


def _attach(app: Flask, data: bytes, name: str, lang: str) -> tuple[int, str]:
    me: User = make_user(app, "100000000") if not hasattr(app, "_me") else app._me  # type: ignore[attr-defined]
    app._me = me  # type: ignore[attr-defined]
    client: FlaskClient = app.test_client()
    sign_in(client, me)
    answers = {**emirate_answers(me), "visit_letter": [], "applicant_id_copy": []}
    draft = make_draft(
        app, me, step="attachments", answers=answers, raw={"_visited": ["applicant", "appointment"]}
    )
    url = f"/drafts/{draft.token}/attachments?lang={lang}"
    token = csrf_of(text_of(client.get(url)))
    posted = client.post(
        url,
        data={"csrf_token": token, "action": "next", "visit_letter": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    return posted.status_code, text_of(posted)


def _nothing_stored(app: Flask) -> bool:
    from sqlalchemy import func
    from sqlalchemy import select

    from khidma.storage.models import Attachment

    with db(app).session() as s:
        rows = s.scalar(select(func.count()).select_from(Attachment))
    return rows == 0 and not list(app.extensions["khidma.blobs"].iter_blobs())


@pytest.mark.parametrize(
    ("data", "ar", "en"),
    [
        (PDF_JS, "يحتوي على محتوى نشط", "it holds active content"),
        (POLYGLOT, "يحتوي على محتوى نشط", "it holds active content"),
        (png(20000, 20000), "أبعاد الصورة", "has too many pixels"),
    ],
    ids=["pdf-javascript", "pdf-html-polyglot", "png-bomb"],
)
def test_active_content_and_bombs_are_refused_before_storing(
    app: Flask, data: bytes, ar: str, en: str
) -> None:
    name = "letter.png" if data.startswith(b"\x89PNG") else "letter.pdf"
    for lang, words in (("ar", ar), ("en", en)):
        status, body = _attach(app, data, name, lang)
        assert status == 200 and words in body and name in body
    assert _nothing_stored(app)


def test_the_virus_scan_refuses_malware_and_fails_closed(
    scanned_app: Flask, clamd: ClamdDouble
) -> None:
    infected = PDF[:-6] + b"%" + EICAR + b"\n%%EOF\n"
    _status, body = _attach(scanned_app, infected, "letter.pdf", "en")
    assert "the virus scan found malware in it" in body and clamd.scanned
    clamd.down = True
    _status, body = _attach(scanned_app, PDF, "letter.pdf", "ar")
    assert "تعذر فحص الملف letter.pdf الآن" in body
    assert _nothing_stored(scanned_app)
    clamd.down = False
    _attach(scanned_app, PDF, "letter.pdf", "en")
    assert not _nothing_stored(scanned_app)  # a clean file is stored
