"""settings of a diagram an administrator changes per PD or kabupaten-wide

Review layers the regulations do not name (the monitoring report's review, the
evaluation's review and sign-off, the acceptance of a problem report) are product
additions, so they are switched by a setting, not fixed in the diagram (issue 11, item 9).
Only chosen values are stored; without a row the diagram's default applies, so existing
instances and PDs behave as before.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 13:00:00

A migration must still work with the previous release of the code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "process_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_model_id", sa.String(length=100), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["process_model_id"],
            ["process_model.id"],
            name=op.f("fk_process_setting_process_model_id_process_model"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_process_setting_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_process_setting_updated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_setting")),
        sa.UniqueConstraint(
            "process_model_id",
            "agency_id",
            "name",
            name=op.f("uq_process_setting_process_model_id"),
        ),
    )


def downgrade() -> None:
    op.drop_table("process_setting")
