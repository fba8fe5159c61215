"""The identity layer's parts on their own: passwords, codes, claims, personas, limits."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from khidma.engine.identifiers import national_id_problem
from khidma.engine.identifiers import normalise_saudi_mobile
from khidma.fields import PREFILL_SOURCES
from khidma.identity import codes
from khidma.identity import passwords
from khidma.identity.claims import Claims
from khidma.identity.claims import ClaimsError
from khidma.identity.claims import apply_claims
from khidma.identity.claims import from_oidc
from khidma.identity.claims import identity_claims
from khidma.identity.claims import split_arabic_name
from khidma.identity.personas import personas
from khidma.identity.throttle import DEFAULT_LIMITS
from khidma.identity.throttle import Throttle
from khidma.storage.models import CodePurpose
from khidma.storage.models import Role
from khidma.storage.models import User
from khidma.storage.models import UserSource
from khidma.storage.models import VerificationCode

NOW = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


# --- passwords --------------------------------------------------------------------------
@pytest.mark.usefixtures("real_password_hashing")
def test_argon2id_with_the_documented_parameters() -> None:
    stored = passwords.hash_password("Nakheel-2025")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify_password(stored, "Nakheel-2025")
    assert not passwords.verify_password(stored, "nakheel-2025")
    assert not passwords.verify_password(None, "Nakheel-2025")
    assert not passwords.verify_password("not a hash", "x")
    assert not passwords.needs_rehash(stored)
    assert passwords.needs_rehash("$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g")
    assert passwords.hash_password("same-1") != passwords.hash_password("same-1")  # salted


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Nakheel-2025", None),
        ("كلمة سر 2025", None),  # Arabic letters count as letters
        ("short1", "password.too_short"),
        ("x1" * 65, "password.too_long"),
        ("no digits here", "password.too_simple"),
        ("1234567890", "password.too_simple"),
        ("my-salem.h-1", "password.personal"),
        ("id1000000008", "password.personal"),
    ],
)
def test_password_rules(password: str, problem: str | None) -> None:
    found = passwords.password_problem(password, username="salem.h", national_id="1000000008")
    assert found == problem


# --- codes ------------------------------------------------------------------------------
def test_codes_are_six_random_digits() -> None:
    drawn = {codes.new_code() for _ in range(200)}
    assert all(re.fullmatch(r"\d{6}", c) for c in drawn)
    assert len(drawn) > 190


def test_code_digest_is_keyed() -> None:
    assert codes.code_digest("one", "123456") != codes.code_digest("two", "123456")
    assert codes.code_digest("one", "123456") == codes.code_digest(b"one", "123456")
    assert "123456" not in codes.code_digest("one", "123456")


def issue_code(session: Session, mobile: str, purpose: CodePurpose) -> tuple[VerificationCode, str]:
    """`codes.issue` with the tests' secret, at `NOW`: (the code's row, the code)."""
    return codes.issue(session, mobile=mobile, purpose=purpose, secret="s", now=NOW)


def check_code(
    session: Session,
    code_id: int,
    typed: str,
    mobile: str,
    purpose: CodePurpose,
    at: dt.datetime = NOW,
) -> codes.CodeCheck:
    """`codes.check` with the tests' secret."""
    return codes.check(session, code_id, typed, mobile=mobile, purpose=purpose, secret="s", now=at)


def test_code_life(app: Flask) -> None:
    database = app.extensions["khidma.db"]
    mobile = "+966501234567"
    with database.session(write=True) as session:
        row, code = issue_code(session, mobile, CodePurpose.SIGNUP)
        code_id = row.id
        assert row.expires_at == NOW + dt.timedelta(minutes=10)

    def check(
        typed: str,
        at: dt.datetime = NOW,
        purpose: CodePurpose = CodePurpose.SIGNUP,
        number: str = mobile,
    ) -> codes.CodeCheck:
        with database.session(write=True) as session:
            return check_code(session, code_id, typed, number, purpose, at)

    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert check(code, purpose=CodePurpose.RESET) is codes.CodeCheck.MISSING
    assert check(code, number="+966551234567") is codes.CodeCheck.MISSING
    assert check(wrong) is codes.CodeCheck.WRONG
    assert check(code, at=NOW + dt.timedelta(minutes=10)) is codes.CodeCheck.EXPIRED
    assert check(" ".join(code)) is codes.CodeCheck.OK  # spaces between digits are fine
    assert check(code) is codes.CodeCheck.USED


