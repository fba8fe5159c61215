"""The workflow rules of `khidma.engine.workflow`, on the emirate_visit YAML as shipped."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from khidma.definitions.loader import load
from khidma.definitions.model import ServiceDefinition
from khidma.engine.workflow import Refusal
from khidma.engine.workflow import check_transition
from khidma.engine.workflow import conditions_on
from khidma.engine.workflow import due_date
from khidma.engine.workflow import extend_due
from khidma.engine.workflow import is_final
from khidma.engine.workflow import is_working_day
from khidma.engine.workflow import status_events
from khidma.engine.workflow import transitions_for
from khidma.engine.workflow import waiting_for
from khidma.engine.workflow import working_days_between

SERVICES = Path(__file__).resolve().parents[2] / "services.d"
D = dt.date


@pytest.fixture(scope="module")
def emirate() -> ServiceDefinition:
    result = load([SERVICES])
    assert result.problems == []
    return next(d for d in result.services if d.id == "emirate_visit")


@pytest.mark.parametrize(
    ("status", "role", "targets"),
    [
        ("submitted", "staff", ["in_progress", "needs_info", "approved", "rejected"]),
        ("in_progress", "staff", ["needs_info", "approved", "rejected"]),
        ("needs_info", "staff", ["rejected", "closed"]),
        ("needs_info", "citizen", ["in_progress", "withdrawn"]),
        ("submitted", "citizen", ["withdrawn"]),
        ("approved", "staff", ["closed"]),
        ("approved", "system", ["closed"]),
        ("rejected", "staff", []),  # final
        ("withdrawn", "citizen", []),
        ("submitted", "auditor", []),  # not a workflow role
        ("no_such_status", "staff", []),
    ],
)
def test_transitions_a_role_may_make(
    emirate: ServiceDefinition, status: str, role: str, targets: list[str]
) -> None:
    assert [t.to for t in transitions_for(emirate.workflow, status, role)] == targets


@pytest.mark.parametrize(
    ("status", "role", "to", "note", "refusal"),
    [
        ("submitted", "staff", "in_progress", None, None),
        ("submitted", "staff", "approved", "الموعد الأحد ١٠ صباحاً", None),
        ("submitted", "staff", "approved", None, Refusal.NOTE_REQUIRED),
        ("submitted", "staff", "approved", "   ", Refusal.NOTE_REQUIRED),
        ("submitted", "citizen", "approved", "x", Refusal.NOT_ALLOWED),  # a forged post
        ("needs_info", "staff", "in_progress", None, Refusal.NOT_ALLOWED),  # citizen's move
        ("needs_info", "citizen", "in_progress", None, None),
        ("rejected", "staff", "in_progress", None, Refusal.NOT_ALLOWED),
        ("submitted", "staff", "nowhere", None, Refusal.NOT_ALLOWED),
        ("gone", "staff", "in_progress", None, Refusal.UNKNOWN_STATUS),
    ],
)
def test_check_transition(
    emirate: ServiceDefinition,
    status: str,
    role: str,
    to: str,
    note: str | None,
    refusal: Refusal | None,
) -> None:
    verdict = check_transition(emirate.workflow, status, role, to, note)
    assert verdict.refusal == refusal
    assert verdict.ok == (refusal is None)
    if verdict.ok:
        assert verdict.transition is not None and verdict.transition.to == to


@pytest.fixture(scope="module")
def mumaris() -> ServiceDefinition:
    result = load([SERVICES])
    return next(d for d in result.services if d.id == "mumaris_renewal")


@pytest.mark.parametrize(
    ("delivery", "offered", "refused"),
    [
        ("post", ["card_posted"], "card_collected"),
        ("branch", ["card_collected"], "card_posted"),
        (None, [], "card_posted"),  # not answered: neither condition holds
    ],
)
def test_a_transition_is_offered_only_when_its_condition_holds(
    mumaris: ServiceDefinition, delivery: str | None, offered: list[str], refused: str
) -> None:
    answers = {"card_delivery": delivery} if delivery else {}
    applies = conditions_on(mumaris, answers, today=D(2026, 12, 2))
    workflow = mumaris.workflow
    assert [t.to for t in transitions_for(workflow, "card_issued", "staff", applies)] == offered
    assert check_transition(workflow, "card_issued", "staff", refused, None, applies).refusal == (
        Refusal.NOT_ALLOWED
    )
    for to in offered:
        assert check_transition(workflow, "card_issued", "staff", to, None, applies).ok


def test_a_workflow_without_conditions_evaluates_nothing(emirate: ServiceDefinition) -> None:
    # the answers are not even looked at: no transition of emirate_visit has a `when`
    applies = conditions_on(emirate, None, today=D(2026, 12, 2))  # type: ignore[arg-type]
    assert len(transitions_for(emirate.workflow, "submitted", "staff", applies)) == 4


@pytest.mark.parametrize(
    ("status", "waits", "final"),
    [
        ("submitted", "staff", False),
        ("needs_info", "citizen", False),
        ("approved", None, False),
        ("rejected", None, True),
        ("unknown", None, False),
    ],
)
def test_whose_turn(
    emirate: ServiceDefinition, status: str, waits: str | None, final: bool
) -> None:
    assert waiting_for(emirate.workflow, status) == waits
    assert is_final(emirate.workflow, status) is final


def test_status_events() -> None:
    assert status_events("approved") == ("status:approved", "status_changed")


# 2026-11-26 is a Thursday, 11-27 Friday, 11-28 Saturday, 11-29 Sunday.
@pytest.mark.parametrize(
    ("day", "closed", "working"),
    [
        (D(2026, 11, 26), (), True),
        (D(2026, 11, 27), (), False),
        (D(2026, 11, 28), (), False),
        (D(2026, 11, 29), (), True),
        (D(2026, 11, 29), (D(2026, 11, 29),), False),
    ],
)
def test_working_days(day: dt.date, closed: tuple[dt.date, ...], working: bool) -> None:
    assert is_working_day(day, closed) is working


CLOSED = (D(2026, 12, 1),)  # a Tuesday the service is closed


@pytest.mark.parametrize(
    ("submitted", "sla", "closed", "pauses", "due"),
    [
        # Monday + 3 working days: Thursday
        (D(2026, 11, 23), 3, (), (), D(2026, 11, 26)),
        # Wednesday + 3 across the weekend: Thu, Sun, Mon
        (D(2026, 11, 25), 3, (), (), D(2026, 11, 30)),
        # submitted on a Friday: Sun, Mon
        (D(2026, 11, 27), 2, (), (), D(2026, 11, 30)),
        # across the weekend and a closed Tuesday: Thu, Sun, Mon, (Tue closed) Wed
        (D(2026, 11, 25), 4, CLOSED, (), D(2026, 12, 2)),
        # the same with a pause: asked Thursday, answered Sunday (Sunday is the citizen's)
        (D(2026, 11, 25), 4, CLOSED, [(D(2026, 11, 26), D(2026, 11, 29))], D(2026, 12, 3)),
        # the seed service's 7 days from Monday 23 November: to Wednesday 2 December
        (D(2026, 11, 23), 7, (), (), D(2026, 12, 2)),
        (D(2026, 11, 23), 0, (), (), D(2026, 11, 23)),
    ],
)
def test_due_date(
    submitted: dt.date,
    sla: int,
    closed: tuple[dt.date, ...],
    pauses: list[tuple[dt.date, dt.date]],
    due: dt.date,
) -> None:
    assert due_date(submitted, sla, closed, pauses) == due


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (D(2026, 11, 26), D(2026, 11, 29), 1),  # Thu → Sun: Sunday only
        (D(2026, 11, 26), D(2026, 11, 26), 0),
        (D(2026, 11, 29), D(2026, 11, 26), 0),
        (D(2026, 11, 29), D(2026, 12, 3), 3),  # Mon, (Tue closed), Wed, Thu
    ],
)
def test_working_days_between(start: dt.date, end: dt.date, days: int) -> None:
    assert working_days_between(start, end, CLOSED) == days


@pytest.mark.parametrize(
    ("submitted", "sla", "pause"),
    [
        (D(2026, 11, 25), 4, (D(2026, 11, 26), D(2026, 11, 29))),
        (D(2026, 11, 23), 7, (D(2026, 11, 24), D(2026, 12, 8))),  # a pause past the due date
        (D(2026, 11, 23), 3, (D(2026, 11, 23), D(2026, 11, 24))),  # asked on submission day
    ],
)
def test_extend_due_agrees_with_due_date(
    submitted: dt.date, sla: int, pause: tuple[dt.date, dt.date]
) -> None:
    stored = due_date(submitted, sla, CLOSED)
    assert extend_due(stored, *pause, CLOSED) == due_date(submitted, sla, CLOSED, [pause])


def test_a_late_request_stays_late_while_it_waits() -> None:
    due = D(2026, 11, 26)
    assert extend_due(due, D(2026, 11, 30), D(2026, 12, 3)) == due
