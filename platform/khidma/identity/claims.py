"""Identity claims: what a national single sign-on says about a person, and what the
wizard prefills from (`identity_claims`, keyed by `khidma.fields.PREFILL_SOURCES`).

`Claims` is one shape for every provider: the OIDC client maps the issuer's claims onto
it (`from_oidc`), the development stand-in builds it from a persona, and a local account
is read back through `identity_claims(user)`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from khidma.engine.dates import from_hijri
from khidma.engine.dates import parse_iso_date
from khidma.engine.dates import to_hijri
from khidma.engine.identifiers import IdentifierError
from khidma.engine.identifiers import clean_national_id
from khidma.engine.identifiers import national_id_problem
from khidma.engine.identifiers import normalise_saudi_mobile
from khidma.storage.models import User
from khidma.storage.models import UserSource

# Words that belong to the next word of an Arabic name ("عبد الله", "آل سعود").
_JOINS_NEXT = frozenset({"عبد", "أبو", "ابو", "أم", "ام", "آل", "ال", "بن", "بنت", "ابن"})
_GENDERS = {
    "male": "male",
    "m": "male",
    "ذكر": "male",
    "female": "female",
    "f": "female",
    "أنثى": "female",
    "انثى": "female",
}


class ClaimsError(ValueError):
    """The provider's answer lacks a usable national ID; `str()` says which claim."""


@dataclass(frozen=True)
class Claims:
    """The facts a national SSO vouches for. `name_ar` is the four-part Arabic name (first,
    father's, grandfather's and family name); dates are Gregorian, the Hijri date is
    derived. `mobile` is E.164 (None when the provider gave no Saudi mobile)."""

    national_id: str
    name_ar: str
    name_en: str = ""
    date_of_birth: dt.date | None = None
    nationality: str | None = None
    gender: str | None = None
    mobile: str | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        if national_id_problem(self.national_id) is not None:
            raise ClaimsError(f"national_id {self.national_id!r} is not a valid ID number")


def split_arabic_name(name: str) -> list[str]:
    """The parts of an Arabic name, with "عبد", "آل", "بن"… kept with the word after them:
    "عبد الله محمد آل سعود" → ["عبد الله", "محمد", "آل سعود"]."""
    parts: list[str] = []
    pending = ""
    for word in name.split():
        if word in _JOINS_NEXT:
            pending = f"{pending} {word}".strip()
            continue
        parts.append(f"{pending} {word}".strip())
        pending = ""
    if pending:
        parts.append(pending)
    return parts


def hijri_iso(day: dt.date | None) -> str | None:
    """The Umm al-Qura date of `day` as `YYYY-MM-DD`, or None."""
    if day is None:
        return None
    hijri = to_hijri(day)
    return hijri.isoformat() if hijri else None


def identity_verified(user: User) -> bool:
    """True when the national SSO or the identity-verification service vouched for the
    account's ID number; a local account's typed ID number and name are not facts."""
    return user.source == UserSource.SSO or user.identity_verified_at is not None


# What only a verified identity may prefill: a self-declared account holds its mobile
# (proven by an SMS code) and its e-mail address, nothing it merely typed about itself.
VERIFIED_ONLY = (
    "national_id",
    "full_name_ar",
    "full_name_en",
    "first_name_ar",
    "family_name_ar",
    "date_of_birth",
    "date_of_birth_hijri",
    "nationality",
    "gender",
)


def identity_claims(user: User) -> dict[str, Any]:
    """The prefill values of the signed-in `user`: national_id, full_name_ar, full_name_en,
    first_name_ar, family_name_ar, mobile (E.164), email, date_of_birth (ISO Gregorian),
    date_of_birth_hijri (ISO Umm al-Qura), nationality, gender (`male`/`female`). Claims
    the account does not hold are None, and so are the `VERIFIED_ONLY` ones of an account
    whose identity is not verified (`identity_verified`)."""
    claims = account_claims(user)
    if not identity_verified(user):
        claims.update(dict.fromkeys(VERIFIED_ONLY))
    return claims