def test_five_wrong_codes_and_a_new_code_retires_the_old(app: Flask) -> None:
    database = app.extensions["khidma.db"]
    mobile = "+966501234567"
    with database.session(write=True) as session:
        first, code = issue_code(session, mobile, CodePurpose.RESET)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    results = []
    for _ in range(5):
        with database.session(write=True) as session:
            results.append(check_code(session, first.id, wrong, mobile, CodePurpose.RESET))
    assert results == [codes.CodeCheck.WRONG] * 4 + [codes.CodeCheck.TOO_MANY]
    with database.session(write=True) as session:
        assert (
            check_code(session, first.id, code, mobile, CodePurpose.RESET)
            is codes.CodeCheck.TOO_MANY
        )
        second, new = issue_code(session, mobile, CodePurpose.RESET)
        assert session.get(type(first), first.id).expires_at == NOW  # type: ignore[union-attr]
        assert check_code(session, second.id, new, mobile, CodePurpose.RESET) is codes.CodeCheck.OK


def test_codes_compare_in_constant_time(monkeypatch: pytest.MonkeyPatch, app: Flask) -> None:
    compared = []
    real = codes.hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(codes.hmac, "compare_digest", spy)
    with app.extensions["khidma.db"].session(write=True) as session:
        row, code = issue_code(session, "+966501234567", CodePurpose.SIGNUP)
        check_code(session, row.id, code, "+966501234567", CodePurpose.SIGNUP)
    assert compared and all(a.startswith("hmac-sha256$") for a, _ in compared)


# --- claims -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("محمد عبد الله صالح القحطاني", ["محمد", "عبد الله", "صالح", "القحطاني"]),
        ("عبد الرحمن خالد سعد آل سعود", ["عبد الرحمن", "خالد", "سعد", "آل سعود"]),
        ("نورة", ["نورة"]),
        ("", []),
    ],
)
def test_split_arabic_name(name: str, parts: list[str]) -> None:
    assert split_arabic_name(name) == parts


def test_identity_claims_give_every_prefill_source() -> None:
    user = User(
        national_id="1000000008",
        name_ar="سالم عبد الله حمد الحربي",
        name_en="Salem Abdullah Hamad Alharbi",
        mobile="+966501234567",
        email="salem@example.sa",
        date_of_birth=dt.date(1990, 4, 15),
        nationality="سعودي",
        gender="male",
        source=UserSource.SSO,
    )
    claims = identity_claims(user)
    assert set(claims) == set(PREFILL_SOURCES)
    assert claims == {
        "national_id": "1000000008",
        "full_name_ar": "سالم عبد الله حمد الحربي",
        "full_name_en": "Salem Abdullah Hamad Alharbi",
        "first_name_ar": "سالم",
        "family_name_ar": "الحربي",
        "mobile": "+966501234567",
        "email": "salem@example.sa",
        "date_of_birth": "1990-04-15",
        "date_of_birth_hijri": "1410-09-20",
        "nationality": "سعودي",
        "gender": "male",
    }
    empty = identity_claims(User())
    assert set(empty) == set(PREFILL_SOURCES) and empty["full_name_ar"] is None


