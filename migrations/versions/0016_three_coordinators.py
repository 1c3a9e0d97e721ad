"""Polewali's three coordinators are three roles, not one "Koordinator"

Kepbup Polewali Mandar 685/2021 appoints a Koordinator Service Desk and a Koordinator
Manajemen Gangguan (II.1.a.1 huruf a-b) and a Koordinator Manajemen Masalah (II.2.1.a),
each reviewing the efficiency of their own process. Each grant and each delegation of the
old role becomes one of each new role at the same scope (nobody loses what they could see);
the old role goes. Downgrading folds the three back into one "Koordinator" per holder and
scope.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 12:30:00

A migration must still work with the previous release of the code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

OLD = "Koordinator"
NEW = [
    ("Koordinator Service Desk", "Reviews the service desk's efficiency (Polewali II.1.a.1.a)"),
    (
        "Koordinator Manajemen Gangguan",
        "Reviews incident management's efficiency (Polewali II.1.a.1.b)",
    ),
    (
        "Koordinator Manajemen Masalah",
        "Reviews problem management's efficiency (Polewali II.2.1.a)",
    ),
]
ASSIGNMENT_COLUMNS = "user_id, agency_id, service_id, granted_at"
DELEGATION_COLUMNS = (
    "kind, delegate_id, principal_id, service_id, agency_id, starts_at, ends_at, "
    "decree_reference, created_at"
)


def _copy(table: str, columns: str, source: str, target: str) -> None:
    """Copy every row of `table` held in role `source` as a row in role `target`."""
    op.execute(
        sa.text(
            f"INSERT INTO {table} (role, {columns}) "
            f"SELECT :target, {columns} FROM {table} WHERE role = :source"
        ).bindparams(source=source, target=target)
    )


def _delete(table: str, role: str) -> None:
    op.execute(sa.text(f"DELETE FROM {table} WHERE role = :role").bindparams(role=role))


def upgrade() -> None:
    roles = sa.table("role", sa.column("name", sa.String), sa.column("description", sa.Text))
    op.bulk_insert(roles, [{"name": name, "description": text} for name, text in NEW])
    for name, _ in NEW:
        _copy("role_assignment", ASSIGNMENT_COLUMNS, OLD, name)
        _copy("delegation", DELEGATION_COLUMNS, OLD, name)
    _delete("role_assignment", OLD)
    _delete("delegation", OLD)
    op.execute(sa.text("DELETE FROM role WHERE name = :old").bindparams(old=OLD))


def downgrade() -> None:
    roles = sa.table("role", sa.column("name", sa.String), sa.column("description", sa.Text))
    op.bulk_insert(
        roles, [{"name": OLD, "description": "Reviews the efficiency of a process (Polewali)"}]
    )
    new = [name for name, _ in NEW]
    op.execute(
        sa.text(
            "INSERT INTO role_assignment (role, user_id, agency_id, service_id, granted_at) "
            "SELECT :old, user_id, agency_id, service_id, MIN(granted_at) FROM role_assignment "
            "WHERE role IN (:a, :b, :c) GROUP BY user_id, agency_id, service_id"
        ).bindparams(old=OLD, a=new[0], b=new[1], c=new[2])
    )
    op.execute(
        sa.text(
            f"INSERT INTO delegation (role, {DELEGATION_COLUMNS}) "
            f"SELECT DISTINCT :old, {DELEGATION_COLUMNS} FROM delegation "
            "WHERE role IN (:a, :b, :c)"
        ).bindparams(old=OLD, a=new[0], b=new[1], c=new[2])
    )
    for name in new:
        _delete("role_assignment", name)
        _delete("delegation", name)
        op.execute(sa.text("DELETE FROM role WHERE name = :name").bindparams(name=name))
