"""reference tables an administrator edited, and each agency's SLA scheme

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 01:45:00

A migration must still work with the previous release of the code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reference_table",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user_account.id"],
            name=op.f("fk_reference_table_updated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_reference_table")),
    )
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sla_scheme", sa.String(length=20), nullable=False,
                      server_default="prioritas")
        )


def downgrade() -> None:
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.drop_column("sla_scheme")
    op.drop_table("reference_table")
