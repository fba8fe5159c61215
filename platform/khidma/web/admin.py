"""The administrator's pages: officials' accounts, the service definitions (versions in
use, reload without a restart) and the outbox's health.

- Accounts: create staff (optionally supervisors) of an agency and auditors, with a
  username and a first password for the local sign-in; deactivate and reactivate them
  (a deactivated account's sessions end at their next request).
- Definitions: each service's current version and every stored version with how many
  requests and drafts use it. Reload reads `SERVICES_DIR` again: when any file is broken
  the problems are shown and the last good set stays in service; otherwise the new set
  replaces it (older versions stay available to the requests pinned to them). A reload
  changes this process only: with several workers, reload each (or restart them).
- Outbox: counts per channel and state, the given-up messages with why, and retry.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from sqlalchemy import func
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from khidma.definitions.loader import load
from khidma.engine.identifiers import clean_national_id
from khidma.engine.identifiers import national_id_problem
from khidma.identity.accounts import AccountConflict
from khidma.identity.accounts import create_local_account
from khidma.identity.accounts import normalise_username
from khidma.identity.accounts import username_problem
from khidma.identity.passwords import password_problem
from khidma.storage import outbox_health
from khidma.storage.models import DefinitionVersion
from khidma.storage.models import Draft
from khidma.storage.models import Role
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.web.audit_trail import record
from khidma.web.context import database
from khidma.web.context import now
from khidma.web.context import registry
from khidma.web.i18n import t
from khidma.web.i18n import tr

bp = Blueprint("admin", __name__, url_prefix="/admin")

ROLES = (Role.STAFF, Role.AUDITOR)
FORM_FIELDS = ("username", "national_id", "name_ar", "name_en", "email", "role", "agency")


def _admin() -> User:
    user = g.get("user")
    if user is None or user.role is not Role.ADMIN:
        abort(404)
    assert isinstance(user, User)
    return user


def _agencies() -> dict[str, str]:
    return {d.agency.id: tr(d.agency.name) for d in registry().services()}


def _definitions() -> list[dict[str, Any]]:
    with database().session() as session:
        versions = list(
            session.scalars(
                select(DefinitionVersion).order_by(
                    DefinitionVersion.service_id, DefinitionVersion.created_at
                )
            )
        )
        requests = dict(
            session.execute(
                select(Submission.definition_hash, func.count()).group_by(
                    Submission.definition_hash
                )
            ).all()
        )
        drafts = dict(
            session.execute(
                select(Draft.definition_hash, func.count()).group_by(Draft.definition_hash)
            ).all()
        )
    rows = []
    for d in registry().services():
        rows.append(
            {
                "id": d.id,
                "title": tr(d.title),
                "agency": tr(d.agency.name),
                "versions": [
                    {
                        "version": v.version,
                        "hash": v.hash[:12],
                        "current": v.hash == d.hash,
                        "requests": int(requests.get(v.hash, 0)),
                        "drafts": int(drafts.get(v.hash, 0)),
                    }
                    for v in versions
                    if v.service_id == d.id
                ],
                "current": d.version,
            }
        )
    return rows


def _page(
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    with database().session() as session:
        officials = list(
            session.scalars(
                select(User)
                .where(User.role.in_([Role.STAFF, Role.AUDITOR, Role.ADMIN]))
                .order_by(User.role, User.agency_id, User.id)
            )
        )
        for u in officials:
            session.expunge(u)
    db = database()
    return render_template(
        "admin/index.html",
        officials=officials,
        agencies=_agencies(),
        roles=ROLES,
        definitions=_definitions(),
        health=outbox_health.health(db, now=now()),
        given_up=outbox_health.given_up(db, limit=20),
        errors=errors or {},
        form=form or {},
        problems=problems,
    ), status


@bp.get("")
def index() -> Any:
    _admin()
    return _page()


def _check(form: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    code = username_problem(form["username"])
    if code:
        errors["username"] = t("auth.error.username_invalid")
    problem = national_id_problem(form["national_id"])
    if problem:
        errors["national_id"] = t("admin.error.national_id")
    if not form["name_ar"]:
        errors["name_ar"] = t("admin.error.name")
    if form["role"] not in {r.value for r in ROLES}:
        errors["role"] = t("admin.error.role")
    if form["role"] == Role.STAFF.value and form["agency"] not in _agencies():
        errors["agency"] = t("admin.error.agency")
    password = request.form.get("password", "")
    code = password_problem(
        password,
        username=normalise_username(form["username"]),
        national_id=clean_national_id(form["national_id"]),
    )
    if code:
        errors["password"] = t(f"auth.error.{code}")
    return errors


@bp.post("/accounts")
def create_account() -> Any:
    me = _admin()
    form = {k: request.form.get(k, "").strip()[:200] for k in FORM_FIELDS}
    form["supervisor"] = "1" if request.form.get("supervisor") == "1" else ""
    errors = _check(form)
    if errors:
        return _page(errors=errors, form=form, status=400)
    staff = form["role"] == Role.STAFF.value
    try:
        with database().session(write=True) as session:
            user = create_local_account(
                session,
                national_id=clean_national_id(form["national_id"]),
                mobile=None,
                name_ar=form["name_ar"],
                name_en=form["name_en"],
                email=form["email"] or None,
                username=form["username"],
                password=request.form.get("password", ""),
                now=now(),
                role=Role(form["role"]),
                agency_id=form["agency"] if staff else None,
            )
            user.is_supervisor = staff and form["supervisor"] == "1"
            session.flush()
            record(
                "create_account",
                "user",
                user.id,
                session=session,
                actor=me,
                role=str(user.role),
                agency=user.agency_id,
            )
    except AccountConflict as conflict:
        errors = {conflict.field: t(f"auth.error.{conflict.code}")}
        return _page(errors=errors, form=form, status=400)
    flash(t("admin.created", username=normalise_username(form["username"])), "success")
    return redirect(url_for("admin.index", _anchor="accounts"), code=303)


@bp.post("/accounts/<int:user_id>/active")
def set_active(user_id: int) -> BaseResponse:
    me = _admin()
    active = request.form.get("active") == "1"
    with database().session(write=True) as session:
        user = session.get(User, user_id)
        if user is None or user.role is Role.CITIZEN:
            abort(404)
        if user.id == me.id and not active:
            flash(t("admin.error.self"), "info")
            return redirect(url_for("admin.index", _anchor="accounts"), code=303)
        user.is_active = active
        record("activate" if active else "deactivate", "user", user.id, session=session)
    flash(t("admin.activated" if active else "admin.deactivated"), "success")
    return redirect(url_for("admin.index", _anchor="accounts"), code=303)


@bp.post("/reload")
def reload() -> Any:
    _admin()
    result = load([current_app.config["SERVICES_DIR"]])
    if result.problems or not result.services:
        problems = [str(p) for p in result.problems] or [t("admin.no_services")]
        return _page(problems=problems, status=422)
    registry().replace(result.services)
    record("reload_definitions", "registry", "services", count=len(result.services))
    flash(t("admin.reloaded", count=len(result.services)), "success")
    return redirect(url_for("admin.index", _anchor="definitions"), code=303)


@bp.post("/outbox/<int:message_id>/retry")
def retry(message_id: int) -> BaseResponse:
    _admin()
    done = outbox_health.retry(database(), message_id, now=now())
    if done:
        record("retry_message", "outbox_message", message_id)
    flash(t("admin.retried" if done else "admin.not_retried"), "success" if done else "info")
    return redirect(url_for("admin.index", _anchor="outbox"), code=303)
