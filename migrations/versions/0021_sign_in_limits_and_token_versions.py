"""sign-in failures for throttling, and a token version per user for revocation

Sign-in is limited per account and per address (issue 13, item 5): each refused attempt
is a `sign_in_failure` row, counted over the last 15 minutes by every process and pruned
after. API tokens carry the user's `token_version`; a password change, deactivation or
sign-out bumps it, so older tokens stop working. Existing users start at 0 (the server
default), so the previous release's inserts still succeed.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 14:00:00

A migration must still work with the previous release of the code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "user_account",
        sa.Column("token_version", sa.Integer(), server_default="0", nullable=False),
    )
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failure")),
    )
    op.create_index(op.f("ix_sign_in_failure_at"), "sign_in_failure", ["at"])
    op.create_index("ix_sign_in_failure_username_at", "sign_in_failure", ["username", "at"])
    op.create_index("ix_sign_in_failure_address_at", "sign_in_failure", ["address", "at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_failure_address_at", table_name="sign_in_failure")
    op.drop_index("ix_sign_in_failure_username_at", table_name="sign_in_failure")
    op.drop_index(op.f("ix_sign_in_failure_at"), table_name="sign_in_failure")
    op.drop_table("sign_in_failure")
    # Not batch mode: SQLite (3.35 and later) drops the column in place, where a batch
    # copy would drop and recreate `user_account`, which every instance references.
    op.drop_column("user_account", "token_version")
