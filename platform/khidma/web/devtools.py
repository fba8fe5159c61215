"""Development tools: the notifications the platform has queued and "sent", newest first.

Only in development mode (`DEV`): elsewhere the page does not exist (404), whatever the
access table says. The page reads the outbox rows themselves, so it shows what the
worker did with each (sent, waiting, given up; attempts; last error) whichever gateway
delivered it: the development gateways of `khidma run`, or real ones.
"""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import render_template
from sqlalchemy import select

from khidma.storage.models import OutboxMessage
from khidma.storage.outbox import state_of
from khidma.storage.outbox_health import health
from khidma.web.context import database

bp = Blueprint("devtools", __name__, url_prefix="/dev")

SHOWN = 200


@bp.get("/outbox")
def outbox() -> str:
    if not current_app.config.get("DEV"):
        abort(404)
    with database().session() as session:
        messages = list(
            session.scalars(
                select(OutboxMessage)
                .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
                .limit(SHOWN)
            )
        )
    return render_template(
        "devtools/outbox.html",
        messages=[(m, state_of(m).value) for m in messages],
        health=health(database()),
        shown=SHOWN,
    )
