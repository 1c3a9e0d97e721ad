"""the work log: comments on an instance, internal or public, with attached files

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "visibility IN ('internal', 'public')", name=op.f("ck_comment_visibility")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_comment_author_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instance.id"],
            name=op.f("fk_comment_instance_id_process_instance"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
    )
    op.create_index("ix_comment_instance", "comment", ["instance_id", "id"])
    op.create_table(
        "comment_attachment",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["attachment.id"],
            name=op.f("fk_comment_attachment_attachment_id_attachment"),
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comment.id"], name=op.f("fk_comment_attachment_comment_id_comment")
        ),
        sa.PrimaryKeyConstraint("comment_id", "attachment_id", name=op.f("pk_comment_attachment")),
        sa.UniqueConstraint("attachment_id", name=op.f("uq_comment_attachment_attachment_id")),
    )


def downgrade() -> None:
    op.drop_table("comment_attachment")
    op.drop_index("ix_comment_instance", table_name="comment")
    op.drop_table("comment")
