"""a change stamp for per-process caches, and each instance's clock history kept folded

`change_stamp` holds one random token that triggers replace whenever a row the routing
and the working calendars are built from changes (roles, acting officials, people, PDs,
services, request types, calendars, regional days). Every web and worker process caches
those facts under the token it read, so an edit made anywhere applies to the next request
everywhere, at no cost while nothing changes (issue 13, item 1). A random token rather than
a counter: a rolled-back edit leaves a token nobody else can ever read.

`process_instance.sla_history` is what the SLA clocks need from the event log, folded
event by event as events are recorded (`app/services/deadlines/clock_history.py`); null
until an instance's first step after this release, which folds its whole log once.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 15:10:00

A migration must still work with the previous release of the code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

#: table -> the columns whose update changes a cached fact (None: any column).
WATCHED: dict[str, tuple[str, ...] | None] = {
    "role_assignment": None,
    "delegation": None,
    "user_account": ("username", "full_name", "email", "active"),
    "agency": None,
    "service": None,
    "request_type": None,
    "working_calendar": None,
    "regional_day": None,
}


def _sqlite_triggers(table: str, columns: tuple[str, ...] | None) -> list[str]:
    bump = "BEGIN UPDATE change_stamp SET token = random() WHERE id = 1; END"
    of = f" OF {', '.join(columns)}" if columns else ""
    return [
        f"CREATE TRIGGER change_stamp_{table}_{verb.split()[0].lower()} "
        f"AFTER {verb} ON {table} FOR EACH ROW {bump}"
        for verb in ("INSERT", f"UPDATE{of}", "DELETE")
    ]


def upgrade() -> None:
    op.create_table(
        "change_stamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_stamp")),
    )
    op.execute("INSERT INTO change_stamp (id, token) VALUES (1, 0)")
    op.add_column("process_instance", sa.Column("sla_history", sa.JSON(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION change_stamp_bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN UPDATE change_stamp SET token = "
            "floor((random() - 0.5) * 9.2e18)::bigint WHERE id = 1; RETURN NULL; END $$"
        )
        for table, columns in WATCHED.items():
            of = f" OF {', '.join(columns)}" if columns else ""
            op.execute(
                f"CREATE TRIGGER change_stamp_{table} AFTER INSERT OR UPDATE{of} OR DELETE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION change_stamp_bump()"
            )
    else:
        for table, columns in WATCHED.items():
            for statement in _sqlite_triggers(table, columns):
                op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS change_stamp_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS change_stamp_bump()")
    else:
        for table in WATCHED:
            for verb in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS change_stamp_{table}_{verb}")
    op.drop_column("process_instance", "sla_history")
    op.drop_table("change_stamp")
