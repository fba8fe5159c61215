"""What officials do, written to the chained audit log (`khidma.storage.audit`).

`record(action, object_type, object_id, session=…, **details)` appends one entry for the
signed-in user: in `session` when the action writes (so the entry and the action commit
together, or neither does), else in a short write session of its own (a view, a
download). The client's address goes with it.
"""

from __future__ import annotations

from typing import Any

from flask import g
from flask import has_request_context
from flask import request
from sqlalchemy.orm import Session

from khidma.storage import audit
from khidma.web.context import database

__all__ = ["record"]


def record(
    action: str,
    object_type: str,
    object_id: str | int,
    *,
    session: Session | None = None,
    actor: Any = None,
    **details: Any,
) -> None:
    who = actor if actor is not None else getattr(g, "user", None)
    if has_request_context():
        details = {**details, "ip": request.remote_addr}
    if session is not None:
        audit.append(
            session,
            actor=who,
            action=action,
            object_type=object_type,
            object_id=object_id,
            details=details,
        )
        return
    with database().session(write=True) as own:
        audit.append(
            own,
            actor=who,
            action=action,
            object_type=object_type,
            object_id=object_id,
            details=details,
        )
