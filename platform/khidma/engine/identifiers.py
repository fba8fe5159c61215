"""Saudi identifiers: digits, national ID / iqama numbers and mobile numbers.

Everything here is a pure function of its arguments. Problems are reported by the stable
codes of `khidma.engine.messages` (`national_id.*`, `mobile.*`), never by free text, so the
caller can translate them and a test can assert them.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

import phonenumbers

__all__ = [
    "IdentifierError",
    "luhn_valid",
    "make_national_id",
    "national_id_problem",
    "normalise_digits",
    "normalise_saudi_mobile",
]

# Eastern Arabic (U+0660…) and Persian/Urdu (U+06F0…) digits, as phone keyboards type them.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# What people put between digit groups: spaces of every width, dashes, dots, brackets.
_SEPARATORS = re.compile(r"[\s\u200e\u200f\u202a-\u202e\-\u2010-\u2015\u2212.()/]")
_ID_KINDS = {"1": "citizen", "2": "resident"}


class IdentifierError(ValueError):
    """An identifier could not be accepted. `code` is a message code such as
    `mobile.invalid`."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def normalise_digits(text: str) -> str:
    """`text` with Eastern Arabic and Persian digits replaced by ASCII digits; every other
    character is kept as it is."""
    return text.translate(_DIGITS)


def _compact(text: str) -> str:
    return _SEPARATORS.sub("", normalise_digits(text))


def luhn_valid(digits: str) -> bool:
    """True when the ASCII digit string passes the Luhn check (last digit = check digit)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def national_id_problem(text: str, accept: Collection[str] = ("citizen", "resident")) -> str | None:
    """None when `text` (after `normalise_digits` and removing spaces/dashes) is a valid
    national ID (first digit 1, `citizen`) or iqama (first digit 2, `resident`) of a kind in
    `accept`; otherwise the code of the first problem, checked in this order:
    `national_id.length` (not exactly ten digits), `national_id.prefix` (first digit not 1
    or 2), `national_id.not_accepted`, `national_id.checksum` (Luhn over all ten digits)."""
    digits = _compact(text)
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return "national_id.length"
    kind = _ID_KINDS.get(digits[0])
    if kind is None:
        return "national_id.prefix"
    if kind not in accept:
        return "national_id.not_accepted"
    if not luhn_valid(digits):
        return "national_id.checksum"
    return None


def clean_national_id(text: str) -> str:
    """The ten ASCII digits of `text` (Eastern Arabic digits converted, separators
    removed). Does not check anything; use `national_id_problem` first."""
    return _compact(text)


def make_national_id(prefix: str) -> str:
    """A checksum-valid ten-digit number: the nine digits of `prefix` and a check digit.
    Used for test personas. Raises `ValueError` unless `prefix` is nine ASCII digits."""
    if len(prefix) != 9 or not prefix.isascii() or not prefix.isdigit():
        raise ValueError("prefix must be nine digits")
    for check in "0123456789":
        if luhn_valid(prefix + check):
            return prefix + check
    raise AssertionError("unreachable: one check digit always fits")  # pragma: no cover


def normalise_saudi_mobile(text: str) -> str:
    """The E.164 form (`+9665XXXXXXXX`) of a Saudi mobile number written any common way:
    `05…`, `5…`, `+9665…`, `9665…`, `009665…`, with spaces, dashes or brackets, in
    Eastern Arabic or ASCII digits. Raises `IdentifierError` with `mobile.not_saudi` for a
    valid number of another country, `mobile.invalid` for anything else (including Saudi
    landlines)."""
    compact = _compact(text)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif compact.startswith("966") and len(compact) == 12:
        compact = "+" + compact
    body = compact[1:] if compact.startswith("+") else compact
    if not body.isascii() or not body.isdigit() or not 8 <= len(body) <= 15:
        raise IdentifierError("mobile.invalid")
    e164, problem = _parsed_mobile(compact)
    if problem is not None:
        raise IdentifierError(problem)
    return e164


@lru_cache(maxsize=4096)
def _parsed_mobile(compact: str) -> tuple[str, str | None]:
    """(E.164 form, None) or ("", the problem's code) for a compact number of at most 16
    characters. Kept: a draft's stored mobile is normalised again on every page of it (a
    check trusts nothing stored), and the library's parse is a third of a millisecond."""
    try:
        number = phonenumbers.parse(compact, "SA")
    except phonenumbers.NumberParseException:
        return "", "mobile.invalid"
    if not phonenumbers.is_valid_number(number):
        return "", "mobile.invalid"
    if phonenumbers.region_code_for_number(number) != "SA":
        return "", "mobile.not_saudi"
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        return "", "mobile.invalid"
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)), None


def format_saudi_mobile(e164: str) -> str:
    """A stored E.164 mobile as people in the Kingdom write it (`050 123 4567`); any value
    that does not parse is returned unchanged."""
    try:
        number = phonenumbers.parse(e164, "SA")
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) != "SA":
        fmt = phonenumbers.PhoneNumberFormat.INTERNATIONAL
    else:
        fmt = phonenumbers.PhoneNumberFormat.NATIONAL
    return str(phonenumbers.format_number(number, fmt))
