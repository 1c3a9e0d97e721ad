"""continuity: DRP versions per service and the training held on them

Kepbup Polewali Mandar 685/2021, III.3: the recovery strategy and plan of a service, its
changes after tests and evaluation, and the training on it (issue 14, item 7). New tables
only, so the previous release runs unchanged.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03 19:00:00

A migration must still work with the previous release of the code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def _made(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f(f"fk_{table}_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name=op.f(f"fk_{table}_service_id_service")
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "continuity_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rpo_minutes", sa.Integer(), nullable=False),
        sa.Column("rto_minutes", sa.Integer(), nullable=False),
        sa.Column("recovery_option", sa.String(length=20), nullable=False),
        sa.Column("recovery_strategy", sa.Text(), nullable=False),
        sa.Column("backup_strategy", sa.Text(), nullable=False),
        sa.Column("contacts", sa.JSON(), nullable=False),
        sa.Column("document_reference", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("source_instance_id", sa.Integer(), nullable=True),
        *_made("continuity_plan"),
        sa.CheckConstraint(
            "rpo_minutes >= 0 AND rto_minutes > 0", name=op.f("ck_continuity_plan_objectives")
        ),
        sa.ForeignKeyConstraint(
            ["source_instance_id"],
            ["process_instance.id"],
            name=op.f("fk_continuity_plan_source_instance_id_process_instance"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_continuity_plan")),
        sa.UniqueConstraint("service_id", "version", name="uq_continuity_plan_version"),
    )
    op.create_table(
        "continuity_training",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=True),
        *_made("continuity_training"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_continuity_training")),
    )
    op.create_index(
        "ix_continuity_training_service_id", "continuity_training", ["service_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_continuity_training_service_id", table_name="continuity_training")
    op.drop_table("continuity_training")
    op.drop_table("continuity_plan")
