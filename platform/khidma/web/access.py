"""Who may open which page: ONE table for every endpoint, enforced before every view.

`ACCESS` maps each endpoint to a `Rule`: public, signed in (any role), one of some roles,
or development only. `enforce` runs before every request: it loads the signed-in user
onto `g.user` (ending a session that was idle too long, or signed out elsewhere), looks
the endpoint up and

- an endpoint missing from the table is refused with 404 and logged as an error: a route
  left out of the table is a bug, and refusing is the safe side of it;
- `dev_only` endpoints answer 404 unless development mode is on;
- an anonymous visitor of a protected endpoint is sent to sign in and brought back
  afterwards (GET: to the same address; other methods: to the page the form was on);
  after an idle timeout they see "your session expired" first;
- a signed-in user without the role gets 403.

Views never check roles themselves; what a view still checks is ownership (this draft is
this citizen's, this request is this staff member's agency's).
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask import current_app
from flask import g
from flask import redirect
from flask import request
from flask import session
from flask import url_for
from sqlalchemy import bindparam
from sqlalchemy import select
from werkzeug.exceptions import abort
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from khidma.identity.accounts import ENDS_ONE_SESSION
from khidma.identity.accounts import SESSION_OBJECT
from khidma.identity.accounts import ended_since
from khidma.identity.accounts import new_session_id
from khidma.identity.accounts import record
from khidma.storage import audit
from khidma.storage import rows
from khidma.storage.models import Role
from khidma.storage.models import User
from khidma.web.context import database
from khidma.web.context import now

log = logging.getLogger(__name__)


class Kind(enum.StrEnum):
    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    ROLES = "roles"
    DEV_ONLY = "dev_only"  # public in development mode, 404 otherwise


@dataclass(frozen=True)
class Rule:
    kind: Kind
    roles: frozenset[Role] = field(default_factory=frozenset)


class Decision(enum.StrEnum):
    ALLOW = "allow"
    SIGN_IN = "sign_in"  # anonymous on a protected endpoint
    FORBIDDEN = "forbidden"  # signed in, wrong role
    NOT_FOUND = "not_found"  # dev-only endpoint outside development mode
    MISSING = "missing"  # endpoint not in the table


PUBLIC = Rule(Kind.PUBLIC)
SIGNED_IN = Rule(Kind.SIGNED_IN)
DEV_ONLY = Rule(Kind.DEV_ONLY)


def roles(*allowed: Role) -> Rule:
    return Rule(Kind.ROLES, frozenset(allowed))


CITIZEN = roles(Role.CITIZEN)
STAFF = roles(Role.STAFF)
AUDITOR = roles(Role.AUDITOR)
ADMIN = roles(Role.ADMIN)

# fmt: off
ACCESS: Mapping[str, Rule] = MappingProxyType({
    # --- anyone --------------------------------------------------------------------
    "static": PUBLIC,
    "health.healthz": PUBLIC,
    "health.readyz": PUBLIC,
    "catalog.index": PUBLIC,
    "catalog.service_card": PUBLIC,
    "catalog.guide_pdf": PUBLIC,
    "inquiry.index": PUBLIC,
    "verify.index": PUBLIC,
    "auth.sign_in": PUBLIC,
    "auth.sign_out": PUBLIC,  # signing out when already out is harmless
    "auth.signed_out": PUBLIC,
    "auth.session_expired": PUBLIC,
    "auth.sign_up": PUBLIC,
    "auth.sign_up_verify": PUBLIC,
    "auth.sign_up_resend": PUBLIC,
    "auth.sign_up_details": PUBLIC,
    "auth.reset": PUBLIC,
    "auth.reset_verify": PUBLIC,
    "auth.reset_resend": PUBLIC,
    "auth.reset_password": PUBLIC,
    "auth.sso_start": PUBLIC,
    "auth.sso_callback": PUBLIC,
    # the payment provider's signed notifications (HMAC-verified, no session, no CSRF)
    "payments.notifications": PUBLIC,
    # --- development mode only -----------------------------------------------------
    "auth.dev_sso": DEV_ONLY,
    "devtools.outbox": DEV_ONLY,
    "devreload.problems": DEV_ONLY,  # live preview: the problems of the last reload
    # --- anyone signed in ----------------------------------------------------------
    "auth.profile": SIGNED_IN,
    "auth.verify_identity": CITIZEN,
    # --- citizens (and residents) --------------------------------------------------
    "wizard.start": CITIZEN,
    "wizard.page": CITIZEN,
    "wizard.refresh": CITIZEN,
    "wizard.file": CITIZEN,
    "requests.submit": CITIZEN,
    "requests.done": CITIZEN,
    "account.index": CITIZEN,
    "booking_staff.day": STAFF,
    "booking_staff.mark": STAFF,
    "booking_staff.close_day": STAFF,
    "appointments.index": CITIZEN,
    "appointments.show": CITIZEN,
    "appointments.cancel": CITIZEN,
    "appointments.move": CITIZEN,
    "appointments.ticket": CITIZEN,
    "appointments.ticket_pdf": CITIZEN,
    "account.request": CITIZEN,
    "account.request_pdf": CITIZEN,
    "account.discard_draft": CITIZEN,
    "account.reply": CITIZEN,
    "account.withdraw": CITIZEN,
    "account.rate": CITIZEN,
    "payments.pay": CITIZEN,
    "payments.start": CITIZEN,
    "payments.returned": CITIZEN,
    "payments.refresh": CITIZEN,
    # --- the request's citizen or its agency's staff (checked in the view) -----------
    "payments.receipt": roles(Role.CITIZEN, Role.STAFF, Role.AUDITOR),
    "payments.receipt_pdf": roles(Role.CITIZEN, Role.STAFF, Role.AUDITOR),
    # --- agency staff --------------------------------------------------------------
    "backoffice.index": STAFF,
    "backoffice.request": STAFF,
    "backoffice.transition": STAFF,
    "backoffice.message": STAFF,
    "backoffice.claim": STAFF,
    "backoffice.release": STAFF,
    "backoffice.assign": STAFF,  # a supervisor's move, checked in the view
    "backoffice.file": STAFF,
    "backoffice.pdf": STAFF,
    "payments.staff_request": STAFF,
    "payments.refund": STAFF,  # and a refund permission (payment_refunders), checked in the view
    # --- auditors ------------------------------------------------------------------
    "audit.index": AUDITOR,
    "audit.request": AUDITOR,
    "audit.pdf": AUDITOR,
    "audit.attachment": AUDITOR,
    "audit.export": AUDITOR,
    # --- administrators ------------------------------------------------------------
    "admin.index": ADMIN,
    "admin.reload": ADMIN,
    "admin.create_account": ADMIN,
    "admin.set_active": ADMIN,
    "admin.retry": ADMIN,
})
# fmt: on

# Where each role lands after signing in when no page asked for it (first that exists).
HOME: Mapping[Role, tuple[str, ...]] = {
    Role.CITIZEN: ("account.index", "catalog.index"),
    Role.STAFF: ("backoffice.index", "auth.profile"),
    Role.AUDITOR: ("audit.index", "auth.profile"),
    Role.ADMIN: ("admin.index", "auth.profile"),
}
MAX_SESSION = dt.timedelta(hours=12)  # signed in this long, sign in again whatever the use
_TOUCH_EVERY = 30.0  # seconds: the idle clock is refreshed at most this often
_SESSION_KEYS = ("uid", "utok", "sid", "auth_at", "seen", "via")


def decide(rule: Rule | None, user: User | None, *, dev: bool) -> Decision:
    """What the table says about `user` (None: anonymous) opening an endpoint with `rule`."""
    if rule is None:
        return Decision.MISSING
    if rule.kind is Kind.PUBLIC:
        return Decision.ALLOW
    if rule.kind is Kind.DEV_ONLY:
        return Decision.ALLOW if dev else Decision.NOT_FOUND
    if user is None:
        return Decision.SIGN_IN
    if rule.kind is Kind.SIGNED_IN or user.role in rule.roles:
        return Decision.ALLOW
    return Decision.FORBIDDEN


def current_user() -> User | None:
    """The signed-in user of this request (also `g.user`), or None."""
    user: User | None = g.get("user")
    return user


# --- safe return addresses -------------------------------------------------------------
def safe_next(value: str | None) -> str | None:
    """`value` when it is a path on this site (`/…`, no scheme, no host, no `//` or
    backslash tricks, no control characters), else None."""
    if not value or len(value) > 2000 or "\\" in value:
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:  # "http://[::1" and the like
        return None
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or value.startswith("//"):
        return None
    if parts.path.rstrip("/") in (_path("auth.sign_in"), _path("auth.sign_out")):
        return None  # never come back to the page that sent us here
    return value


def _path(endpoint: str) -> str:
    try:
        return url_for(endpoint).rstrip("/")
    except BuildError:  # not registered (an app without the auth blueprint)
        return "\0"


def local_path(url: str | None) -> str | None:
    """The path and query of `url` when it points at this site (e.g. a Referer)."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # a Referer such as "http://[::1"
        return None
    if parts.netloc and parts.netloc != request.host:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return safe_next(path)


