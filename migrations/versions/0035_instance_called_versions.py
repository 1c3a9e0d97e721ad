"""an instance keeps the versions of the other models it calls

A model's call activity may call the entry process of another deployed model (issue 16,
item 3). The call runs that model's newest version when the instance starts, and keeps
running it when a newer one is deployed, as the instance's own version does: the
instance stores {called process id: process_model_version.id}. Null for the instances
of models that call no other model, which is every instance before this migration.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-03 20:45:00

A migration must still work with the previous release of the code: the column is
nullable and the previous release never reads it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Not in batch mode: a batch copy on SQLite would lose the change stamp's triggers
    # (0022); adding a nullable column is done in place.
    op.add_column("process_instance", sa.Column("called_versions", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("process_instance", "called_versions")
