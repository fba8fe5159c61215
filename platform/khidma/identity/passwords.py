"""Passwords: argon2id hashes and the rules a new password must meet.

Parameters are RFC 9106's second recommendation ("low memory"): argon2id, 3 passes over
64 MiB with 4 lanes, a 16-byte salt and a 32-byte tag — about 50–100 ms on one core of
a small server. Hashes made with older parameters are upgraded at the next sign-in
(`needs_rehash`). Only the hash is ever stored or logged.
"""

from __future__ import annotations

import re
from functools import lru_cache

from argon2 import PasswordHasher
from argon2 import Type
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError

TIME_COST = 3
MEMORY_COST_KIB = 64 * 1024
PARALLELISM = 4
HASH_LEN = 32
SALT_LEN = 16

MIN_LENGTH = 8
MAX_LENGTH = 128  # argon2 takes any length; the cap keeps a hash request cheap to refuse

_HASHER = PasswordHasher(
    time_cost=TIME_COST,
    memory_cost=MEMORY_COST_KIB,
    parallelism=PARALLELISM,
    hash_len=HASH_LEN,
    salt_len=SALT_LEN,
    type=Type.ID,
)
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")


def hash_password(password: str) -> str:
    """The argon2id hash (PHC string, salt included) of `password`."""
    return _HASHER.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _HASHER.hash("not a password: only spends the time a real check takes")


def verify_password(stored: str | None, password: str) -> bool:
    """True when `password` matches `stored`. With no stored hash (no such account, or
    an account that signs in through SSO only) a dummy hash is checked all the same, so
    the answer takes as long whether or not the account exists."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        _HASHER.verify(stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return stored is not None


def needs_rehash(stored: str) -> bool:
    """True when `stored` was made with other parameters than today's."""
    try:
        return _HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def password_problem(
    password: str, *, username: str | None = None, national_id: str | None = None
) -> str | None:
    """None when `password` may be used, else the code of the first problem:
    `password.too_short`, `password.too_long`, `password.too_simple` (needs a letter and a
    digit), `password.personal` (contains the username or the ID number)."""
    if len(password) < MIN_LENGTH:
        return "password.too_short"
    if len(password) > MAX_LENGTH:
        return "password.too_long"
    if not (_LETTER.search(password) and _DIGIT.search(password)):
        return "password.too_simple"
    lowered = password.casefold()
    for personal in (username, national_id):
        if personal and len(personal) >= 3 and personal.casefold() in lowered:
            return "password.personal"
    return None