def return_path() -> str | None:
    """Where to come back to after signing in: this address for GET, else the page the
    form was on (htmx tells it in HX-Current-URL, browsers in Referer)."""
    if request.method in ("GET", "HEAD") and not request.headers.get("HX-Request"):
        return safe_next(request.full_path.rstrip("?"))
    return local_path(request.headers.get("HX-Current-URL")) or local_path(request.referrer)


def send_to(endpoint: str, **values: Any) -> Response:
    """A redirect that works for a normal request and for an htmx one (which must reload
    the whole page, not swap the sign-in page into a fragment)."""
    target = url_for(endpoint, **values)
    if request.headers.get("HX-Request"):
        return Response(status=204, headers={"HX-Redirect": target})
    return redirect(target, 302 if request.method in ("GET", "HEAD") else 303)


def home_for(user: User) -> str:
    for endpoint in HOME.get(user.role, ()):
        if endpoint in current_app.view_functions:
            return url_for(endpoint)
    return url_for("catalog.index")


# --- sessions ---------------------------------------------------------------------------
def start_session(user: User, via: str) -> None:
    """Sign `user` in: a new session (the old one, CSRF token included, is dropped; the
    language lives in its own cookie and is kept), recorded in the audit log."""
    at = now()
    session.clear()
    session.permanent = False
    sid = new_session_id()
    session.update(
        uid=user.id,
        utok=user.token,
        sid=sid,
        auth_at=at.timestamp(),
        seen=at.timestamp(),
        via=via,
    )
    with database().session(write=True) as db:
        record(
            db,
            "sign_in",
            user_id=user.id,
            now=at,
            object_type="session",
            object_id=sid,
            ip=request.remote_addr,
        )
        if user.role != Role.CITIZEN:  # officials' sign-ins go in the chained log too
            audit.append(
                db,
                actor=user,
                action="sign_in",
                object_type="user",
                object_id=user.id,
                details={"via": via, "ip": request.remote_addr},
                at=at,
            )
    g.user = user


