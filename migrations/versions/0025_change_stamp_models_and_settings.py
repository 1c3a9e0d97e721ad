"""the change stamp also watches deployed versions, process settings and whole accounts

Every start reads the newest version of its model and the settings chosen for it; both
change only when an analyst deploys or an administrator sets a value, so each web and
worker process now keeps them under the change stamp (migration 0022) like the catalog
and the roster, and these triggers replace the token when they change. Every request
reads the account its token or page session names, so the account's trigger now fires on
any column (a password change, revoked tokens), not only those routing reads (issue 13,
item 1).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 17:30:00

A migration must still work with the previous release of the code: triggers only.
"""

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

#: The tables this migration adds to those 0022 watches (any column, any row).
WATCHED = ("process_model_version", "process_setting")
VERBS = ("insert", "update", "delete")
#: 0022's account columns, whose trigger this migration widens to every column.
ACCOUNT_COLUMNS = "username, full_name, email, active"
BUMP_SQLITE = "BEGIN UPDATE change_stamp SET token = random() WHERE id = 1; END"


def _account_trigger(postgresql: bool, columns: str) -> None:
    """The account's update trigger, on `columns` ("": any column)."""
    of = f" OF {columns}" if columns else ""
    if postgresql:
        op.execute("DROP TRIGGER change_stamp_user_account ON user_account")
        op.execute(
            f"CREATE TRIGGER change_stamp_user_account AFTER INSERT OR UPDATE{of} OR DELETE "
            "ON user_account FOR EACH STATEMENT EXECUTE FUNCTION change_stamp_bump()"
        )
    else:
        op.execute("DROP TRIGGER change_stamp_user_account_update")
        op.execute(
            f"CREATE TRIGGER change_stamp_user_account_update AFTER UPDATE{of} ON user_account "
            f"FOR EACH ROW {BUMP_SQLITE}"
        )


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    _account_trigger(postgresql, "")
    for table in WATCHED:
        if postgresql:
            # change_stamp_bump() is 0022's.
            op.execute(
                f"CREATE TRIGGER change_stamp_{table} AFTER INSERT OR UPDATE OR DELETE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION change_stamp_bump()"
            )
        else:
            for verb in VERBS:
                op.execute(
                    f"CREATE TRIGGER change_stamp_{table}_{verb} AFTER {verb.upper()} ON {table} "
                    f"FOR EACH ROW {BUMP_SQLITE}"
                )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    _account_trigger(postgresql, ACCOUNT_COLUMNS)
    for table in WATCHED:
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS change_stamp_{table} ON {table}")
        else:
            for verb in VERBS:
                op.execute(f"DROP TRIGGER IF EXISTS change_stamp_{table}_{verb}")
