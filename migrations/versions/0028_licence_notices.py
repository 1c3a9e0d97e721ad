"""licence records remember the expiry their keepers were told of

Kepbup Polewali Mandar 685/2021, II.3 c.4 keeps licence records; issue 14, item 1 asks for
notices before a licence expires. `notified_for` holds the expiry date a notice was sent
for, so each expiry is told of once and a renewal (a new date) again. One nullable column,
so the previous release runs unchanged.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 18:40:00

A migration must still work with the previous release of the code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("configuration_licence") as batch:
        batch.add_column(sa.Column("notified_for", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("configuration_licence") as batch:
        batch.drop_column("notified_for")