def account_claims(user: User) -> dict[str, Any]:
    """What the account holds, verified or not (the profile page shows it as such)."""
    parts = split_arabic_name(user.name_ar or "")
    return {
        "national_id": user.national_id,
        "full_name_ar": user.name_ar or None,
        "full_name_en": user.name_en or None,
        "first_name_ar": parts[0] if parts else None,
        "family_name_ar": parts[-1] if len(parts) > 1 else None,
        "mobile": user.mobile,
        "email": user.email,
        "date_of_birth": user.date_of_birth.isoformat() if user.date_of_birth else None,
        "date_of_birth_hijri": hijri_iso(user.date_of_birth),
        "nationality": user.nationality,
        "gender": user.gender,
    }


def apply_claims(user: User, claims: Claims) -> None:
    """Write what the provider vouches for onto `user` (a claim the provider left out
    keeps the account's value)."""
    user.national_id = claims.national_id
    user.name_ar = claims.name_ar or user.name_ar
    user.name_en = claims.name_en or user.name_en
    user.date_of_birth = claims.date_of_birth or user.date_of_birth
    user.nationality = claims.nationality or user.nationality
    user.gender = claims.gender or user.gender
    user.mobile = claims.mobile or user.mobile
    user.email = claims.email or user.email


# --- OIDC --------------------------------------------------------------------------
# Candidate claim names, first present wins: OIDC standard names, language-tagged ones
# (`given_name#ar`), and the spellings national identity providers use.
OIDC_NAMES: Mapping[str, tuple[str, ...]] = {
    "national_id": ("national_id", "nationalId", "nin", "national_identifier"),
    "first_ar": ("given_name#ar", "first_name_ar", "arabicFirstName"),
    "father_ar": ("father_name#ar", "father_name_ar", "arabicFatherName"),
    "grandfather_ar": ("grandfather_name#ar", "grandfather_name_ar", "arabicGrandFatherName"),
    "family_ar": ("family_name#ar", "family_name_ar", "arabicFamilyName"),
    "name_ar": ("name#ar", "full_name_ar", "arabicName"),
    "name_en": ("name#en", "full_name_en", "englishName", "name"),
    "first_en": ("given_name#en", "given_name", "englishFirstName"),
    "family_en": ("family_name#en", "family_name", "englishLastName"),
    "birthdate": ("birthdate", "date_of_birth", "dob"),
    "birthdate_hijri": ("birthdate_hijri", "date_of_birth_hijri", "dobHijri"),
    "nationality": ("nationality#ar", "nationality", "nationality_ar"),
    "gender": ("gender",),
    "mobile": ("phone_number", "mobile", "mobile_number"),
    "email": ("email",),
}


def _first(raw: Mapping[str, Any], key: str) -> str:
    for name in OIDC_NAMES[key]:
        value = raw.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _birthdate(raw: Mapping[str, Any]) -> dt.date | None:
    gregorian = _first(raw, "birthdate")
    if gregorian:
        try:
            return parse_iso_date(gregorian)
        except ValueError:
            pass
    hijri = _first(raw, "birthdate_hijri")
    if hijri:
        try:
            day = parse_iso_date(hijri.replace("/", "-"))  # a Hijri Y-M-D read as digits only
            return from_hijri(day.year, day.month, day.day)
        except (ValueError, ArithmeticError):
            return None
    return None


def from_oidc(raw: Mapping[str, Any]) -> Claims:
    """`Claims` from an ID token's and the userinfo endpoint's claims (merged). Raises
    `ClaimsError` without a valid national ID; every other claim is optional."""
    national_id = clean_national_id(_first(raw, "national_id"))
    if national_id_problem(national_id) is not None:
        raise ClaimsError("the provider sent no valid national_id claim")
    parts = [_first(raw, k) for k in ("first_ar", "father_ar", "grandfather_ar", "family_ar")]
    name_ar = " ".join(p for p in parts if p) or _first(raw, "name_ar")
    name_en = _first(raw, "name_en") or " ".join(
        p for p in (_first(raw, "first_en"), _first(raw, "family_en")) if p
    )
    mobile: str | None = None
    if _first(raw, "mobile"):
        try:
            mobile = normalise_saudi_mobile(_first(raw, "mobile"))
        except IdentifierError:
            mobile = None
    gender = _GENDERS.get(_first(raw, "gender").casefold())
    return Claims(
        national_id=national_id,
        name_ar=name_ar,
        name_en=name_en,
        date_of_birth=_birthdate(raw),
        nationality=_first(raw, "nationality") or None,
        gender=gender,
        mobile=mobile,
        email=_first(raw, "email").lower() or None,
    )
