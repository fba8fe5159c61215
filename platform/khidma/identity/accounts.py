"""Accounts: finding, creating and signing in users, in the caller's transaction.

No web framework here: the caller passes the database session and the time. Every
outcome a person must understand comes back as a value (`SignIn`), not an exception.

No lockout: a lock that anyone can set by typing wrong passwords for a known username
is itself an attack. Wrong passwords are slowed down by the caller's rate limits
instead (per account and address, per account, per address: `identity.throttle`), the
same way for an unknown account as for a real one, so the answers tell nothing about
which accounts exist. After `ALERT_AFTER` wrong passwords in a row the account's owner
is told (`SignIn.alert`); the count restarts after a correct password or a reset.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter
from sqlalchemy import ColumnElement
from sqlalchemy import exists
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from khidma.engine.identifiers import clean_national_id
from khidma.engine.identifiers import normalise_digits
from khidma.identity.claims import Claims
from khidma.identity.claims import apply_claims
from khidma.identity.passwords import hash_password
from khidma.identity.passwords import needs_rehash
from khidma.identity.passwords import verify_password
from khidma.storage.models import AuditLog
from khidma.storage.models import Role
from khidma.storage.models import User
from khidma.storage.models import UserSource
from khidma.storage.types import new_token

ALERT_AFTER = 5

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{2,31}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")

# Audit actions that end sessions: every session of the user begun earlier, or the one
# session named by `object_id`.
ENDS_ALL_SESSIONS = ("password_reset", "account_claimed")
ENDS_ONE_SESSION = "sign_out"
SESSION_OBJECT = "session"  # the object_type of a sign-out line: its object_id is the session's id


class AccountConflict(ValueError):
    """The account cannot be created; `field` is the form field at fault and `code` the
    message code (`account.national_id_taken`, `account.username_taken`)."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(code)
        self.field = field
        self.code = code


