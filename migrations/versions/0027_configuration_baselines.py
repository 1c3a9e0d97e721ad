"""configuration baselines: named, immutable snapshots of items and their relations

Kepbup Polewali Mandar 685/2021, II.3 b.3 and e: a baseline of the configuration, and
verification against it (issue 14, item 3). One new table, so the previous release runs
unchanged.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 18:30:00

A migration must still work with the previous release of the code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "configuration_baseline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("source_instance_id", sa.Integer(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_configuration_baseline_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_configuration_baseline_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["source_instance_id"],
            ["process_instance.id"],
            name=op.f("fk_configuration_baseline_source_instance_id_process_instance"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_configuration_baseline")),
        sa.UniqueConstraint("name", name=op.f("uq_configuration_baseline_name")),
    )


def downgrade() -> None:
    op.drop_table("configuration_baseline")
