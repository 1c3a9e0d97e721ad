"""the catalog names each service's vital business functions

Kepbup Polewali Mandar 685/2021, III.4.a.1 begins availability planning with "penentuan
fungsi kerja vital": what of the service must keep working (issue 14, item 6). One text
column with an empty default, so the previous release runs unchanged.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-03 19:10:00

A migration must still work with the previous release of the code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service") as batch:
        batch.add_column(
            sa.Column("vital_business_functions", sa.Text(), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("service") as batch:
        batch.drop_column("vital_business_functions")
