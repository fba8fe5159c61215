"""Values that come from the applicant's identity or the definition, not from typing.

A field with `prefill` starts with the identity's claim (`national_id`, `full_name_ar`,
`mobile`, `date_of_birth`, …: `khidma.fields.PREFILL_SOURCES`); a field with `default`
starts with it. A *locked* field — `readonly`, or any `hidden` field — keeps
that value whatever is posted: `locked_value` is the one place that says which value that
is, used both while the wizard is filled and at submit time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from khidma.definitions.model import Field
from khidma.definitions.model import ServiceDefinition
from khidma.engine.errors import InvalidValue
from khidma.engine.values import is_empty
from khidma.engine.values import normalise

__all__ = ["initial_answers", "is_locked", "locked_value", "prefill_answers", "prefill_value"]

Identity = Mapping[str, Any]


def is_locked(field: Field) -> bool:
    """True when the applicant cannot change the field's value: it is `readonly`, or it is
    a `hidden` field (a constant `default` or an identity claim the applicant never sees,
    so nothing they post may change it)."""
    return field.readonly or field.type.always_locked


def _claim(field: Field, identity: Identity) -> Any:
    claim = identity.get(field.prefill or "")
    if isinstance(claim, dt.date):
        return claim.isoformat()
    return field.type.from_claim(field, claim)


def _normalised(field: Field, raw: Any, today: dt.date | None) -> Any:
    if today is None:
        # No date to check bounds against: a prefilled fact is taken as it is.
        settings = {k: v for k, v in field.settings.items() if k not in ("min", "max")}
        field = dataclasses.replace(field, settings=MappingProxyType(settings))
    try:
        return normalise(field, raw, today=today or dt.date(2000, 1, 1))
    except InvalidValue:
        return None


def prefill_value(field: Field, identity: Identity | None, *, today: dt.date | None = None) -> Any:
    """The field's value from `identity`, normalised for the field's type; None when the
    field has no `prefill`, the identity lacks the claim, or the claim is not a valid value
    (an identity mobile that is not Saudi is not prefilled, for instance)."""
    if field.prefill is None or identity is None:
        return None
    value = _normalised(field, _claim(field, identity), today)
    return None if is_empty(value) else value


def default_value(field: Field, *, today: dt.date | None = None) -> Any:
    """The field's `default`, normalised; None when it has none."""
    if field.default is None:
        return None
    value = _normalised(field, field.default, today)
    return None if is_empty(value) else value


def prefill_answers(
    definition: ServiceDefinition, identity: Identity | None, *, today: dt.date | None = None
) -> dict[str, Any]:
    """Field id → prefilled value, for every top-level field with `prefill` whose claim the
    identity holds (and that is a valid value for the field)."""
    answers: dict[str, Any] = {}
    for step in definition.steps:
        for field in step.fields:
            value = prefill_value(field, identity, today=today)
            if value is not None:
                answers[field.id] = value
    return answers


def initial_answers(
    definition: ServiceDefinition, identity: Identity | None = None, *, today: dt.date | None = None
) -> dict[str, Any]:
    """The answers a new draft starts with: defaults, then prefills over them."""
    answers: dict[str, Any] = {}
    for step in definition.steps:
        for field in step.fields:
            value = default_value(field, today=today)
            if value is not None:
                answers[field.id] = value
    answers.update(prefill_answers(definition, identity, today=today))
    return answers


def locked_value(
    field: Field, answer: Any, identity: Identity | None, *, today: dt.date | None = None
) -> Any:
    """The value a locked field holds, whatever was posted. A prefilled field holds the
    identity's claim when an identity is given (with none, e.g. staff viewing a stored
    request, the stored `answer` stands); without a claim, or without `prefill`, the field
    holds its default (None when it has none)."""
    if field.prefill is not None:
        if identity is None:
            return answer
        value = prefill_value(field, identity, today=today)
        if value is not None:
            return value
    return default_value(field, today=today)
