"""Requests per (service, status) kept in a table, for the staff queue's counts (see
`khidma.storage.counts`), and the queue's page indexes per service and status.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"


def upgrade() -> None:
    op.create_table(
        "status_counts",
        sa.Column("service_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(64), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("service_id", "status", name=op.f("pk_status_counts")),
    )
    # The requests already there. Deployments migrate before the servers start
    # (`khidma db upgrade`), so no request moves while this runs.
    op.execute(
        "INSERT INTO status_counts (service_id, status, n) "
        "SELECT service_id, status, count(*) FROM submissions GROUP BY service_id, status"
    )

    # The queue's pages of one service, and of one service in one status, read along an
    # index of their own instead of filtering the (submitted_at, id) index of all
    # services. The (service_id, status) index is the second one's prefix.
    op.create_index(
        op.f("ix_submissions_service_id_submitted_at_id"),
        "submissions",
        ["service_id", "submitted_at", "id"],
    )
    op.create_index(
        op.f("ix_submissions_service_id_status_submitted_at_id"),
        "submissions",
        ["service_id", "status", "submitted_at", "id"],
    )
    op.drop_index("ix_submissions_service_id_status", table_name="submissions")


def downgrade() -> None:
    op.create_index(
        op.f("ix_submissions_service_id_status"), "submissions", ["service_id", "status"]
    )
    op.drop_index("ix_submissions_service_id_status_submitted_at_id", table_name="submissions")
    op.drop_index("ix_submissions_service_id_submitted_at_id", table_name="submissions")
    op.drop_table("status_counts")
