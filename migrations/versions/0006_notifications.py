"""notifications: a user's in-app list and the outgoing e-mail queue

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 01:50:00

A migration must still work with the previous release of the code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=True),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_status", sa.String(length=10), nullable=False, server_default="off"),
        sa.Column("email_attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("email_next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_last_error", sa.Text(), nullable=True),
        sa.Column("email_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "email_status IN ('off', 'pending', 'sent', 'failed')",
            name=op.f("ck_notification_email_status"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"],
            name=op.f("fk_notification_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"], ["process_instance.id"],
            name=op.f("fk_notification_instance_id_process_instance"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notification_user_unread", ["user_id", "read_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_notification_mail_queue", ["email_status", "email_next_attempt_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_mail_queue")
        batch_op.drop_index("ix_notification_user_unread")
    op.drop_table("notification")