class Outcome(enum.StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown account or wrong password: the same answer for both


@dataclass(frozen=True)
class SignIn:
    outcome: Outcome
    user: User | None = None
    alert: bool = False  # the ALERT_AFTER-th wrong password in a row: tell the owner


def normalise_username(text: str) -> str:
    return normalise_digits(text).strip().lower()


def username_problem(text: str) -> str | None:
    """None for a usable username (3–32 of a–z 0–9 . _ -, starting with a letter)."""
    return None if USERNAME.match(normalise_username(text)) else "username.invalid"


def clean_email(text: str) -> str | None:
    """The e-mail address with its domain lower-cased, or None when it is not one."""
    value = normalise_digits(text).strip()
    if len(value) > 254 or not EMAIL.match(value) or len(value.split("@")[0]) > 64:
        return None
    local, domain = value.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def find_for_sign_in(session: Session, identifier: str) -> User | None:
    """The account named by a national ID / iqama number (ten digits, any digits) or a
    username."""
    digits = clean_national_id(identifier)
    if len(digits) == 10 and digits.isascii() and digits.isdigit():
        return session.scalar(select(User).where(User.national_id == digits))
    return session.scalar(select(User).where(User.username == normalise_username(identifier)))


def sign_in(session: Session, identifier: str, password: str, now: datetime) -> SignIn:
    """Check a password sign-in and record its outcome on the account (failed count,
    last sign-in, hash upgrade). Run it in a write transaction."""
    user = find_for_sign_in(session, identifier)
    usable = user is not None and user.is_active and user.password_hash is not None
    if not verify_password(user.password_hash if usable and user else None, password):
        if user is None or not usable:
            return SignIn(Outcome.WRONG)
        user.failed_logins += 1
        return SignIn(Outcome.WRONG, user, alert=user.failed_logins == ALERT_AFTER)
    assert user is not None and user.password_hash is not None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return SignIn(Outcome.OK, user)


def national_id_taken(session: Session, national_id: str) -> bool:
    return session.scalar(select(User.id).where(User.national_id == national_id)) is not None


def username_taken(session: Session, username: str) -> bool:
    found = session.scalar(select(User.id).where(User.username == normalise_username(username)))
    return found is not None


def create_local_account(
    session: Session,
    *,
    national_id: str,
    mobile: str | None,
    name_ar: str,
    name_en: str,
    email: str | None,
    username: str,
    password: str,
    now: datetime,
    role: Role = Role.CITIZEN,
    agency_id: str | None = None,
) -> User:
    """A new account with a verified mobile. Raises `AccountConflict` when the ID number
    or the username is taken (checked again by the database's unique constraints)."""
    if national_id_taken(session, national_id):
        raise AccountConflict("national_id", "account.national_id_taken")
    if username_taken(session, username):
        raise AccountConflict("username", "account.username_taken")
    user = User(
        national_id=national_id,
        username=normalise_username(username),
        name_ar=" ".join(name_ar.split()),
        name_en=" ".join(name_en.split()),
        mobile=mobile or None,
        email=email or None,
        password_hash=hash_password(password),
        role=role,
        agency_id=agency_id,
        created_at=now,
        source=UserSource.LOCAL,
    )
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError:
        taken = national_id_taken(session, national_id)
        raise AccountConflict(
            "national_id" if taken else "username",
            "account.national_id_taken" if taken else "account.username_taken",
        ) from None
    return user


def find_for_reset(session: Session, username: str, national_id: str) -> User | None:
    """The active account with both this username and this ID number, if it has a mobile
    to send the code to."""
    user = session.scalar(
        select(User).where(
            User.username == normalise_username(username),
            User.national_id == clean_national_id(national_id),
        )
    )
    if user is None or not user.is_active or not user.mobile:
        return None
    return user


def set_password(user: User, password: str) -> None:
    """A new password; also clears the failed-sign-in count (and a lock set by an
    earlier version)."""
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None


def upsert_from_claims(
    session: Session,
    claims: Claims,
    *,
    now: datetime,
    role: Role | None = None,
    agency_id: str | None = None,
) -> tuple[User, bool]:
    """The account of the person the national SSO vouches for, created or brought up to
    date from the claims; returns (user, claimed). A `role` (development personas only)
    overrides the account's role.

    A local account with the same ID number was opened by whoever typed that number; it
    is the same person when its mobile is the SSO's. When it is not, the SSO wins: the
    account's password stops working (`claimed` is True, and the caller ends its other
    sessions); the person can set one again through a reset, which now texts their own
    mobile.
    """
    user = session.scalar(select(User).where(User.national_id == claims.national_id))
    claimed = False
    if user is None:
        user = User(
            national_id=claims.national_id,
            source=UserSource.SSO,
            role=role or Role.CITIZEN,
            agency_id=agency_id,
            created_at=now,
        )
        session.add(user)
    elif user.source == UserSource.LOCAL and user.password_hash and user.mobile != claims.mobile:
        user.password_hash = None
        user.source = UserSource.SSO
        claimed = True
    if role is not None:
        user.role, user.agency_id = role, agency_id
    apply_claims(user, claims)
    user.identity_verified_at = user.identity_verified_at or now  # the SSO vouches for it
    user.last_login_at = now
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    return user, claimed


def record(
    session: Session,
    action: str,
    *,
    user_id: int | None,
    now: datetime,
    object_type: str = "user",
    object_id: str | int | None = None,
    ip: str | None = None,
) -> None:
    """One line of the audit log (sign-ins, sign-outs, resets, account changes)."""
    session.add(
        AuditLog(
            action=action,
            object_type=object_type,
            object_id=str(object_id if object_id is not None else user_id or "")[:64],
            user_id=user_id,
            ip=(ip or None) and ip[:45],
            created_at=now,
        )
    )


def session_ended(session: Session, user_id: int, sid: str, since: datetime) -> bool:
    """True when the session `sid` of `user_id`, begun at `since`, was ended since: it
    was signed out, or the password was reset, or the SSO claimed the account."""
    return bool(session.scalar(select(ended_since(user_id, sid, since))))


def ended_since(
    user_id: int | BindParameter[Any], sid: str | BindParameter[Any], since: Any
) -> ColumnElement[bool]:
    """`session_ended` as an SQL condition, to ask it in the query that loads the user
    (its arguments values, or bound parameters of a statement built once).

    Every request of a signed-in user asks it, so each half reads one index: a reset or
    claim since `since` along (user_id, action, created_at), the sign-out of this
    session along (object_type, object_id). Asked as one condition over the user's
    rows, it read every line the user had ever caused (3 ms a request at 10,000 lines,
    33 ms at 50,000: a busy member of staff's, in weeks). The actions are written into
    the SQL, not bound: PostgreSQL's plan for the statement prepared with them as
    parameters cannot tell that they are rare, and reads the whole table instead."""
    ends_all = [literal(action, literal_execute=True) for action in ENDS_ALL_SESSIONS]
    return or_(
        exists().where(
            AuditLog.user_id == user_id,
            AuditLog.action.in_(ends_all),
            AuditLog.created_at > since,
        ),
        exists().where(
            AuditLog.object_type == literal(SESSION_OBJECT, literal_execute=True),
            AuditLog.object_id == sid,
            AuditLog.action == literal(ENDS_ONE_SESSION, literal_execute=True),
            AuditLog.user_id == user_id,
        ),
    )


def new_session_id() -> str:
    return new_token()
