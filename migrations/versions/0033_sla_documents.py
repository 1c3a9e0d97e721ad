"""sla_document: the versions of each service's generated SLA document

Kepbup Polewali Mandar 685/2021, III.1.b asks for the service-level document to be drawn
up and kept current (issue 15, item 7): each version keeps the data it was generated from,
their hash (a new version only when it differs) and the PDF itself. A new table only, so
the previous release runs unchanged.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-03 20:30:00

A migration must still work with the previous release of the code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sla_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("generated_by_id", sa.Integer(), nullable=True),
        sa.Column("data_hash", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["generated_by_id"],
            ["user_account.id"],
            name=op.f("fk_sla_document_generated_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name=op.f("fk_sla_document_service_id_service")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_document")),
        sa.UniqueConstraint("service_id", "version", name="uq_sla_document_version"),
    )


def downgrade() -> None:
    op.drop_table("sla_document")
