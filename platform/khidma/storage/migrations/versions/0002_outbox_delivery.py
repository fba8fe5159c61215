"""Outbox delivery: an HTML body for e-mails, when a message was given up, the gateway's id."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.add_column(sa.Column("html_body", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("given_up_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("gateway_ref", sa.String(length=128), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_messages_given_up_at"), ["given_up_at"])
    # Rows given up before this revision (neither sent nor due) get a date, so "given up"
    # is one indexed column from now on; their creation time is the best one known.
    op.execute(
        "UPDATE outbox_messages SET given_up_at = created_at "
        "WHERE sent_at IS NULL AND next_attempt_at IS NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_messages_given_up_at"))
        batch_op.drop_column("gateway_ref")
        batch_op.drop_column("given_up_at")
        batch_op.drop_column("html_body")
