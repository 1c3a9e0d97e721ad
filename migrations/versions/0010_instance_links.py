"""links between instances (parent) and human-readable reference numbers

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 04:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reference_sequence",
        sa.Column("prefix", sa.String(length=6), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year", name=op.f("pk_reference_sequence")),
    )
    with op.batch_alter_table("process_instance") as batch:
        batch.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reference", sa.String(length=20), nullable=True))
        batch.create_foreign_key(
            op.f("fk_process_instance_parent_id_process_instance"),
            "process_instance",
            ["parent_id"],
            ["id"],
        )
        batch.create_index(op.f("ix_process_instance_parent_id"), ["parent_id"])
        batch.create_index(op.f("ix_process_instance_reference"), ["reference"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("process_instance") as batch:
        batch.drop_index(op.f("ix_process_instance_reference"))
        batch.drop_index(op.f("ix_process_instance_parent_id"))
        batch.drop_constraint(
            op.f("fk_process_instance_parent_id_process_instance"), type_="foreignkey"
        )
        batch.drop_column("reference")
        batch.drop_column("parent_id")
    op.drop_table("reference_sequence")
