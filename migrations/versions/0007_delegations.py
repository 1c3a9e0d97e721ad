"""acting officials (Plt/Plh): delegations of a role holder's grant for a time range

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 01:55:00

A migration must still work with the previous release of the code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delegation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("delegate_id", sa.Integer(), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=80), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decree_reference", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("service_id IS NULL OR agency_id IS NULL",
                           name=op.f("ck_delegation_one_scope")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_delegation_ends_after_start")),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"],
                                name=op.f("fk_delegation_agency_id_agency")),
        sa.ForeignKeyConstraint(["delegate_id"], ["user_account.id"],
                                name=op.f("fk_delegation_delegate_id_user_account")),
        sa.ForeignKeyConstraint(["principal_id"], ["user_account.id"],
                                name=op.f("fk_delegation_principal_id_user_account")),
        sa.ForeignKeyConstraint(["role"], ["role.name"], name=op.f("fk_delegation_role_role")),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"],
                                name=op.f("fk_delegation_service_id_service")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegation")),
    )
    op.create_index("ix_delegation_delegate_window", "delegation",
                    ["delegate_id", "starts_at", "ends_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_delegation_delegate_window", table_name="delegation")
    op.drop_table("delegation")
