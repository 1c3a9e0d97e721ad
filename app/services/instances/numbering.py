"""The numbers people quote: ADU-2026-000123, one counter per prefix and year."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models import ReferenceSequence

_NUMBERING_ZONE = ZoneInfo("Asia/Jakarta")


def next_reference(session: Session, prefix: str, at: datetime) -> str:
    """The next number for `prefix` in the year of `at` (WIB), e.g. ADU-2026-000123.

    The counter row is created at 1 or incremented in one INSERT ... ON CONFLICT DO UPDATE
    ... RETURNING, which holds its row lock until commit: concurrent starts take turns,
    numbers are neither repeated nor skipped.
    """
    year = at.astimezone(_NUMBERING_ZONE).year
    table = ReferenceSequence.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(table).values(prefix=prefix, year=year, last=1)
    last = session.execute(
        insert.on_conflict_do_update(
            index_elements=[table.c.prefix, table.c.year], set_={"last": table.c.last + 1}
        ).returning(table.c.last)
    ).scalar_one()
    return f"{prefix}-{year}-{last:06d}"
