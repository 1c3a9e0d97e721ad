"""each service carries its own response and resolution targets as data

Perbup Bangka 21/2025, 2.1.1.1 attaches the targets to each service ("melekat pada
masing-masing layanan", issue 15, item 1). `service.targets` holds the figures a service
agreed, by priority or urgency (null: the reference tables, as before), and the free-text
`user_service_target` goes: the catalog now derives that text from the figures the clocks
apply, so it can no longer disagree with them. The shared API contract (docs/api.md) does
not name the column; the spreadsheet keeps its `target_pelayanan_pengguna` column, written
from the figures and not read back. The texts typed into the old column are dropped with it
(the downgrade brings the column back empty): a text cannot be turned into figures.

This migration does not work with the previous release, which still writes
`user_service_target`: deploy the code and the migration together.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-03 20:10:00

A migration must still work with the previous release of the code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Not in batch mode: on SQLite a batch drop would copy the table and lose the change
    # stamp's triggers (0022); SQLite 3.35+ drops a column in place.
    op.add_column("service", sa.Column("targets", sa.JSON(), nullable=True))
    op.drop_column("service", "user_service_target")


def downgrade() -> None:
    op.add_column(
        "service", sa.Column("user_service_target", sa.Text(), nullable=False, server_default="")
    )
    op.drop_column("service", "targets")
