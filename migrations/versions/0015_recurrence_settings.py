"""recurring complaints open a problem by the PD's own count and window, not constants

Opening a problem at the third complaint about a service within 30 days is the product's
own addition (Perbup Bangka 21/2025, 2.2.1.3, Tabel 7 asks only for a periodic review), so
each PD sets both numbers; existing PDs keep 3 complaints in 30 days.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 12:40:00

A migration must still work with the previous release of the code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recurring_complaints", sa.Integer(), nullable=False, server_default="3")
        )
        batch_op.add_column(
            sa.Column("recurrence_window_days", sa.Integer(), nullable=False,
                      server_default="30")
        )
        batch_op.create_check_constraint(
            op.f("ck_agency_recurring_complaints"), "recurring_complaints BETWEEN 2 AND 100"
        )
        batch_op.create_check_constraint(
            op.f("ck_agency_recurrence_window_days"), "recurrence_window_days BETWEEN 1 AND 366"
        )


def downgrade() -> None:
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_agency_recurrence_window_days"), type_="check")
        batch_op.drop_constraint(op.f("ck_agency_recurring_complaints"), type_="check")
        batch_op.drop_column("recurrence_window_days")
        batch_op.drop_column("recurring_complaints")
