"""a DRP version carries the DRP document itself

Issue 14, item 7 asks for the DRP as a versioned document: the file (PDF, DOCX or ODT) is
stored with the forms' files (the attachment table and directory, one storage) and a
version points at it. One nullable column with its own foreign key and unique constraint,
so the previous release runs unchanged (it never reads the column).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-03 19:45:00

A migration must still work with the previous release of the code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("continuity_plan") as batch:
        batch.add_column(sa.Column("document_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_continuity_plan_document_id_attachment"),
            "attachment",
            ["document_id"],
            ["id"],
        )
        batch.create_unique_constraint(op.f("uq_continuity_plan_document_id"), ["document_id"])


def downgrade() -> None:
    with op.batch_alter_table("continuity_plan") as batch:
        batch.drop_constraint(op.f("uq_continuity_plan_document_id"), type_="unique")
        batch.drop_constraint(op.f("fk_continuity_plan_document_id_attachment"), type_="foreignkey")
        batch.drop_column("document_id")