def end_session() -> None:
    """Sign out: the session is recorded as ended (so a copy of its cookie is refused
    too) and cleared."""
    uid, sid = session.get("uid"), session.get("sid")
    if isinstance(uid, int) and isinstance(sid, str):
        with database().session(write=True) as db:
            record(
                db,
                ENDS_ONE_SESSION,
                user_id=uid,
                now=now(),
                object_type=SESSION_OBJECT,
                object_id=sid,
                ip=request.remote_addr,
            )
    session.clear()
    g.user = None


def _drop_identity() -> None:
    for key in _SESSION_KEYS:
        session.pop(key, None)


# The user and whether their session has ended, in one query built once and run on a
# Core connection: every request of a signed-in user asks it, and building the statement,
# then the ORM's loading, cost more than running it.
_SESSION_USER = select(
    *rows.columns(User), ended_since(bindparam("uid"), bindparam("sid"), bindparam("since"))
).where(User.id == bindparam("uid"))


def _session_user() -> tuple[User | None, bool]:
    """(the user of this session or None, whether the session just timed out)."""
    uid = session.get("uid")
    if uid is None:
        return None, False
    at = now()
    seen, auth_at = session.get("seen"), session.get("auth_at")
    if not isinstance(uid, int) or not isinstance(seen, float) or not isinstance(auth_at, float):
        _drop_identity()
        return None, False
    idle = dt.timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    if at.timestamp() - seen > idle.total_seconds() or (
        at.timestamp() - auth_at > MAX_SESSION.total_seconds()
    ):
        _drop_identity()
        return None, True
    started = dt.datetime.fromtimestamp(auth_at, dt.UTC)
    with database().connection() as db:
        params = {"uid": uid, "sid": str(session.get("sid")), "since": started}
        row = db.execute(_SESSION_USER, params).first()
    user, ended = (rows.detached(User, row), bool(row[-1])) if row is not None else (None, True)
    if user is None or ended or not user.is_active or user.token != session.get("utok"):
        _drop_identity()
        return None, False
    if at.timestamp() - seen >= _TOUCH_EVERY:
        session["seen"] = at.timestamp()
    return user, False


