"""service catalog: every field Perbup Bangka 21/2025 2.1.1.2 lists, and request targets

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 01:30:00

A migration must still work with the previous release of the code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

def _service_columns() -> list[sa.Column]:
    return [
        sa.Column("access_method", sa.Text(), nullable=False, server_default=""),
        sa.Column("availability_target", sa.Float(), nullable=True),
        sa.Column("help_contact", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("support_hours", sa.String(length=20), nullable=False,
                  server_default="kalender"),
        sa.Column("user_service_target", sa.Text(), nullable=False, server_default=""),
        sa.Column("availability", sa.Text(), nullable=False, server_default=""),
        sa.Column("rpo_minutes", sa.Integer(), nullable=True),
        sa.Column("rto_minutes", sa.Integer(), nullable=True),
        sa.Column("drp_reference", sa.String(length=200), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("service", schema=None) as batch_op:
        for column in _service_columns():
            batch_op.add_column(column)
    with op.batch_alter_table("request_type", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fulfilment_hours", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("request_type", schema=None) as batch_op:
        batch_op.drop_column("fulfilment_hours")
    with op.batch_alter_table("service", schema=None) as batch_op:
        for column in reversed(_service_columns()):
            batch_op.drop_column(column.name)