def test_oidc_claims_mapping() -> None:
    claims = from_oidc(
        {
            "nationalId": "٢٢٣٤٥٦٧٨٩٥",
            "arabicName": "أحمد محمود حسن المصري",
            "given_name": "Ahmed",
            "family_name": "Elmasry",
            "dobHijri": "1405/11/02",
            "gender": "M",
            "mobile": "0551234568",
            "nationality": "مصري",
        }
    )
    assert claims == Claims(
        national_id="2234567895",
        name_ar="أحمد محمود حسن المصري",
        name_en="Ahmed Elmasry",
        date_of_birth=dt.date(1985, 7, 19),  # 2 Dhu al-Qadah 1405
        nationality="مصري",
        gender="male",
        mobile="+966551234568",
    )
    assert from_oidc({"national_id": "1000000008", "phone_number": "+201001234567"}).mobile is None
    with pytest.raises(ClaimsError):
        from_oidc({"national_id": "1000000009"})
    with pytest.raises(ClaimsError):
        from_oidc({"sub": "x"})


# --- personas ---------------------------------------------------------------------------
def test_personas_are_complete_and_valid(app: Flask) -> None:
    registry = app.extensions["khidma.registry"]
    found = personas(registry)
    agencies = {d.agency.id for d in registry.services()}
    assert {p.agency_id for p in found if p.role is Role.STAFF} == agencies
    roles = {p.role for p in found}
    assert roles == {Role.CITIZEN, Role.STAFF, Role.AUDITOR, Role.ADMIN}
    assert any(p.claims.national_id.startswith("2") for p in found)  # a resident
    assert len({p.key for p in found}) == len(found)
    assert len({p.claims.national_id for p in found}) == len(found)
    assert len({p.username for p in found}) == len(found)
    for p in found:
        c = p.claims
        assert national_id_problem(c.national_id) is None, p.key
        assert c.mobile and normalise_saudi_mobile(c.mobile) == c.mobile, p.key
        assert len(split_arabic_name(c.name_ar)) == 4, p.key
        assert c.name_en and c.email and c.nationality and c.gender in ("male", "female")
        assert c.date_of_birth is not None
        user = User(
            national_id=c.national_id,
            name_ar=c.name_ar,
            date_of_birth=c.date_of_birth,
            source=UserSource.SSO,
        )
        assert identity_claims(user)["date_of_birth_hijri"], p.key


# --- limits -----------------------------------------------------------------------------
def test_limits_parse_and_count(app: Flask) -> None:
    throttle: Throttle = app.extensions["khidma.throttle"]
    assert set(throttle.items) == set(DEFAULT_LIMITS)
    with app.test_request_context():
        for _ in range(3):
            assert throttle.hit("code_send.mobile", "+966501234567") is None
        retry = throttle.hit("code_send.mobile", "+966501234567")
        assert retry is not None
        assert (
            dt.timedelta(minutes=14)
            < retry - dt.datetime.now(dt.UTC)
            <= dt.timedelta(minutes=15, seconds=1)
        )
        assert throttle.check("code_send.mobile", "+966551234568") is None


# --- prefill ----------------------------------------------------------------------------
@pytest.mark.parametrize("service_id", ["emirate_visit", "mumaris_renewal", "mawid", "traffic"])
def test_every_persona_prefills_every_seed_service(app: Flask, service_id: str) -> None:
    """The claims are values the seed services' fields accept: nothing a field asks the
    identity for is dropped as invalid (a four-part name, a Saudi mobile, male/female…)."""
    from khidma.engine.prefill import prefill_answers

    registry = app.extensions["khidma.registry"]
    definition = registry.get(service_id)
    wanted = {f.id: f.prefill for step in definition.steps for f in step.fields if f.prefill}
    assert wanted
    for persona in personas(registry):
        user = User(national_id=persona.claims.national_id, source=UserSource.SSO)
        apply_claims(user, persona.claims)
        answers = prefill_answers(definition, identity_claims(user), today=dt.date(2025, 3, 1))
        assert set(answers) == set(wanted), (persona.key, set(wanted) - set(answers))
