"""Initial schema: every table of the platform."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None

# JSON objects are JSONB on PostgreSQL; 64-bit keys are INTEGER (the rowid) on SQLite.
JSON_OBJECT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "definition_versions",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_definition_versions")),
        sa.UniqueConstraint(
            "service_id", "hash", name=op.f("uq_definition_versions_service_id_hash")
        ),
    )
    op.create_table(
        "reference_counters",
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("hijri_year", sa.SmallInteger(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("service_id", "hijri_year", name=op.f("pk_reference_counters")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("national_id", sa.String(length=10), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("name_ar", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("mobile", sa.String(length=16), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "citizen",
                "staff",
                "auditor",
                "admin",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("agency_id", sa.String(length=64), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("nationality", sa.String(length=64), nullable=True),
        sa.Column("gender", sa.String(length=16), nullable=True),
        sa.Column(
            "source",
            sa.Enum(
                "local", "sso", name="source", native_enum=False, create_constraint=True, length=16
            ),
            nullable=False,
        ),
        sa.CheckConstraint("mobile IS NULL OR mobile LIKE '+%'", name=op.f("ck_users_mobile_e164")),
        sa.CheckConstraint(
            "role <> 'staff' OR agency_id IS NOT NULL", name=op.f("ck_users_staff_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("national_id", name=op.f("uq_users_national_id")),
        sa.UniqueConstraint("token", name=op.f("uq_users_token")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_index(op.f("ix_users_mobile"), "users", ["mobile"])

    op.create_table(
        "audit_log",
        sa.Column("id", BIG_ID, sa.Identity(always=False), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=64), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_audit_log_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_created_at"), "audit_log", ["created_at"])
    op.create_index(
        op.f("ix_audit_log_object_type_object_id"), "audit_log", ["object_type", "object_id"]
    )
    op.create_index(op.f("ix_audit_log_user_id_created_at"), "audit_log", ["user_id", "created_at"])

    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("definition_hash", sa.String(length=64), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("answers", JSON_OBJECT, nullable=False),
        sa.Column("raw", JSON_OBJECT, nullable=False),
        sa.Column("current_step", sa.String(length=64), nullable=True),
        sa.Column("accepted_instructions_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("declarations", JSON_OBJECT, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id", "definition_hash"],
            ["definition_versions.service_id", "definition_versions.hash"],
            name=op.f("fk_drafts_service_id_definition_hash_definition_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_drafts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
        sa.UniqueConstraint("token", name=op.f("uq_drafts_token")),
    )
    op.create_index(op.f("ix_drafts_user_id_service_id"), "drafts", ["user_id", "service_id"])

    op.create_table(
        "submissions",
        sa.Column("id", BIG_ID, sa.Identity(always=False), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("definition_version", sa.String(length=64), nullable=False),
        sa.Column("definition_hash", sa.String(length=64), nullable=False),
        sa.Column("reference_seq", sa.Integer(), nullable=False),
        sa.Column("hijri_year", sa.SmallInteger(), nullable=False),
        sa.Column("reference", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=64), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("answers", JSON_OBJECT, nullable=False),
        sa.Column("declarations", JSON_OBJECT, nullable=False),
        sa.Column("applicant_name", sa.String(length=200), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "reference_seq >= 1", name=op.f("ck_submissions_reference_seq_positive")
        ),
        sa.ForeignKeyConstraint(
            ["service_id", "definition_hash"],
            ["definition_versions.service_id", "definition_versions.hash"],
            name=op.f("fk_submissions_service_id_definition_hash_definition_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_submissions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint(
            "service_id",
            "hijri_year",
            "reference_seq",
            name=op.f("uq_submissions_service_id_hijri_year_reference_seq"),
        ),
        sa.UniqueConstraint(
            "service_id", "reference", name=op.f("uq_submissions_service_id_reference")
        ),
        sa.UniqueConstraint("token", name=op.f("uq_submissions_token")),
    )
    op.create_index(
        op.f("ix_submissions_service_id_status"), "submissions", ["service_id", "status"]
    )
    op.create_index(
        op.f("ix_submissions_user_id_submitted_at"), "submissions", ["user_id", "submitted_at"]
    )

    op.create_table(
        "verification_codes",
        sa.Column("id", BIG_ID, sa.Identity(always=False), nullable=False),
        sa.Column("mobile", sa.String(length=16), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "signup",
                "reset",
                "login",
                name="purpose",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("code_hash", sa.String(length=255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_verification_codes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_codes")),
    )
    op.create_index(
        op.f("ix_verification_codes_mobile_purpose_created_at"),
        "verification_codes",
        ["mobile", "purpose", "created_at"],
    )

    op.create_table(
        "attachments",
        sa.Column("id", BIG_ID, sa.Identity(always=False), nullable=False),
        sa.Column("field_id", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=127), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("blob_key", sa.String(length=255), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("submission_id", BIG_ID, nullable=True),
        sa.Column("item_index", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("size >= 0", name=op.f("ck_attachments_size_not_negative")),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["drafts.id"],
            name=op.f("fk_attachments_draft_id_drafts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"], ["users.id"], name=op.f("fk_attachments_owner_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_attachments_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        sa.UniqueConstraint("token", name=op.f("uq_attachments_token")),
    )
    op.create_index(op.f("ix_attachments_blob_key"), "attachments", ["blob_key"])
    op.create_index(op.f("ix_attachments_draft_id"), "attachments", ["draft_id"])
    op.create_index(op.f("ix_attachments_submission_id"), "attachments", ["submission_id"])

    op.create_table(
        "messages",
        sa.Column("id", BIG_ID, sa.Identity(always=False), nullable=False),
        sa.Column("submission_id", BIG_ID, nullable=False),
        sa.Column("author_role", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("requests_documents", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_user_id"], ["users.id"], name=op.f("fk_messages_author_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_messages_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    op.create_index(
        op.f("ix_messages_submission_id_created_at"), "messages", ["submission_id", "created_at"]
    )

    op.create_table(
        "outbox_messages",
        sa.Column("id", BIG_ID, sa.Identity(always=False), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "sms", "email", name="channel", native_enum=False, create_constraint=True, length=16
            ),
            nullable=False,
        ),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=True),
        sa.Column("event", sa.String(length=64), nullable=True),
        sa.Column("submission_id", BIG_ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_outbox_messages_submission_id_submissions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    op.create_index(
        op.f("ix_outbox_messages_next_attempt_at"), "outbox_messages", ["next_attempt_at"]
    )
    op.create_index(op.f("ix_outbox_messages_submission_id"), "outbox_messages", ["submission_id"])

    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("stars", sa.SmallInteger(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("submission_id", BIG_ID, nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stars BETWEEN 1 AND 5", name=op.f("ck_ratings_stars_range")),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_ratings_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_ratings_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
        sa.UniqueConstraint("submission_id", name=op.f("uq_ratings_submission_id")),
    )
    op.create_index(
        op.f("ix_ratings_service_id_created_at"), "ratings", ["service_id", "created_at"]
    )

    op.create_table(
        "status_events",
        sa.Column("id", BIG_ID, sa.Identity(always=False), nullable=False),
        sa.Column("submission_id", BIG_ID, nullable=False),
        sa.Column("to_status", sa.String(length=64), nullable=False),
        sa.Column("actor_role", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=64), nullable=True),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name=op.f("fk_status_events_actor_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_status_events_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_events")),
    )
    op.create_index(
        op.f("ix_status_events_submission_id_created_at"),
        "status_events",
        ["submission_id", "created_at"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_status_events_submission_id_created_at"), table_name="status_events")

    op.drop_table("status_events")
    op.drop_index(op.f("ix_ratings_service_id_created_at"), table_name="ratings")

    op.drop_table("ratings")
    op.drop_index(op.f("ix_outbox_messages_submission_id"), table_name="outbox_messages")
    op.drop_index(op.f("ix_outbox_messages_next_attempt_at"), table_name="outbox_messages")

    op.drop_table("outbox_messages")
    op.drop_index(op.f("ix_messages_submission_id_created_at"), table_name="messages")

    op.drop_table("messages")
    op.drop_index(op.f("ix_attachments_submission_id"), table_name="attachments")
    op.drop_index(op.f("ix_attachments_draft_id"), table_name="attachments")
    op.drop_index(op.f("ix_attachments_blob_key"), table_name="attachments")

    op.drop_table("attachments")
    op.drop_index(
        op.f("ix_verification_codes_mobile_purpose_created_at"), table_name="verification_codes"
    )

    op.drop_table("verification_codes")
    op.drop_index(op.f("ix_submissions_user_id_submitted_at"), table_name="submissions")
    op.drop_index(op.f("ix_submissions_service_id_status"), table_name="submissions")

    op.drop_table("submissions")
    op.drop_index(op.f("ix_drafts_user_id_service_id"), table_name="drafts")

    op.drop_table("drafts")
    op.drop_index(op.f("ix_audit_log_user_id_created_at"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_object_type_object_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_created_at"), table_name="audit_log")

    op.drop_table("audit_log")
    op.drop_index(op.f("ix_users_mobile"), table_name="users")

    op.drop_table("users")
    op.drop_table("reference_counters")
    op.drop_table("definition_versions")
