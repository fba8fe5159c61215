"""Payments: fee snapshots, payment attempts, provider events, refunds, refunders."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0002"

JSON_OBJECT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "payment_refunders",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("granted_by", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["granted_by"], ["users.id"], name=op.f("fk_payment_refunders_granted_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_payment_refunders_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_payment_refunders")),
    )
    op.create_table(
        "submission_fees",
        sa.Column("submission_id", BIG_ID, nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("definition_hash", sa.String(length=64), nullable=False),
        sa.Column("snapshot", JSON_OBJECT, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_submission_fees_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_submission_fees_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_submission_fees")),
    )
    op.create_table(
        "payments",
        sa.Column("id", BIG_ID, sa.Identity(always=False), nullable=False),
        sa.Column("submission_id", BIG_ID, nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "created",
                "started",
                "submitted",
                "success",
                "failed",
                "cancelled",
                "expired",
                "error",
                name="payment_state",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("finished", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("open_slot", sa.String(length=64), nullable=True),
        sa.Column("provider_id", sa.String(length=64), nullable=True),
        sa.Column("next_url", sa.Text(), nullable=True),
        sa.Column("bill_number", sa.String(length=32), nullable=True),
        sa.Column("biller_code", sa.String(length=16), nullable=True),
        sa.Column("bill_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failure_code", sa.String(length=32), nullable=True),
        sa.Column("failure_message", sa.String(length=255), nullable=True),
        sa.Column("refunded", sa.BigInteger(), nullable=False),
        sa.Column("duplicate", sa.Boolean(), nullable=False),
        sa.Column("notice_id", BIG_ID, nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "method IN ('card', 'bank_account', 'sadad')", name=op.f("ck_payments_method_known")
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payments_amount_positive")),
        sa.CheckConstraint(
            "refunded >= 0 AND refunded <= amount", name=op.f("ck_payments_refunded_within_amount")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_payments_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["outbox_messages.id"],
            name=op.f("fk_payments_notice_id_outbox_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_payments_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("open_slot", name=op.f("uq_payments_open_slot")),
        sa.UniqueConstraint("order_id", name=op.f("uq_payments_order_id")),
        sa.UniqueConstraint("provider_id", name=op.f("uq_payments_provider_id")),
        sa.UniqueConstraint(
            "submission_id", "attempt", name=op.f("uq_payments_submission_id_attempt")
        ),
        sa.UniqueConstraint("token", name=op.f("uq_payments_token")),
    )
    op.create_index(op.f("ix_payments_finished_updated_at"), "payments", ["finished", "updated_at"])
    op.create_index(
        op.f("ix_payments_submission_id_created_at"), "payments", ["submission_id", "created_at"]
    )

    op.create_table(
        "payment_events",
        sa.Column("id", BIG_ID, sa.Identity(always=False), nullable=False),
        sa.Column("payment_id", BIG_ID, nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("provider_event_id", sa.String(length=64), nullable=True),
        sa.Column("detail", JSON_OBJECT, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name=op.f("fk_payment_events_payment_id_payments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_events")),
        sa.UniqueConstraint("provider_event_id", name=op.f("uq_payment_events_provider_event_id")),
    )
    op.create_index(
        op.f("ix_payment_events_payment_id_received_at"),
        "payment_events",
        ["payment_id", "received_at"],
    )

    op.create_table(
        "refunds",
        sa.Column("id", BIG_ID, sa.Identity(always=False), nullable=False),
        sa.Column("payment_id", BIG_ID, nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("available_before", sa.BigInteger(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=40), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "success",
                "failed",
                name="refund_state",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("provider_refund_id", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_refunds_amount_positive")),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name=op.f("fk_refunds_payment_id_payments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["users.id"], name=op.f("fk_refunds_requested_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_refunds_idempotency_key")),
    )
    op.create_index(op.f("ix_refunds_payment_id"), "refunds", ["payment_id"])
    op.create_index(op.f("ix_refunds_state"), "refunds", ["state"])


def downgrade() -> None:
    op.drop_index(op.f("ix_refunds_state"), table_name="refunds")
    op.drop_index(op.f("ix_refunds_payment_id"), table_name="refunds")

    op.drop_table("refunds")
    op.drop_index(op.f("ix_payment_events_payment_id_received_at"), table_name="payment_events")

    op.drop_table("payment_events")
    op.drop_index(op.f("ix_payments_submission_id_created_at"), table_name="payments")
    op.drop_index(op.f("ix_payments_finished_updated_at"), table_name="payments")

    op.drop_table("payments")
    op.drop_table("submission_fees")
    op.drop_table("payment_refunders")
