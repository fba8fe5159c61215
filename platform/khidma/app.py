"""The Flask application factory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask import request

import khidma.renderer
from khidma.definitions.errors import DefinitionError
from khidma.definitions.loader import load
from khidma.definitions.registry import DefinitionRegistry
from khidma.web.extensions import csrf
from khidma.web.extensions import htmx

RENDERER = Path(khidma.renderer.__file__).parent


class StartupError(RuntimeError):
    """The platform cannot start; the message says why and how to fix it."""


def load_registry(services_dir: str | Path) -> DefinitionRegistry:
    """Parse and compile every definition once. Any problem stops the start-up."""
    result = load([services_dir])
    if result.problems:
        raise StartupError(
            f"{len(result.problems)} problem(s) in {services_dir} "
            "(run `khidma check` for the same list):\n" + str(DefinitionError(result.problems))
        )
    if not result.services:
        raise StartupError(f"no service definitions found in {services_dir}")
    return DefinitionRegistry(result.services)


def require_migrated(app: Flask) -> None:
    """Refuse to serve a database whose schema is behind this code (StartupError)."""
    from khidma.storage.migrations import pending

    database = app.extensions["khidma.db"]
    try:
        missing = pending(database)
    except RuntimeError as exc:
        raise StartupError(str(exc)) from None
    if missing:
        raise StartupError(
            f"the database ({database.url.render_as_string(hide_password=True)}) is not "
            f"up to date: {len(missing)} migration(s) to run ({', '.join(missing)}). "
            "Run `khidma db upgrade` first."
        )


def create_app(
    config: Mapping[str, Any] | None = None, instance_path: str | Path | None = None
) -> Flask:
    app = Flask(
        "khidma",
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
        template_folder=str(RENDERER / "templates"),
        static_folder=str(RENDERER / "static"),
    )
    from khidma.config import load_settings

    settings = load_settings(Path(app.instance_path), config)
    app.config.update(settings)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not settings["DEV"],
        SESSION_COOKIE_NAME="khidma_session",
        MAX_CONTENT_LENGTH=(settings["MAX_UPLOAD_MB"] + 5) * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    app.extensions["khidma.registry"] = load_registry(settings["SERVICES_DIR"])
    from khidma.storage.blob_choice import blob_store
    from khidma.storage.db import Database

    app.extensions["khidma.db"] = Database(settings["DATABASE_URL"])
    app.extensions["khidma.blobs"] = blob_store(settings)
    from khidma.storage.scan import build_scanner

    app.extensions["khidma.scanner"] = build_scanner(app.config)

    csrf.init_app(app)
    htmx.init_app(app)
    from khidma import logs
    from khidma.web import account
    from khidma.web import admin
    from khidma.web import appointments
    from khidma.web import auditor
    from khidma.web import backoffice
    from khidma.web import booking_staff
    from khidma.web import catalog
    from khidma.web import deploy
    from khidma.web import devreload
    from khidma.web import devtools
    from khidma.web import errors
    from khidma.web import health
    from khidma.web import i18n
    from khidma.web import inquiry
    from khidma.web import payments
    from khidma.web import submit
    from khidma.web import verify
    from khidma.web import wizard
    from khidma.web.auth import identity_init_app

    logs.init_app(app)
    deploy.init_app(app)
    app.register_blueprint(health.bp)
    i18n.init_app(app)
    errors.init_app(app)
    identity_init_app(app)
    for pages in (catalog, account, inquiry, devtools):
        app.register_blueprint(pages.bp)
    devreload.init_app(app)
    for pages in (wizard, submit, backoffice, admin, appointments, booking_staff):
        app.register_blueprint(pages.bp)
    payments.init_app(app)
    for pages in (verify, auditor):
        app.register_blueprint(pages.bp)

    @app.after_request
    def close_unsent_bodies(response: Any) -> Any:
        # A 304 or a HEAD sends no body, so the WSGI server never iterates (nor closes)
        # the open file of a static response: close it here.
        if response.status_code == 304 or request.method == "HEAD":
            response.close()
            response.response = []
        return response

    @app.after_request
    def security_headers(response: Any) -> Any:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        )
        return response

    return app
