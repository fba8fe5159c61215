"""The states of a payment and which may follow which.

Modelled on GOV.UK Pay: `created` → `started` (the payer is on the hosted page) →
`submitted` (details sent; for a SADAD bill: issued, waiting to be paid at the bank) →
one of the finished states `success`, `failed`, `cancelled`, `expired`, `error`.

Provider notifications arrive late, twice and out of order, so a status is applied only
when it moves the payment forward (`may_follow`): an unfinished state may move to a later
unfinished one or to any finished one; a finished state other than `success` may still
become `success` — a provider that reports a capture after a failure has taken the money
(Open Forms #5942: a CAPTURED webhook ignored because the payment was already "failed").
Nothing follows `success`: refunds are recorded beside the payment, not as its state.
"""

from __future__ import annotations

import enum

__all__ = ["FINISHED", "State", "may_follow"]


class State(enum.StrEnum):
    CREATED = "created"
    STARTED = "started"
    SUBMITTED = "submitted"
    SUCCESS = "success"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    ERROR = "error"

    @property
    def finished(self) -> bool:
        return self in FINISHED


FINISHED = frozenset({State.SUCCESS, State.FAILED, State.CANCELLED, State.EXPIRED, State.ERROR})
_ORDER = {State.CREATED: 0, State.STARTED: 1, State.SUBMITTED: 2}


def may_follow(current: State, new: State) -> bool:
    """Whether a payment in `current` takes the provider's `new` status."""
    if current == new or current is State.SUCCESS:
        return False
    if current in FINISHED:
        return new is State.SUCCESS
    if new in FINISHED:
        return True
    return _ORDER[new] > _ORDER[current]
