"""index tasks by (state, lane, agency_id) for PD-level role holders' inboxes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 01:05:00

A migration must still work with the previous release of the code.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index(
            "ix_task_inbox_role_agency", ["state", "lane", "agency_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_inbox_role_agency")
