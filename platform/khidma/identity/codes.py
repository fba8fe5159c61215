"""One-time SMS verification codes.

A code is six random digits (`secrets`), valid for ten minutes, good for one successful
check and for at most five wrong ones. Only a keyed hash is stored — HMAC-SHA256 under the
app's secret key — because a plain hash of six digits is undone by trying all million;
checks compare hashes with `hmac.compare_digest`. Issuing a new code for the same mobile
and purpose retires the earlier ones.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from khidma.engine.identifiers import normalise_digits
from khidma.storage.models import CodePurpose
from khidma.storage.models import VerificationCode

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
_SCHEME = "hmac-sha256$"


class CodeCheck(enum.StrEnum):
    """The outcome of checking a code; every value but OK is a message code `code.*`."""

    OK = "ok"
    WRONG = "code.wrong"
    EXPIRED = "code.expired"
    USED = "code.used"
    TOO_MANY = "code.too_many"
    MISSING = "code.missing"


def new_code() -> str:
    """Six random digits (leading zeros kept)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_digest(secret: str | bytes, code: str) -> str:
    """The stored form of `code`: an HMAC-SHA256 under `secret`."""
    key = secret.encode() if isinstance(secret, str) else secret
    mac = hmac.new(key, b"khidma-verification-code:" + code.encode(), hashlib.sha256)
    return _SCHEME + mac.hexdigest()


def clean_code(text: str) -> str | None:
    """The six ASCII digits typed (Eastern Arabic digits and spaces accepted), or None
    when what was typed is not six digits."""
    digits = "".join(normalise_digits(text).split())
    if len(digits) != CODE_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def issue(
    session: Session,
    *,
    mobile: str,
    purpose: CodePurpose,
    secret: str | bytes,
    now: datetime,
    user_id: int | None = None,
) -> tuple[VerificationCode, str]:
    """A new code for `mobile`: the stored row (flushed, so it has an id) and the code
    itself, to send and then forget. Earlier unused codes for the same mobile and purpose
    expire now."""
    pending = session.scalars(
        select(VerificationCode).where(
            VerificationCode.mobile == mobile,
            VerificationCode.purpose == purpose,
            VerificationCode.used_at.is_(None),
            VerificationCode.expires_at > now,
        )
    )
    for older in pending:
        older.expires_at = now
    code = new_code()
    row = VerificationCode(
        mobile=mobile,
        purpose=purpose,
        code_hash=code_digest(secret, code),
        expires_at=now + CODE_TTL,
        user_id=user_id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row, code


def check(
    session: Session,
    code_id: int | None,
    typed: str,
    *,
    mobile: str,
    purpose: CodePurpose,
    secret: str | bytes,
    now: datetime,
) -> CodeCheck:
    """Check `typed` against the code `code_id` sent to `mobile` for `purpose`; a correct
    code is used up. Run it in a write transaction: it counts the attempt."""
    row = session.get(VerificationCode, code_id) if code_id is not None else None
    if row is None or row.mobile != mobile or row.purpose != purpose:
        return CodeCheck.MISSING
    if row.used_at is not None:
        return CodeCheck.USED
    if row.attempts >= MAX_ATTEMPTS:
        return CodeCheck.TOO_MANY
    if now >= row.expires_at:
        return CodeCheck.EXPIRED
    digits = clean_code(typed) or ""
    if not hmac.compare_digest(code_digest(secret, digits), row.code_hash):
        row.attempts += 1
        return CodeCheck.TOO_MANY if row.attempts >= MAX_ATTEMPTS else CodeCheck.WRONG
    row.used_at = now
    return CodeCheck.OK


def spend(
    session: Session, code_id: object, *, user_id: int, purpose: CodePurpose, now: datetime
) -> bool:
    """Use up what the checked code `code_id` allowed (a reset's new password), once: a
    guarded UPDATE, so a replayed cookie or a second request at the same instant finds
    it spent. True for the one caller that spent it."""
    if not isinstance(code_id, int):
        return False
    result = session.execute(
        update(VerificationCode)
        .where(
            VerificationCode.id == code_id,
            VerificationCode.user_id == user_id,
            VerificationCode.purpose == purpose,
            VerificationCode.used_at.is_not(None),
            VerificationCode.spent_at.is_(None),
        )
        .values(spent_at=now)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def spendable(session: Session, code_id: object, *, user_id: int, purpose: CodePurpose) -> bool:
    """Whether `spend` would succeed now (for showing the form; `spend` decides)."""
    row = session.get(VerificationCode, code_id) if isinstance(code_id, int) else None
    return bool(
        row is not None
        and row.user_id == user_id
        and row.purpose == purpose
        and row.used_at is not None
        and row.spent_at is None
    )
