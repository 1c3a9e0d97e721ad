"""analysts' saved diagram drafts and edited form files, kept apart from deployed versions

A draft is validated but not run: new instances keep starting on the newest deployed
version until an analyst deploys the draft. Edited form files wait in `form_file` until a
model that names them is saved and deployed.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_model_id", sa.String(length=100), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deployed_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["saved_by_id"],
            ["user_account.id"],
            name=op.f("fk_model_draft_saved_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_draft")),
        sa.UniqueConstraint(
            "process_model_id", "number", name=op.f("uq_model_draft_process_model_id")
        ),
    )
    op.create_index(op.f("ix_model_draft_process_model_id"), "model_draft", ["process_model_id"])
    op.create_table(
        "form_file",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_form_file_updated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_form_file")),
    )


def downgrade() -> None:
    op.drop_table("form_file")
    op.drop_index(op.f("ix_model_draft_process_model_id"), table_name="model_draft")
    op.drop_table("model_draft")
