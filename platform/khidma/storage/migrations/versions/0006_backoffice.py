"""The back office: a request's version, holder, SLA due day and pause; requested
documents on messages; reply files; supervisors.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0004"

JSON_OBJECT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("is_supervisor", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("assigned_to", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            op.f("fk_submissions_assigned_to_users"), "users", ["assigned_to"], ["id"]
        )
        batch.create_index(op.f("ix_submissions_assigned_to"), ["assigned_to"])
        batch.create_index(op.f("ix_submissions_due_on"), ["due_on"])
        batch.create_index(op.f("ix_submissions_submitted_at_id"), ["submitted_at", "id"])
    with op.batch_alter_table("messages") as batch:
        batch.add_column(
            sa.Column("documents", JSON_OBJECT, nullable=False, server_default=sa.text("'[]'"))
        )
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("message_id", BIG_ID, nullable=True))
        batch.create_foreign_key(
            op.f("fk_attachments_message_id_messages"),
            "messages",
            ["message_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.drop_constraint(op.f("fk_attachments_message_id_messages"), type_="foreignkey")
        batch.drop_column("message_id")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("documents")
    with op.batch_alter_table("submissions") as batch:
        batch.drop_index(op.f("ix_submissions_submitted_at_id"))
        batch.drop_index(op.f("ix_submissions_due_on"))
        batch.drop_index(op.f("ix_submissions_assigned_to"))
        batch.drop_constraint(op.f("fk_submissions_assigned_to_users"), type_="foreignkey")
        batch.drop_column("paused_at")
        batch.drop_column("due_on")
        batch.drop_column("assigned_to")
        batch.drop_column("version")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("is_supervisor")
