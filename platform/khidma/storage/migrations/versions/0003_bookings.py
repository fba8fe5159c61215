"""Appointments: slots with their places, holds, bookings, the per-person count."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0006"

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "booking_people",
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("person", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Integer(), nullable=False),
        sa.CheckConstraint("active >= 0", name=op.f("ck_booking_people_active_not_negative")),
        sa.PrimaryKeyConstraint("service_id", "person", name=op.f("pk_booking_people")),
    )
    op.create_table(
        "booking_slots",
        sa.Column("id", BIG_ID, sa.Identity(always=False), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("resource", sa.String(length=100), nullable=False),
        sa.Column("offered", sa.String(length=100), nullable=False),
        sa.Column("slot", sa.String(length=16), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "taken >= 0 AND taken <= capacity", name=op.f("ck_booking_slots_taken_within_capacity")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_slots")),
        sa.UniqueConstraint(
            "service_id",
            "resource",
            "offered",
            "slot",
            name=op.f("uq_booking_slots_service_id_resource_offered_slot"),
        ),
    )
    op.create_table(
        "booking_holds",
        sa.Column("id", BIG_ID, sa.Identity(always=False), nullable=False),
        sa.Column("slot_id", BIG_ID, nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["booking_slots.id"],
            name=op.f("fk_booking_holds_slot_id_booking_slots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_holds")),
        sa.UniqueConstraint("owner", name=op.f("uq_booking_holds_owner")),
        sa.UniqueConstraint("token", name=op.f("uq_booking_holds_token")),
    )
    op.create_index(
        op.f("ix_booking_holds_slot_id_expires_at"),
        "booking_holds",
        ["slot_id", "expires_at"],
        unique=False,
    )
    op.create_table(
        "bookings",
        sa.Column("id", BIG_ID, sa.Identity(always=False), nullable=False),
        sa.Column("slot_id", BIG_ID, nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("person", sa.String(length=64), nullable=False),
        sa.Column("slot", sa.String(length=16), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("submission_id", BIG_ID, nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "active",
                "cancelled",
                "moved",
                "attended",
                "no_show",
                name="booking_state",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("moved_from_id", BIG_ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["moved_from_id"], ["bookings.id"], name=op.f("fk_bookings_moved_from_id_bookings")
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"], ["booking_slots.id"], name=op.f("fk_bookings_slot_id_booking_slots")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_bookings_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_bookings_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
        sa.UniqueConstraint("token", name=op.f("uq_bookings_token")),
    )
    op.create_index(
        op.f("ix_bookings_service_id_person_counted"),
        "bookings",
        ["service_id", "person", "counted"],
        unique=False,
    )
    op.create_index(
        op.f("ix_bookings_slot_id_state"), "bookings", ["slot_id", "state"], unique=False
    )
    op.create_index(
        op.f("ix_bookings_user_id_starts_at"), "bookings", ["user_id", "starts_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_bookings_user_id_starts_at"), table_name="bookings")
    op.drop_index(op.f("ix_bookings_slot_id_state"), table_name="bookings")
    op.drop_index(op.f("ix_bookings_service_id_person_counted"), table_name="bookings")
    op.drop_table("bookings")
    op.drop_index(op.f("ix_booking_holds_slot_id_expires_at"), table_name="booking_holds")
    op.drop_table("booking_holds")
    op.drop_table("booking_slots")
    op.drop_table("booking_people")
