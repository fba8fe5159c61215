"""The request's life by the rules of its service's `workflow` block (pure: no I/O).

- Who may do what: `transitions_for` (the transitions a role may make from a status) and
  `check_transition` (one asked-for move, refused with a reason: not allowed from this
  status for this role, or a note the YAML requires is missing). A transition with a
  `when:` condition is offered only while it holds for the request's answers:
  `conditions_on` evaluates them (once, and only when some transition has a condition).
- Whose turn it is: `waiting_for` (staff, citizen, payment, … from the status).
- Which notifications a move sends: `status_events` (`status:<to>`, then `status_changed`).
- The SLA: `due_date` counts `sla_days` Saudi working days (Sunday–Thursday, not the
  service's closed dates) from the day after submission; the days the request waits for
  the citizen do not count (the clock is paused). `extend_due` moves a stored due date by
  the working days of one pause when it ends.

A pause from day `a` to day `b` (asked on `a`, answered on `b`) stops the clock on the
working days after `a` up to and including `b`: the day staff asked counts as theirs, the
day of the reply counts as the citizen's.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from khidma.definitions.model import ServiceDefinition
from khidma.definitions.model import Transition
from khidma.definitions.model import Workflow
from khidma.engine.conditions import Evaluator
from khidma.engine.evaluate import evaluate

__all__ = [
    "CITIZEN",
    "WEEKEND",
    "Refusal",
    "Verdict",
    "check_transition",
    "conditions_on",
    "due_date",
    "extend_due",
    "is_final",
    "is_working_day",
    "status_events",
    "transitions_for",
    "waiting_for",
    "working_days_between",
]

CITIZEN = "citizen"
# Python's weekday(): Monday 0 … Sunday 6. The Saudi weekend is Friday and Saturday.
WEEKEND = frozenset({4, 5})


class Refusal(enum.StrEnum):
    UNKNOWN_STATUS = "unknown_status"  # the request's status is not in this workflow
    NOT_ALLOWED = "not_allowed"  # no transition to there, from here, for this role
    NOTE_REQUIRED = "note_required"


@dataclass(frozen=True)
class Verdict:
    transition: Transition | None
    refusal: Refusal | None = None

    @property
    def ok(self) -> bool:
        return self.transition is not None


Applies = Callable[[Transition], bool]  # does a transition's `when` hold for this request?


def _always(_transition: Transition) -> bool:
    return True


def conditions_on(
    definition: ServiceDefinition, answers: Mapping[str, Any], *, today: dt.date
) -> Applies:
    """Whether each transition's `when` holds for a request with these (stored) answers.
    The answers are evaluated on the first conditional transition asked about, as every
    other expression sees them (hidden fields empty, computed values computed); a
    condition that cannot be evaluated does not hold (and is logged)."""
    if not any(t.when is not None for t in definition.workflow.transitions):
        return _always
    variables: dict[str, Any] | None = None
    evaluator = Evaluator(definition)

    def applies(transition: Transition) -> bool:
        nonlocal variables
        if transition.when is None:
            return True
        if variables is None:
            variables = dict(evaluate(definition, answers, today=today).variables)
        owner = f"transition:{transition.to}"
        return evaluator.condition(transition.when, variables, owner, "when", True)

    return applies


def transitions_for(
    workflow: Workflow, status: str, role: str, applies: Applies = _always
) -> tuple[Transition, ...]:
    """The transitions `role` may make from `status` whose condition holds (`applies`), in
    the YAML's order, one per target (the first declared wins when two lead to the same
    status)."""
    seen: set[str] = set()
    found: list[Transition] = []
    for t in workflow.allowed(status, role):
        if t.to not in seen and applies(t):
            seen.add(t.to)
            found.append(t)
    return tuple(found)


def check_transition(
    workflow: Workflow,
    status: str,
    role: str,
    to: str,
    note: str | None = None,
    applies: Applies = _always,
) -> Verdict:
    """May `role` move a request from `status` to `to` with this `note`?"""
    if workflow.status(status) is None:
        return Verdict(None, Refusal.UNKNOWN_STATUS)
    offered = transitions_for(workflow, status, role, applies)
    transition = next((t for t in offered if t.to == to), None)
    if transition is None:
        return Verdict(None, Refusal.NOT_ALLOWED)
    if transition.note_required and not (note or "").strip():
        return Verdict(None, Refusal.NOTE_REQUIRED)
    return Verdict(transition)


def waiting_for(workflow: Workflow, status: str) -> str | None:
    """Whose move it is in `status` (staff, citizen, payment, …); None for a final status
    or one that waits for nobody."""
    found = workflow.status(status)
    return found.waiting_for if found is not None else None


def is_final(workflow: Workflow, status: str) -> bool:
    found = workflow.status(status)
    return found is not None and found.final


def status_events(to: str) -> tuple[str, str]:
    """The notification events of a move into `to`, the specific one first."""
    return (f"status:{to}", "status_changed")


# --- the SLA ---------------------------------------------------------------------------
def is_working_day(day: dt.date, closed: Collection[dt.date] = ()) -> bool:
    return day.weekday() not in WEEKEND and day not in closed


def working_days_between(start: dt.date, end: dt.date, closed: Collection[dt.date] = ()) -> int:
    """The working days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, closed):
            count += 1
    return count


def due_date(
    submitted_on: dt.date,
    sla_days: int,
    closed: Collection[dt.date] = (),
    pauses: Iterable[tuple[dt.date, dt.date]] = (),
) -> dt.date:
    """The day by which the request must be decided: `sla_days` working days after
    `submitted_on`, not counting the working days of each (asked, answered) pause."""
    spans = tuple(pauses)
    day = submitted_on
    left = sla_days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, closed) and not any(a < day <= b for a, b in spans):
            left -= 1
    return day


def extend_due(
    due: dt.date, paused_on: dt.date, resumed_on: dt.date, closed: Collection[dt.date] = ()
) -> dt.date:
    """`due` moved on by the working days of a pause from `paused_on` to `resumed_on`
    (the same as `due_date` with that pause, when the pause starts before `due`)."""
    if paused_on >= due:
        return due  # the request was already late when it waited: the lateness stays
    lost = working_days_between(paused_on, min(resumed_on, due), closed)
    return due_date(due, lost, closed, [(paused_on, resumed_on)])
