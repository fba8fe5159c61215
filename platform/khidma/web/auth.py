"""Account pages: sign in, create an account, reset a password, national SSO, sign out.

Every form is a plain POST followed by a redirect (or the same page again with its
errors), so each journey works without JavaScript. The multi-step journeys keep their
progress in the session (`signup`, `reset`) for half an hour; the code itself is in the
database, hashed. Who may open these pages is in `khidma.web.access.ACCESS` like every
other page; `identity_init_app` wires the whole identity layer into the app.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from typing import Any

from flask import Blueprint
from flask import Flask
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from werkzeug.wrappers import Response

from khidma.engine.dates import format_date
from khidma.engine.identifiers import format_saudi_mobile
from khidma.formatting import RIYADH
from khidma.identity import accounts
from khidma.identity import codes
from khidma.identity.claims import account_claims
from khidma.identity.claims import identity_verified
from khidma.identity.personas import persona
from khidma.identity.personas import personas
from khidma.identity.providers import DevStandIn
from khidma.identity.providers import IdentityProvider
from khidma.identity.providers import SsoError
from khidma.identity.providers import build_provider
from khidma.identity.throttle import Throttle
from khidma.identity.throttle import remote_address
from khidma.identity.throttle import throttle
from khidma.identity.verification import Verdict
from khidma.identity.verification import build_verifier
from khidma.identity.verification import verifier
from khidma.storage import outbox
from khidma.storage.models import Channel
from khidma.storage.models import CodePurpose
from khidma.storage.models import User
from khidma.web import access
from khidma.web.auth_forms import ActionForm
from khidma.web.auth_forms import CodeForm
from khidma.web.auth_forms import DetailsForm
from khidma.web.auth_forms import NewPasswordForm
from khidma.web.auth_forms import ResetForm
from khidma.web.auth_forms import SignInForm
from khidma.web.auth_forms import SignUpForm
from khidma.web.context import database
from khidma.web.context import now
from khidma.web.context import registry
from khidma.web.i18n import current_lang
from khidma.web.i18n import t

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/auth")

FLOW_TTL = dt.timedelta(minutes=30)
# The "mobile" of a reset asked for no account: a throttle key, never texted.
NOBODY = "nobody:"


# --- wiring -----------------------------------------------------------------------------
def identity_init_app(app: Flask) -> None:
    """The identity layer: the access table's hook, these pages, rate limits and the
    national SSO provider (which refuses to start when it cannot run)."""
    access.init_app(app)
    app.register_blueprint(bp)
    app.extensions["khidma.throttle"] = Throttle.for_app(app)
    app.extensions["khidma.sso"] = build_provider(app)
    app.extensions["khidma.idv"] = build_verifier(app)


def sso_provider() -> IdentityProvider | None:
    provider: IdentityProvider | None = current_app.extensions.get("khidma.sso")
    return provider


# --- helpers ----------------------------------------------------------------------------
def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _next() -> str | None:
    return access.safe_next(request.values.get("next"))


def when(at: dt.datetime) -> dict[str, Any]:
    """Parameters of a "try again after…" message: the Saudi clock time and minutes."""
    minutes = max(1, math.ceil((at - now()).total_seconds() / 60))
    return {"time": at.astimezone(RIYADH).strftime("%H:%M"), "minutes": minutes}


def _page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, **context), status


def _flow(name: str) -> dict[str, Any] | None:
    state = session.get(name)
    if not isinstance(state, dict):
        return None
    if now().timestamp() - float(state.get("started", 0)) > FLOW_TTL.total_seconds():
        session.pop(name, None)
        return None
    return state


def _start_flow(name: str, mobile: str, code_id: int | None, **who: Any) -> None:
    """Begin flow `name` (who it is for, in `who`) at the code sent to `mobile`: not
    verified yet, and over `FLOW_TTL` from now."""
    session[name] = {
        **who,
        "mobile": mobile,
        "code": code_id,
        "verified": False,
        "next": _next(),
        "started": now().timestamp(),
    }


def _update_flow(name: str, **changes: Any) -> None:
    session[name] = {**session.get(name, {}), **changes}


def _send_code(
    mobile: str, purpose: CodePurpose, user_id: int | None = None
) -> tuple[int | None, dt.datetime | None]:
    """Text a new code to `mobile` through the outbox: (code id, None), or (None, when to
    try again) when the rate limit says no. A `NOBODY` mobile (a reset of no account)
    counts against the same limits and is sent nothing: (None, None)."""
    retry = throttle().hit("code_send.address", remote_address()) or throttle().hit(
        "code_send.mobile", mobile
    )
    if retry or mobile.startswith(NOBODY):
        return None, retry
    with database().session(write=True) as db:
        row, code = codes.issue(
            db, mobile=mobile, purpose=purpose, secret=_secret(), now=now(), user_id=user_id
        )
        minutes = int(codes.CODE_TTL.total_seconds() // 60)
        outbox.enqueue(
            db,
            Channel.SMS,
            mobile,
            t(f"auth.sms.{purpose.value}", code=code, minutes=minutes),
            event=f"verification_code.{purpose.value}",
        )
        return row.id, None


def _check_code(
    form: CodeForm, state: dict[str, Any], purpose: CodePurpose
) -> codes.CodeCheck | None:
    """Check the typed code; None when the rate limit refused (the form says when)."""
    mobile = str(state["mobile"])
    retry = throttle().hit("code_check.address", remote_address()) or throttle().check(
        "code_check.mobile", mobile
    )
    if retry:
        form.problem(t("auth.error.too_many", **when(retry)), form.code)
        return None
    with database().session(write=True) as db:
        result = codes.check(
            db,
            state.get("code"),
            form.cleaned["code"],
            mobile=mobile,
            purpose=purpose,
            secret=_secret(),
            now=now(),
        )
    if result is codes.CodeCheck.MISSING and mobile.startswith(NOBODY):
        result = codes.CodeCheck.WRONG  # a reset of no account answers like a wrong code
    if result is not codes.CodeCheck.OK:
        throttle().hit("code_check.mobile", mobile)
        form.fail(form.code, t(f"auth.error.{result.value}"))
    return result


# --- sign in and out --------------------------------------------------------------------
@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    form = SignInForm(next=_next())
    again = request.args.get("again")  # a service asked for another way of signing in
    if access.current_user() is not None and request.method == "GET" and not again:
        return redirect(_next() or access.home_for(access.current_user()))  # type: ignore[arg-type]
    status = 200
    if form.validate_on_submit():
        identifier = form.identifier.data or ""
        account_key = accounts.normalise_username(identifier)
        address = remote_address()
        pair = f"{account_key}|{address}"
        # Only failures count, and an address over its limit does not stop a right
        # password for an account not under attack (an office behind one address).
        # Known and unknown accounts count and answer alike.
        retry = throttle().check("sign_in.account_address", pair) or throttle().check(
            "sign_in.account", account_key
        )
        if retry:
            form.problem(t("auth.error.too_many", **when(retry)), form.identifier)
            status = 429
        else:
            with database().session(write=True) as db:
                result = accounts.sign_in(db, identifier, form.password.data or "", now())
                if result.alert and result.user is not None:
                    _tell_owner(db, result.user)
            if result.outcome is accounts.Outcome.OK and result.user is not None:
                throttle().clear("sign_in.account_address", pair)
                access.start_session(result.user, "password")
                return redirect(_next() or access.home_for(result.user), 303)
            retry = throttle().hit("sign_in.address", address)
            throttle().hit("sign_in.account", account_key)
            throttle().hit("sign_in.account_address", pair)
            if retry:
                form.problem(t("auth.error.too_many", **when(retry)), form.identifier)
                status = 429
            else:
                form.problem(t("auth.error.wrong_password"), form.identifier)
    return _page("auth/sign_in.html", status, form=form, sso=sso_provider() is not None)


def _tell_owner(db: Any, user: User) -> None:
    """Wrong passwords for `user` again and again: tell them (SMS, else e-mail), in the
    transaction that counted the last one."""
    recipient, channel = (user.mobile, Channel.SMS) if user.mobile else (user.email, Channel.EMAIL)
    if recipient:
        text = t("security.sign_in.alert", count=accounts.ALERT_AFTER)
        subject = None if channel is Channel.SMS else t("security.sign_in.alert_subject")
        outbox.enqueue(db, channel, recipient, text, subject=subject, event="sign_in.alert")
    accounts.record(db, "sign_in_alert", user_id=user.id, now=now(), ip=remote_address())


@bp.post("/sign-out")
def sign_out() -> Response:
    ActionForm()  # the CSRF token is checked for every POST by CSRFProtect
    access.end_session()
    return redirect(url_for("auth.signed_out"), 303)


@bp.get("/signed-out")
def signed_out() -> tuple[str, int]:
    return _page("auth/signed_out.html")


@bp.get("/session-expired")
def session_expired() -> tuple[str, int]:
    minutes = current_app.config["SESSION_IDLE_MINUTES"]
    return _page(
        "auth/session_expired.html", next=_next(), minutes=minutes, sso=sso_provider() is not None
    )


@bp.get("/profile")
def profile() -> tuple[str, int]:
    user = access.current_user()
    assert user is not None  # the access table lets only signed-in users here
    birth = format_date(user.date_of_birth, current_lang()) if user.date_of_birth else None
    return _page(
        "auth/profile.html",
        claims=account_claims(user),
        user=user,
        birth=birth,
        mobile=format_saudi_mobile(user.mobile) if user.mobile else None,
        verified=identity_verified(user),
        verify=ActionForm(),
    )


def _identity_check(national_id: str, mobile: str | None) -> Verdict:
    """Ask the identity-verification service (rate-limited per ID number)."""
    found = verifier()
    if found is None or not mobile:
        return Verdict.UNAVAILABLE
    if throttle().hit("identity_check.account", national_id):
        return Verdict.UNAVAILABLE
    return found.verify(national_id, mobile)


@bp.post("/verify-identity")
def verify_identity() -> Response:
    """Verify a local account's ID number against its (SMS-proven) mobile."""
    ActionForm()
    user = access.current_user()
    assert user is not None  # the access table lets only signed-in users here
    if not identity_verified(user):
        verdict = _identity_check(user.national_id or "", user.mobile)
        if verdict is Verdict.MATCH:
            with database().session(write=True) as db:
                db.get_one(User, user.id).identity_verified_at = now()
                accounts.record(
                    db, "identity_verified", user_id=user.id, now=now(), ip=remote_address()
                )
        else:
            flash(t(f"security.verify.{verdict.value}"), "error")
            return redirect(url_for("auth.profile"), 303)  # which shows why, and a retry
    flash(t("security.verified"), "success")
    return redirect(_next() or url_for("auth.profile"), 303)


