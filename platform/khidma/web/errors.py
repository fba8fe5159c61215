"""One handler for HTTP errors: a fragment for htmx requests, a full page otherwise.
No traceback ever reaches a user."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from khidma.app import htmx

log = logging.getLogger(__name__)
KNOWN = (400, 403, 404, 413, 429, 500)


def render_error(status: int) -> tuple[str, int]:
    code = status if status in KNOWN else (500 if status >= 500 else 400)
    template = "errors/_error.html" if htmx else "errors/error.html"
    return render_template(template, status=code), status


def init_app(app: Flask) -> None:
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
