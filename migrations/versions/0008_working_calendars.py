"""working calendars as data: office hours per PD, regional days, escalation warning point

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 03:00:00

Until now the calendar existed only as code (app/sla/calendar.py); these tables hold what
an Admin Sistem changes on top of it. Agencies get the percent of a target at which SLA
escalation warns, 75 for existing rows as for new ones.

A migration must still work with the previous release of the code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "working_calendar",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("office_hours", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"],
                                name=op.f("fk_working_calendar_agency_id_agency")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_working_calendar")),
        sa.UniqueConstraint("agency_id", name=op.f("uq_working_calendar_agency_id")),
    )
    op.create_table(
        "regional_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"],
                                name=op.f("fk_regional_day_agency_id_agency")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regional_day")),
        sa.UniqueConstraint("agency_id", "day", name=op.f("uq_regional_day_agency_id")),
    )
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("escalation_warning_percent", sa.Integer(), nullable=False,
                      server_default="75")
        )
        batch_op.create_check_constraint(
            op.f("ck_agency_escalation_warning_percent"),
            "escalation_warning_percent BETWEEN 1 AND 99",
        )


def downgrade() -> None:
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_agency_escalation_warning_percent"), type_="check")
        batch_op.drop_column("escalation_warning_percent")
    op.drop_table("regional_day")
    op.drop_table("working_calendar")
