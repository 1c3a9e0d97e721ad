"""The test database's starting states, built once per session and restored per test.

Migrating, loading the demo kabupaten (13 users) and deploying the shipped processes
costs seconds; a test needs only their result. Each state is read once as every row of
every table, and restored before each test by deleting every row and inserting the
state's rows again, with PostgreSQL's sequences set past them, so every test starts from
the same rows and ids whatever the test before it left.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Table, select, text

from app.models import Base

TABLES: list[Table] = list(Base.metadata.sorted_tables)
STAMP: Table = Base.metadata.tables["change_stamp"]


@dataclass(frozen=True)
class Snapshot:
    """Every row of every table, in dependency order."""

    rows: dict[str, list[dict[str, Any]]]

    @classmethod
    def take(cls, engine: Engine) -> Snapshot:
        with engine.connect() as connection:
            return cls(
                {
                    table.name: [dict(r) for r in connection.execute(_ordered(table)).mappings()]
                    for table in TABLES
                }
            )

    def restore(self, engine: Engine) -> None:
        """Make the database hold exactly these rows."""
        with engine.begin() as connection:
            for table in reversed(TABLES):
                connection.execute(table.delete())
            for table in [*TABLES, STAMP]:  # the stamp again: the inserts' triggers moved it
                if table is STAMP:
                    connection.execute(table.delete())
                if self.rows[table.name]:
                    connection.execute(table.insert(), self.rows[table.name])
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection)


def _ordered(table: Table) -> Any:
    return select(table).order_by(*table.primary_key.columns)


def _reset_sequences(connection: Connection) -> None:
    """Point each serial id past the restored rows, as the state's own inserts left it."""
    if not _SEQUENCES:
        for table in TABLES:
            for column in table.primary_key.columns:
                sequence = connection.scalar(
                    text("SELECT pg_get_serial_sequence(:t, :c)"),
                    {"t": table.name, "c": column.name},
                )
                if sequence is not None:
                    _SEQUENCES.append((table.name, column.name, sequence))
    # One statement for all of them; names come from our own metadata, never from input.
    setvals = ", ".join(
        f"setval('{sequence}', COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"  # noqa: S608, E501
        for table, column, sequence in _SEQUENCES
    )
    if setvals:
        connection.execute(text(f"SELECT {setvals}"))  # noqa: S608 - our own names


#: (table, column, sequence) of every serial id, read once.
_SEQUENCES: list[tuple[str, str, str]] = []


def fingerprint(engine: Engine) -> str:
    """A digest of every row of every table: equal digests, equal contents."""
    digest = hashlib.sha256()
    with engine.connect() as connection:
        for table in TABLES:
            digest.update(table.name.encode())
            for row in connection.execute(_ordered(table)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()
