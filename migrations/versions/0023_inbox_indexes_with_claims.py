"""the inbox's role indexes end with claimed_by_id

A holder's inbox lists the unclaimed tasks of their lanes and scopes and their own claims.
With the claim in the role indexes, the unclaimed rows are found by the index alone, where
before every claimed task of the lane and scope was read and thrown away (issue 13, item 1:
the inbox at 100,000 open tasks). The old three-column indexes are a prefix of the new
ones, so every query that used them can use these.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 16:05:00

A migration must still work with the previous release of the code.
"""

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_task_inbox_role", table_name="task")
    op.drop_index("ix_task_inbox_role_agency", table_name="task")
    op.create_index(
        "ix_task_inbox_role", "task", ["state", "lane", "service_id", "claimed_by_id"]
    )
    op.create_index(
        "ix_task_inbox_role_agency", "task", ["state", "lane", "agency_id", "claimed_by_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_task_inbox_role_agency", table_name="task")
    op.drop_index("ix_task_inbox_role", table_name="task")
    op.create_index("ix_task_inbox_role", "task", ["state", "lane", "service_id"])
    op.create_index("ix_task_inbox_role_agency", "task", ["state", "lane", "agency_id"])