_NO_SESSION = frozenset({"static", "health.healthz", "health.readyz"})


# What an auditor may still post: signing out or in as someone else, and checking a
# document on the public page; none of them changes a request or an account.
AUDITOR_POSTS = frozenset({"auth.sign_out", "auth.sign_in", "auth.dev_sso", "verify.index"})


def read_only_refused(user: User | None, endpoint: str, method: str) -> bool:
    """True for a POST (or other change) by an auditor: auditors read and change nothing,
    on any endpoint, whatever its row says."""
    return (
        user is not None
        and user.role == Role.AUDITOR
        and method not in ("GET", "HEAD", "OPTIONS")
        and endpoint not in AUDITOR_POSTS
    )


def enforce() -> Response | None:
    if request.endpoint in _NO_SESSION:
        # No database work for a stylesheet, nor for a health check (which must answer
        # even while the database is down).
        g.user, g.access = None, Decision.ALLOW
        return None
    user, expired = _session_user()
    g.user = user
    endpoint = request.endpoint
    if endpoint is None:
        return None  # no route matched: Flask answers 404 / 405 itself
    rule = ACCESS.get(endpoint)
    decision = decide(rule, user, dev=bool(current_app.config.get("DEV")))
    g.access = decision
    if decision is Decision.ALLOW and read_only_refused(user, endpoint, request.method):
        abort(403)
    if decision is Decision.ALLOW:
        return None
    if decision is Decision.MISSING:
        log.error(
            "endpoint %r has no row in khidma.web.access.ACCESS: refused. Add it to the "
            "table (public, signed in, roles or dev only).",
            endpoint,
        )
        abort(404)
    if decision is Decision.NOT_FOUND:
        abort(404)
    if decision is Decision.FORBIDDEN:
        abort(403)
    target = "auth.session_expired" if expired else "auth.sign_in"
    return send_to(target, next=return_path())


def no_store(response: Response) -> Response:
    """Personal pages are not kept by browsers or proxies: every answer to a signed-in
    user, and every account page (sign-in, sign-up, reset), says `no-store`."""
    endpoint = request.endpoint or ""
    personal = g.get("user") is not None or endpoint.startswith("auth.")
    kept = response.headers.get("Cache-Control", "")
    if personal and endpoint not in _NO_SESSION and "no-store" not in kept:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.before_request(enforce)
    app.after_request(no_store)

    @app.context_processor
    def identity_context() -> dict[str, Any]:
        return {"current_user": current_user()}
