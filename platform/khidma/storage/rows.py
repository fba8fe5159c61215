"""Model instances read without the ORM's unit of work, for the few reads every request
makes (the signed-in user, the draft a wizard page shows).

An ORM `select(User)` costs about twice the same SELECT run on a Core connection: the
session's identity map, the loading machinery and the transaction bookkeeping, for an
object the request then only reads. `columns(Model)` is what to select; `detached(Model,
row)` is the instance a session would have loaded from that row and then closed — with
its identity key, nothing pending, attributes as committed — so code that reads it, or
later attaches it to a session with `add`, cannot tell the difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any
from typing import TypeVar
from typing import cast

from sqlalchemy import Column
from sqlalchemy import inspect
from sqlalchemy.orm import make_transient_to_detached

from khidma.storage.models import Base

M = TypeVar("M", bound=Base)


@cache
def _layout(model: type[Base]) -> tuple[tuple[str, ...], tuple[Column[Any], ...]]:
    attributes = inspect(model).column_attrs
    keys = tuple(a.key for a in attributes)
    return keys, tuple(a.columns[0] for a in attributes)  # type: ignore[misc]


def columns(model: type[Base]) -> tuple[Column[Any], ...]:
    """Every column of `model`, in the order `detached` reads a row."""
    return _layout(model)[1]


def detached(model: type[M], row: Sequence[Any]) -> M:
    """The `model` instance of `row` (a row of `columns(model)`, possibly followed by
    other values, which are ignored), as if loaded by a session that has since closed."""
    keys = _layout(model)[0]
    instance = cast(M, inspect(model).class_manager.new_instance())
    instance.__dict__.update(zip(keys, row, strict=False))
    make_transient_to_detached(instance)
    return instance
