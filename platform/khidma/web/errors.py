"""One handler for HTTP errors: a fragment for htmx requests, a full page otherwise.
No traceback ever reaches a user."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

from flask import Flask
from flask import render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix

from khidma.web.extensions import htmx

log = logging.getLogger(__name__)
KNOWN = (400, 403, 404, 413, 429, 500)


# The page when the error page itself cannot be drawn (or before the app can draw any):
# static, both languages, nothing that can fail.
FALLBACK = (
    '<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
    "<title>تعذر إتمام الطلب — The request could not be completed</title></head><body>"
    "<h1>تعذر إتمام الطلب</h1><p>حدث خطأ. ارجع إلى الصفحة السابقة وحاول مرة أخرى.</p>"
    '<div lang="en" dir="ltr"><h2>The request could not be completed</h2>'
    "<p>Something went wrong. Go back to the previous page and try again.</p></div>"
    "</body></html>"
)
# A host name as RFC 1123 allows it (labels of 1–63 characters, 253 in all), an IPv4
# address, or a bracketed IPv6 one, with an optional port.
_HOST = re.compile(
    r"(?:(?=.{1,253}(?::|$))(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+"
    r"|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?"
)


def render_error(status: int) -> tuple[str, int]:
    code = status if status in KNOWN else (500 if status >= 500 else 400)
    template = "errors/_error.html" if htmx else "errors/error.html"
    try:
        return render_template(template, status=code), status
    except Exception:  # the error page must never fail
        log.exception("the error page for %s could not be drawn", status)
        return FALLBACK, status


class HostCheck:
    """Answer 400 (the static page) to a request whose Host is not a host name, before
    Flask binds its URL map to it (a 5,000-character Host made every page, the error
    page too, fail)."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        host = str(environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "")
        if _HOST.fullmatch(host):
            return self.app(environ, start_response)
        log.info("bad Host header refused (%d characters)", len(host))
        body = FALLBACK.encode()
        start_response(
            "400 Bad Request",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]


def init_app(app: Flask) -> None:
    # Inside ProxyFix when there is one, so that a forwarded Host is checked too.
    outer = app.wsgi_app
    if isinstance(outer, ProxyFix):
        outer.app = HostCheck(outer.app)
    else:
        app.wsgi_app = HostCheck(outer)  # type: ignore[method-assign]

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        log.info("CSRF refused: %s", error.description)
        return render_error(400)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        log.exception("unhandled error", exc_info=error)
        return render_error(InternalServerError.code)
