"""Users: when the account's identity was verified (national SSO or the
identity-verification service); verification codes: when what a checked code allowed was
done (a password reset is single use, server-side).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0005"


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("identity_verified_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("verification_codes") as batch:
        batch.add_column(sa.Column("spent_at", sa.DateTime(timezone=True)))
    # Accounts the national SSO created were verified by it.
    op.execute("UPDATE users SET identity_verified_at = created_at WHERE source = 'sso'")


def downgrade() -> None:
    with op.batch_alter_table("verification_codes") as batch:
        batch.drop_column("spent_at")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("identity_verified_at")
