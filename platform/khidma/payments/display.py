"""A request's fee in its summary: the one place every output (review, request page,
PDF, e-mail, JSON export) gets the amount from.

`with_fee(summary, quote)` gives the summary carrying a `FeeLine` of `quote` in the
summary's language; a free service's summary is returned as it is.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from khidma import formatting
from khidma.definitions.model import ServiceDefinition
from khidma.engine.evaluate import State
from khidma.engine.prefill import Identity
from khidma.engine.summary import FeeLine
from khidma.engine.summary import Summary
from khidma.engine.summary import build_summary
from khidma.payments.fees import FeeError
from khidma.payments.fees import FeeQuote
from khidma.payments.fees import quote
from khidma.payments.money import format_money
from khidma.storage.models import Submission
from khidma.words import word

__all__ = ["fee_line", "quoted_fee", "submitted_summary", "with_fee"]

log = logging.getLogger("khidma.payments")


def fee_line(fee: FeeQuote, lang: str) -> FeeLine:
    rule = word("payments.fee_fixed" if fee.kind == "fixed" else "payments.fee_computed", lang)
    when = fee.payable
    when_text = word(f"card.payable_{when}", lang) if when else ""
    return FeeLine(
        amount=fee.amount,
        amount_text=format_money(fee.amount, lang),
        rule=rule,
        when=when,
        when_text=when_text,
        currency=fee.currency,
    )


def with_fee(summary: Summary, fee: FeeQuote | None) -> Summary:
    if fee is None or not fee.due:
        return summary
    return replace(summary, fee=fee_line(fee, summary.lang))


def submitted_summary(
    definition: ServiceDefinition, submission: Submission, lang: str, fee: FeeQuote | None
) -> Summary:
    """A submitted request's summary as of its submit day, with `fee` (the one kept at
    submit time): what its request page and its signed documents show."""
    summary = build_summary(
        definition,
        submission.answers,
        lang,
        declarations_accepted=submission.declarations,
        today=formatting.local_time(submission.submitted_at).date(),
    )
    return with_fee(summary, fee)


def quoted_fee(
    definition: ServiceDefinition,
    answers: Mapping[str, Any],
    *,
    today: dt.date,
    identity: Identity | None = None,
    state: State | None = None,
) -> FeeQuote | None:
    """The fee these answers would cost, for the review page; None when the service is
    free or the fee cannot be worked out yet (logged: submitting then says so)."""
    try:
        return quote(definition, answers, today=today, identity=identity, state=state)
    except FeeError as error:
        log.warning("fee of %s not worked out on review: %s (%s)", definition.id, error, error.code)
        return None
