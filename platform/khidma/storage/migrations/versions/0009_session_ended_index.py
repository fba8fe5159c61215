"""The index for the question every signed-in request asks: has this session ended (a
password reset or an account claim since it began)? See `identity.accounts.ended_since`.
It replaces (user_id, created_at), which only the old form of that question read.
"""

from __future__ import annotations

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"


def upgrade() -> None:
    op.create_index(
        op.f("ix_audit_log_user_id_action_created_at"),
        "audit_log",
        ["user_id", "action", "created_at"],
    )
    op.drop_index("ix_audit_log_user_id_created_at", table_name="audit_log")


def downgrade() -> None:
    op.create_index(op.f("ix_audit_log_user_id_created_at"), "audit_log", ["user_id", "created_at"])
    op.drop_index("ix_audit_log_user_id_action_created_at", table_name="audit_log")
