"""known errors recorded by problem management, searchable by the service desk

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 04:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "known_error",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("symptoms", sa.Text(), nullable=False),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("workaround", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instance.id"],
            name=op.f("fk_known_error_instance_id_process_instance"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name=op.f("fk_known_error_service_id_service")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_error")),
        sa.UniqueConstraint("instance_id", name=op.f("uq_known_error_instance_id")),
    )
    op.create_index(op.f("ix_known_error_service_id"), "known_error", ["service_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_known_error_service_id"), table_name="known_error")
    op.drop_table("known_error")
