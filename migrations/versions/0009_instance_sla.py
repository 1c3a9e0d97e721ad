"""SLA columns on instances: priority and the clocks' due and stop times

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 03:30:00

The clocks are derived from the event history (app/services/deadlines/service_levels.py); these columns are
that derivation's latest result, kept so lists and dashboards can sort and filter on
deadlines without reading every instance's events.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_COLUMNS = ("response_due_at", "resolution_due_at", "responded_at", "resolved_at")


def upgrade() -> None:
    with op.batch_alter_table("process_instance") as batch:
        batch.add_column(sa.Column("priority", sa.String(length=20), nullable=True))
        for name in _COLUMNS:
            batch.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_process_instance_resolution_due", ["status", "resolution_due_at"])


def downgrade() -> None:
    with op.batch_alter_table("process_instance") as batch:
        batch.drop_index("ix_process_instance_resolution_due")
        for name in reversed(_COLUMNS):
            batch.drop_column(name)
        batch.drop_column("priority")
