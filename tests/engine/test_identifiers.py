"""National ID / iqama numbers, Saudi mobile numbers, and digits as people type them."""

from __future__ import annotations

import pytest

from khidma.engine.identifiers import IdentifierError
from khidma.engine.identifiers import format_saudi_mobile
from khidma.engine.identifiers import luhn_valid
from khidma.engine.identifiers import make_national_id
from khidma.engine.identifiers import national_id_problem
from khidma.engine.identifiers import normalise_digits
from khidma.engine.identifiers import normalise_saudi_mobile

CITIZEN = make_national_id("100000000")  # 1000000008
RESIDENT = make_national_id("212345678")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("رقم ١٢ و 34", "رقم 12 و 34"),
        ("abc", "abc"),
        ("", ""),
    ],
)
def test_normalise_digits(text: str, expected: str) -> None:
    assert normalise_digits(text) == expected


def test_make_national_id_gives_checksum_valid_ids() -> None:
    assert CITIZEN == "1000000008"
    for prefix in ("100000000", "123456789", "298765432", "111111111"):
        number = make_national_id(prefix)
        assert number.startswith(prefix) and len(number) == 10
        assert luhn_valid(number)
        assert national_id_problem(number) is None


@pytest.mark.parametrize("prefix", ["12345678", "1234567890", "12345678a", "١٢٣٤٥٦٧٨٩"])
def test_make_national_id_refuses_bad_prefixes(prefix: str) -> None:
    with pytest.raises(ValueError):
        make_national_id(prefix)


@pytest.mark.parametrize(
    ("text", "accept", "problem"),
    [
        (CITIZEN, ("citizen", "resident"), None),
        (RESIDENT, ("citizen", "resident"), None),
        ("١٠٠٠٠٠٠٠٠٨", ("citizen",), None),  # Eastern Arabic digits
        ("100 000 0008", ("citizen",), None),  # spaces as people group them
        ("1000-000-008", ("citizen",), None),
        ("100000000", ("citizen",), "national_id.length"),
        ("10000000080", ("citizen",), "national_id.length"),
        ("10000000a8", ("citizen",), "national_id.length"),
        ("", ("citizen",), "national_id.length"),
        ("3000000004", ("citizen", "resident"), "national_id.prefix"),
        ("0000000000", ("citizen", "resident"), "national_id.prefix"),
        (RESIDENT, ("citizen",), "national_id.not_accepted"),
        (CITIZEN, ("resident",), "national_id.not_accepted"),
        ("1000000007", ("citizen",), "national_id.checksum"),
        ("1000000080", ("citizen",), "national_id.checksum"),  # two digits swapped
    ],
)
def test_national_id_problem(text: str, accept: tuple[str, ...], problem: str | None) -> None:
    assert national_id_problem(text, accept) == problem


@pytest.mark.parametrize(
    "text",
    [
        "0501234567",
        "501234567",
        "+966501234567",
        "966501234567",
        "00966501234567",
        "+966 50 123 4567",
        "050-123-4567",
        "(050) 123-4567",
        "٠٥٠١٢٣٤٥٦٧",
        "+٩٦٦٥٠١٢٣٤٥٦٧",
        "۰۵۰۱۲۳۴۵۶۷",
        " 0501234567 ",
        "+966 (0)50 123 4567",
    ],
)
def test_every_common_spelling_of_a_saudi_mobile(text: str) -> None:
    assert normalise_saudi_mobile(text) == "+966501234567"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("0112345678", "mobile.invalid"),  # Riyadh landline
        ("+966112345678", "mobile.invalid"),
        ("050123456", "mobile.invalid"),  # a digit short
        ("05012345678", "mobile.invalid"),  # a digit too many
        ("12345", "mobile.invalid"),
        ("mobile", "mobile.invalid"),
        ("", "mobile.invalid"),
        ("+971501234567", "mobile.not_saudi"),  # UAE mobile
        ("00447911123456", "mobile.not_saudi"),  # UK mobile
    ],
)
def test_numbers_that_are_not_saudi_mobiles(text: str, code: str) -> None:
    for _ in range(2):  # the second time from the parsed numbers kept: refused alike
        with pytest.raises(IdentifierError) as caught:
            normalise_saudi_mobile(text)
        assert caught.value.code == code


def test_mobiles_are_shown_as_written_in_the_kingdom() -> None:
    assert format_saudi_mobile("+966501234567") == "050 123 4567"
    assert format_saudi_mobile("not a number") == "not a number"
