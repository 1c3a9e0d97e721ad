"""The engine `make_engine` builds: SQLite's connection settings, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from app.database import DatabaseUnavailable, make_engine


def test_sqlite_connections_enforce_keys_and_log_ahead(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'spbe.sqlite3'}")
    try:
        with engine.connect() as connection:
            pragma = {
                name: connection.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")
            }
    finally:
        engine.dispose()
    # synchronous 1 is NORMAL: commits do not wait for the disk, checkpoints do.
    assert pragma == {
        "foreign_keys": 1,
        "journal_mode": "wal",
        "synchronous": 1,
        "busy_timeout": 10000,
    }


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a url", "invalid DATABASE_URL"),
        ("nosuchdb://x/y", "unsupported DATABASE_URL"),
        ("postgresql://nobody@127.0.0.1:1/none", "database unreachable"),
    ],
)
def test_unusable_urls_are_refused_in_one_line(url: str, says: str) -> None:
    with pytest.raises(DatabaseUnavailable) as refused:
        make_engine(url)
    assert says in str(refused.value)
    assert "\n" not in str(refused.value)
