"""Database engine and sessions, with no Flask: the CLI, worker and tests use it as is."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker


class DatabaseUnavailable(Exception):
    """The configured database cannot be used; the message is one line for the user."""


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """Foreign keys enforced, and write-ahead logging so readers never wait for a writer.

    `synchronous=NORMAL` is SQLite's own advice for WAL mode: a commit no longer waits
    for the disk (the log is synced at checkpoints), the database cannot be corrupted by
    a crash, and an application crash loses nothing; only a power loss or an operating
    system crash may undo the last transactions before it. That is the embedded default's
    bargain (one machine, small use); an operator who cannot accept it runs PostgreSQL.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine for `url` and prove it answers.

    Raises:
        DatabaseUnavailable: the URL is malformed, names an unknown driver, or the
            server does not answer.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as err:
        raise DatabaseUnavailable(
            f"DATABASE_URL tidak valid / invalid DATABASE_URL: {err}"
        ) from None
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    kwargs: dict[str, object] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ArgumentError, ImportError) as err:
        raise DatabaseUnavailable(
            f"DATABASE_URL tidak didukung / unsupported DATABASE_URL: {err}"
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as err:
        reason = str(err.orig).strip().splitlines()[0] if err.orig else str(err)
        safe = parsed.render_as_string(hide_password=True)
        raise DatabaseUnavailable(
            f"Basis data tidak dapat dihubungi / database unreachable ({safe}): {reason}"
        ) from None
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (services return them)."""
    return sessionmaker(engine, expire_on_commit=False)
