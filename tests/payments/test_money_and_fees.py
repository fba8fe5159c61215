"""Amounts in halalas, their display, and fees worked out from the answers (pure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from khidma.definitions.loader import load
from khidma.definitions.model import Fees
from khidma.definitions.model import ServiceDefinition
from khidma.expressions import compile as compile_expression
from khidma.payments.fees import FeeError
from khidma.payments.fees import as_snapshot
from khidma.payments.fees import from_snapshot
from khidma.payments.fees import quote
from khidma.payments.money import MoneyError
from khidma.payments.money import format_money
from khidma.payments.money import halalas
from khidma.payments.money import parse_amount
from khidma.payments.states import State
from khidma.payments.states import may_follow

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2025, 3, 1)


def _service(path: Path) -> ServiceDefinition:
    result = load([path])
    assert not result.problems, [str(p) for p in result.problems]
    (definition,) = [d for d in result.services]
    return definition


@pytest.fixture(scope="module")
def building() -> ServiceDefinition:
    return _service(FIXTURES / "building_fee.yaml")


@pytest.mark.parametrize(
    ("sar", "expected"),
    [
        (300, 30000),
        (300.0, 30000),
        (0.1 + 0.2, 30),  # 0.30000000000000004
        (12.345, 1235),  # half up
        (2.675, 268),  # the float is 2.67499…; its shortest text is 2.675
        (12.344, 1234),
        (Decimal("1.005"), 101),
        (0, 0),
        (1_000_000, 100_000_000),
    ],
)
def test_halalas_rounds_half_up_to_the_halala(sar: object, expected: int) -> None:
    assert halalas(sar) == expected


@pytest.mark.parametrize(
    ("sar", "code"),
    [
        (-1, "negative"),
        (float("nan"), "invalid"),
        (float("inf"), "invalid"),
        (True, "invalid"),
        ("300", "invalid"),
        (1_000_000.01, "too_large"),
    ],
)
def test_halalas_refuses_what_is_not_an_amount(sar: object, code: str) -> None:
    with pytest.raises(MoneyError) as caught:
        halalas(sar)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("amount", "lang", "text"),
    [
        (123450, "en", "SAR 1234.50"),  # grouped from five digits, as every number
        (123450, "ar", "1234.50 ر.س"),  # Western digits in Arabic too
        (1234500, "en", "SAR 12,345.00"),
        (30000, "en", "SAR 300.00"),
        (5, "en", "SAR 0.05"),
        (100_000_000, "ar", "1,000,000.00 ر.س"),
    ],
)
def test_format_money_in_both_languages(amount: int, lang: str, text: str) -> None:
    assert format_money(amount, lang) == text


def test_format_money_without_the_currency() -> None:
    assert format_money(30000, "ar", currency=False) == "300.00"
    assert format_money(30000, "en", currency=False) == "300.00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("150", 15000),
        ("150.5", 15050),
        ("1,234.50", 123450),
        ("١٥٠٫٥٠", 15050),
        (" SAR 20 ", 2000),
        ("٣٠٠", 30000),
        ("0.01", 1),
    ],
)
def test_parse_amount(text: str, expected: int) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "invalid"),
        ("abc", "invalid"),
        ("1.2.3", "invalid"),
        ("-5", "invalid"),
        ("1.234", "too_precise"),
        ("0", "zero"),
        ("0.00", "zero"),
        ("2000000", "too_large"),
    ],
)
def test_parse_amount_refuses(text: str, code: str) -> None:
    with pytest.raises(MoneyError) as caught:
        parse_amount(text)
    assert caught.value.code == code


# --------------------------------------------------------------------------- fees


def test_a_fixed_fee(building: ServiceDefinition) -> None:
    mumaris = _service(ROOT / "services.d" / "mumaris_renewal.yaml")
    fee = quote(mumaris, {}, today=TODAY)
    assert fee is not None
    assert (fee.amount, fee.kind, fee.rule, fee.payable) == (
        30000,
        "fixed",
        "300",
        "after_approval",
    )
    assert fee.methods == ("sadad", "card", "bank_account")
    assert fee.definition_hash == mumaris.hash


def test_a_free_service_has_no_fee(building: ServiceDefinition) -> None:
    assert quote(replace(building, fees=Fees()), {}, today=TODAY) is None


@pytest.mark.parametrize(
    ("answers", "halalas_due"),
    [
        # 150 + 100 × 2.35 = 385
        ({"built_area": 100, "usage": "residential", "district": "north"}, 38500),
        # (150 + 100 × 2.35 + 100.5) × 2 = 971
        ({"built_area": 100, "usage": "commercial", "district": "centre"}, 97100),
        # 150 + 10.01 × 2.35 = 173.5235 → 173.52
        ({"built_area": 10.01, "usage": "residential", "district": "north"}, 17352),
        # 150 + 0.5 × 2.35 + 100.5 = 251.675 → 251.68 (half up)
        ({"built_area": 0.5, "usage": "residential", "district": "centre"}, 25168),
    ],
)
def test_a_computed_fee_follows_the_answers(
    building: ServiceDefinition, answers: dict[str, object], halalas_due: int
) -> None:
    fee = quote(building, answers, today=TODAY)
    assert fee is not None
    assert fee.amount == halalas_due
    assert fee.kind == "computed"
    assert "built_area" in fee.rule
    assert fee.inputs["built_area"] == answers["built_area"]
    assert set(fee.inputs) == {"built_area", "usage", "district"}


def test_a_fee_that_cannot_be_computed_is_an_error(building: ServiceDefinition) -> None:
    with pytest.raises(FeeError) as caught:
        quote(building, {"usage": "residential", "district": "north"}, today=TODAY)
    assert caught.value.code == "expression"


def test_a_negative_or_non_numeric_fee_is_an_error(building: ServiceDefinition) -> None:
    negative = replace(building.fees, expression=compile_expression("-5.0"))
    with pytest.raises(FeeError) as caught:
        quote(replace(building, fees=negative), {}, today=TODAY)
    assert caught.value.code == "negative"
    text = replace(building.fees, expression=compile_expression('"free"'))
    with pytest.raises(FeeError) as caught:
        quote(replace(building, fees=text), {}, today=TODAY)
    assert caught.value.code == "not_a_number"


def test_the_snapshot_keeps_what_was_owed(building: ServiceDefinition) -> None:
    answers = {"built_area": 100, "usage": "commercial", "district": "centre"}
    fee = quote(building, answers, today=TODAY)
    assert fee is not None
    kept = as_snapshot(fee)
    # a later version of the service doubles the rate: the kept quote does not change
    dearer = replace(
        building,
        fees=replace(building.fees, expression=compile_expression("double(built_area) * 100.0")),
    )
    later = quote(dearer, answers, today=TODAY)
    assert later is not None and later.amount != fee.amount
    assert from_snapshot(kept) == fee


# --------------------------------------------------------------------------- states


@pytest.mark.parametrize(
    ("current", "new", "moves"),
    [
        (State.CREATED, State.STARTED, True),
        (State.STARTED, State.CREATED, False),  # late, out of order
        (State.SUBMITTED, State.STARTED, False),
        (State.CREATED, State.SUCCESS, True),
        (State.STARTED, State.FAILED, True),
        (State.FAILED, State.SUCCESS, True),  # a capture after a failure: paid
        (State.EXPIRED, State.SUCCESS, True),
        (State.CANCELLED, State.SUCCESS, True),
        (State.FAILED, State.CANCELLED, False),
        (State.SUCCESS, State.FAILED, False),  # nothing follows success
        (State.SUCCESS, State.SUCCESS, False),
        (State.SUBMITTED, State.SUBMITTED, False),
    ],
)
def test_which_state_may_follow(current: State, new: State, moves: bool) -> None:
    assert may_follow(current, new) is moves