# --- create an account ------------------------------------------------------------------
@bp.route("/sign-up", methods=["GET", "POST"])
def sign_up() -> Any:
    form = SignUpForm()
    status = 200
    if form.validate_on_submit():
        national_id, mobile = form.cleaned["national_id"], form.cleaned["mobile"]
        # Whether the ID number has an account is said only after the code (rate-limited
        # per mobile and address), on the details step: never to a mere visitor.
        code_id, retry = _send_code(mobile, CodePurpose.SIGNUP)
        if retry:
            form.problem(t("auth.error.too_many", **when(retry)), form.mobile)
            status = 429
        else:
            _start_flow("signup", mobile, code_id, nid=national_id)
            return redirect(url_for("auth.sign_up_verify"), 303)
    return _page("auth/sign_up.html", status, form=form, next=_next())


@bp.route("/sign-up/verify", methods=["GET", "POST"])
def sign_up_verify() -> Any:
    return _verify(
        "signup",
        CodePurpose.SIGNUP,
        start="auth.sign_up",
        then="auth.sign_up_details",
        resend="auth.sign_up_resend",
        page="sign_up",
    )


def _verify(
    flow: str, purpose: CodePurpose, *, start: str, then: str, resend: str, page: str
) -> Any:
    """The "enter the code we sent" step of a flow (sign-up, reset)."""
    state = _flow(flow)
    if state is None:
        flash(t("auth.flow_restart"), "info")
        return redirect(url_for(start))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        result = _check_code(form, state, purpose)
        if result is None:
            status = 429
        elif result is codes.CodeCheck.OK:
            _update_flow(flow, verified=True)
            return redirect(url_for(then), 303)
    return _page(
        "auth/verify.html",
        status,
        form=form,
        flow=page,
        mobile=None if flow == "reset" else format_saudi_mobile(str(state["mobile"])),
        resend_url=url_for(resend),
        resend=ActionForm(),
        minutes=int(codes.CODE_TTL.total_seconds() // 60),
    )


@bp.post("/sign-up/resend")
def sign_up_resend() -> Response:
    return _resend("signup", CodePurpose.SIGNUP, "auth.sign_up", "auth.sign_up_verify")


def _resend(flow: str, purpose: CodePurpose, start: str, verify: str) -> Response:
    state = _flow(flow)
    if state is None:
        flash(t("auth.flow_restart"), "info")
        return redirect(url_for(start), 303)
    code_id, retry = _send_code(str(state["mobile"]), purpose, state.get("uid"))
    if retry:
        flash(t("auth.error.too_many", **when(retry)), "error")
    else:
        _update_flow(flow, code=code_id, verified=False)
        flash(t("auth.code_resent"), "info")
    return redirect(url_for(verify), 303)


@bp.route("/sign-up/details", methods=["GET", "POST"])
def sign_up_details() -> Any:
    state = _flow("signup")
    if state is None or not state.get("verified"):
        flash(t("auth.flow_restart"), "info")
        return redirect(url_for("auth.sign_up"))
    form = DetailsForm()
    form.national_id_value = str(state["nid"])
    if form.validate_on_submit():
        verdict = _identity_check(str(state["nid"]), str(state["mobile"]))
        try:
            with database().session(write=True) as db:
                user = accounts.create_local_account(
                    db,
                    national_id=str(state["nid"]),
                    mobile=str(state["mobile"]),
                    name_ar=form.name_ar(),
                    name_en=form.cleaned["name_en"],
                    email=form.cleaned["email"],
                    username=form.cleaned["username"],
                    password=form.password.data or "",
                    now=now(),
                )
                if verdict is Verdict.MATCH:
                    user.identity_verified_at = now()
                accounts.record(
                    db, "account_created", user_id=user.id, now=now(), ip=remote_address()
                )
        except accounts.AccountConflict as conflict:
            message = t(f"auth.error.{conflict.code}")
            if conflict.field in form:
                form.fail(form[conflict.field], message)
            else:
                form.problem(message)
        else:
            session.pop("signup", None)
            access.start_session(user, "password")
            flash(t("auth.account_created"), "success")
            return redirect(access.safe_next(state.get("next")) or url_for("auth.profile"), 303)
    return _page(
        "auth/sign_up_details.html",
        form=form,
        national_id=state["nid"],
        mobile=format_saudi_mobile(str(state["mobile"])),
    )


# --- reset a forgotten password ---------------------------------------------------------
@bp.route("/reset", methods=["GET", "POST"])
def reset() -> Any:
    form = ResetForm()
    status = 200
    if form.validate_on_submit():
        with database().session() as db:
            user = accounts.find_for_reset(
                db, form.username.data or "", form.cleaned["national_id"]
            )
        # An account or none: the same answers at the same counts (no enumeration).
        if user is None or user.mobile is None:
            username = accounts.normalise_username(form.username.data or "")
            uid, mobile = None, f"{NOBODY}{username}|{form.cleaned['national_id']}"
        else:
            uid, mobile = user.id, user.mobile
        code_id, retry = _send_code(mobile, CodePurpose.RESET, uid)
        if retry:
            form.problem(t("auth.error.too_many", **when(retry)), form.username)
            status = 429
        else:
            _start_flow("reset", mobile, code_id, uid=uid)
            return redirect(url_for("auth.reset_verify"), 303)
    return _page("auth/reset.html", status, form=form)


@bp.route("/reset/verify", methods=["GET", "POST"])
def reset_verify() -> Any:
    return _verify(
        "reset",
        CodePurpose.RESET,
        start="auth.reset",
        then="auth.reset_password",
        resend="auth.reset_resend",
        page="reset",
    )


@bp.post("/reset/resend")
def reset_resend() -> Response:
    return _resend("reset", CodePurpose.RESET, "auth.reset", "auth.reset_verify")


@bp.route("/reset/password", methods=["GET", "POST"])
def reset_password() -> Any:
    state = _flow("reset")
    if state is None or not state.get("verified"):
        flash(t("auth.flow_restart"), "info")
        return redirect(url_for("auth.reset"))
    with database().session() as db:
        user = db.get(User, state.get("uid"))
        usable = user is not None and codes.spendable(
            db, state.get("code"), user_id=user.id, purpose=CodePurpose.RESET
        )
    if user is None or not usable:  # the reset was completed already (a replayed cookie)
        session.pop("reset", None)
        flash(t("auth.flow_restart"), "info")
        return redirect(url_for("auth.reset"))
    form = NewPasswordForm()
    form.username_value, form.national_id_value = user.username, user.national_id
    if form.validate_on_submit():
        with database().session(write=True) as db:
            if not codes.spend(
                db, state.get("code"), user_id=user.id, purpose=CodePurpose.RESET, now=now()
            ):
                session.pop("reset", None)
                flash(t("auth.flow_restart"), "info")
                return redirect(url_for("auth.reset"), 303)
            fresh = db.get_one(User, user.id)
            accounts.set_password(fresh, form.password.data or "")
            accounts.record(db, "password_reset", user_id=user.id, now=now(), ip=remote_address())
        for key in filter(None, (user.username, user.national_id)):  # the owner proved it
            throttle().clear("sign_in.account", key)
            throttle().clear("sign_in.account_address", f"{key}|{remote_address()}")
        session.pop("reset", None)
        flash(t("auth.reset_done"), "success")
        return redirect(url_for("auth.sign_in", next=access.safe_next(state.get("next"))), 303)
    return _page("auth/reset_password.html", form=form)


# --- national single sign-on ------------------------------------------------------------
@bp.get("/sso")
def sso_start() -> Response:
    provider = sso_provider()
    if provider is None:
        abort(404)
    session["sso_next"] = _next()
    return provider.start(url_for("auth.sso_callback", _external=True))


@bp.get("/sso/callback")
def sso_callback() -> Any:
    provider = sso_provider()
    if provider is None or isinstance(provider, DevStandIn):
        abort(404)
    try:
        claims = provider.finish()
    except SsoError as error:
        log.warning("national SSO sign-in refused: %s", error)
        return _page("auth/sso_failed.html", 400)
    return _finish_sso(claims, via="sso", back=access.safe_next(session.get("sso_next")))


def _finish_sso(claims: Any, *, via: str, back: str | None, **role: Any) -> Response:
    with database().session(write=True) as db:
        user, claimed = accounts.upsert_from_claims(db, claims, now=now(), **role)
        if claimed:
            accounts.record(db, "account_claimed", user_id=user.id, now=now(), ip=remote_address())
    if not user.is_active:
        abort(403)
    access.start_session(user, via)
    return redirect(back or access.home_for(user), 303)


@bp.route("/dev-sso", methods=["GET", "POST"])
def dev_sso() -> Any:
    if not current_app.config.get("DEV"):
        abort(404)  # the access table says so too; never rely on one lock alone
    stand_in = DevStandIn(current_app)
    form = ActionForm()
    if form.validate_on_submit():
        chosen = persona(registry(), request.form.get("persona", ""))
        if chosen is None:
            abort(400)
        claims = stand_in.finish()
        response = _finish_sso(
            claims, via="dev", back=_next(), role=chosen.role, agency_id=chosen.agency_id
        )
        with database().session(write=True) as db:
            user = db.get_one(User, session["uid"])
            if user.username is None and not accounts.username_taken(db, chosen.username):
                user.username = chosen.username
            user.is_supervisor = chosen.supervisor
        return response
    return _page("auth/dev_sso.html", form=form, personas=personas(registry()), next=_next())
