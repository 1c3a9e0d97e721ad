"""capacity: thresholds per configuration item, measurements, integration tokens

Kepbup Polewali Mandar 685/2021, III.2.b: the components behind services are monitored
against thresholds and the measurements kept (the capacity database). Monitoring tools
push measurements with an integration token that Admin Sistem issues; only its SHA-256 is
stored (issue 14, item 5). New tables only, so the previous release runs unchanged.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 18:00:00

A migration must still work with the previous release of the code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "capacity_threshold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=20), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("capacity", sa.Float(), nullable=True),
        sa.Column("warning", sa.Float(), nullable=False),
        sa.Column("critical", sa.Float(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=True),
        _at("last_measured_at", nullable=True),
        sa.Column("complaint_id", sa.Integer(), nullable=True),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("reporter", sa.JSON(), nullable=False),
        _at("updated_at"),
        sa.CheckConstraint("warning < critical", name=op.f("ck_capacity_threshold_ordered")),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["configuration_item.id"],
            name=op.f("fk_capacity_threshold_item_id_configuration_item"),
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["process_instance.id"],
            name=op.f("fk_capacity_threshold_complaint_id_process_instance"),
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["user_account.id"],
            name=op.f("fk_capacity_threshold_reporter_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_threshold")),
        sa.UniqueConstraint("item_id", "metric", name="uq_capacity_threshold_item_metric"),
    )
    op.create_table(
        "capacity_measurement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        _at("measured_at"),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["configuration_item.id"],
            name=op.f("fk_capacity_measurement_item_id_configuration_item"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_capacity_measurement_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_measurement")),
    )
    op.create_index(
        "ix_capacity_measurement_item_metric_at",
        "capacity_measurement",
        ["item_id", "metric", "measured_at"],
    )
    op.create_table(
        "integration_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _at("created_at"),
        _at("revoked_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_integration_token_created_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_integration_token_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("integration_token")
    op.drop_index("ix_capacity_measurement_item_metric_at", table_name="capacity_measurement")
    op.drop_table("capacity_measurement")
    op.drop_table("capacity_threshold")
