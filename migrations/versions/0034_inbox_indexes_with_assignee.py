"""the inbox's role indexes end with assignee

A lane's unclaimed tasks that name an assignee are someone else's; the role-routed inbox
reads only those with none (`assignee IS NULL`). With the assignee in the role indexes the
database finds exactly those rows in the index instead of fetching every unclaimed task of
the lane and scope and throwing the assigned ones away: at 100,000 open tasks, a service's
or a global holder's inbox read about 2,200 table pages for 300 tasks before, about 290
after, and its query went from 8-12 ms to under 1 ms on PostgreSQL (issue 13, item 1:
inbox p95 under 20 ms for every kind of holder). The old four-column indexes are a prefix
of the new ones, so every query that used them can use these.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-03 20:30:00

A migration must still work with the previous release of the code.
"""

from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

ROLE = ["state", "lane", "service_id", "claimed_by_id"]
ROLE_AGENCY = ["state", "lane", "agency_id", "claimed_by_id"]


def upgrade() -> None:
    op.drop_index("ix_task_inbox_role", table_name="task")
    op.drop_index("ix_task_inbox_role_agency", table_name="task")
    op.create_index("ix_task_inbox_role", "task", [*ROLE, "assignee"])
    op.create_index("ix_task_inbox_role_agency", "task", [*ROLE_AGENCY, "assignee"])


def downgrade() -> None:
    op.drop_index("ix_task_inbox_role_agency", table_name="task")
    op.drop_index("ix_task_inbox_role", table_name="task")
    op.create_index("ix_task_inbox_role", "task", ROLE)
    op.create_index("ix_task_inbox_role_agency", "task", ROLE_AGENCY)
