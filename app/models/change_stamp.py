"""The change stamp, and the per-process caches it keeps honest.

Routing and working calendars are read on every transition but edited rarely, so each
process keeps them in memory. Triggers (migration 0022) put a new random token in the one
`change_stamp` row whenever a row they are built from changes; a cache entry is kept under
the token read in the same transaction, so an edit applies to the next request in every
web and worker process, and a transaction sees its own uncommitted edits (its token is
new). An entry is built after its token was read, so it is never older than the token.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any, Generic, TypeVar

from sqlalchemy import BigInteger, Select, event, select
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    SessionTransaction,
    UOWTransaction,
    make_transient_to_detached,
    mapped_column,
)

from app.models.base import Base

T = TypeVar("T")
R = TypeVar("R", bound=Base)

#: Where a session keeps the token it read, so one transaction asks once.
_SESSION_KEY = "change_stamp_token"
#: The tables whose triggers replace the token (migrations 0022 and 0025 keep their own copy).
WATCHED_TABLES = frozenset(
    {
        "role_assignment",
        "delegation",
        "user_account",
        "agency",
        "service",
        "request_type",
        "working_calendar",
        "regional_day",
        "process_model_version",
        "process_setting",
    }
)


class ChangeStamp(Base):
    """The single row whose token changes with the routing and calendar facts."""

    __tablename__ = "change_stamp"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[int] = mapped_column(BigInteger)


def _token() -> Select[tuple[int]]:
    return select(ChangeStamp.token).where(ChangeStamp.id == 1)


def token_column() -> object:
    """The token as a scalar subquery, to ride along a query the caller makes anyway."""
    return _token().scalar_subquery()


def remember_token(session: Session, token: int) -> None:
    """Note the token a combined query read (see `token_column`) for this transaction."""
    session.info[_SESSION_KEY] = token


def _edits_watched(session: Session) -> bool:
    """Whether the session holds an unflushed edit of a row the token stands for."""
    return any(
        getattr(getattr(obj, "__table__", None), "name", None) in WATCHED_TABLES
        for obj in (*session.new, *session.dirty, *session.deleted)
    )


def change_token(session: Session) -> int:
    """The token in force for this session's transaction: read once, then remembered.

    An edit of a watched row pending in the session is flushed first, so that its
    trigger has fired; other pending changes stay pending (a step writes its rows once).
    """
    if _edits_watched(session):
        session.flush()
    token = session.info.get(_SESSION_KEY)
    if token is None:
        token = session.scalar(_token()) or 0
        session.info[_SESSION_KEY] = token
    return int(token)


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction: SessionTransaction) -> None:
    """The next transaction reads the token anew. A flush's inner transaction and a
    savepoint end inside the same database transaction, so they keep it."""
    if transaction.parent is None:
        session.info.pop(_SESSION_KEY, None)


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _flush: UOWTransaction) -> None:
    """A flushed edit of a watched row has replaced the token."""
    if _edits_watched(session):
        session.info.pop(_SESSION_KEY, None)


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> None:
    """An INSERT, UPDATE or DELETE statement on a watched table has replaced the token
    (one on another table, such as the reference counter's upsert, has not)."""
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in WATCHED_TABLES or table is None:
            state.session.info.pop(_SESSION_KEY, None)


class StampedCache(Generic[T]):
    """Values built from the database, kept per process under (token, key).

    Bounded: the oldest entries go first, so tokens that no longer apply fall out.
    """

    def __init__(self, size: int = 256) -> None:
        self._entries: OrderedDict[tuple[int, Hashable], T] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, session: Session, key: Hashable, build: Callable[[], T]) -> T:
        """The value under the session's token and `key`, built on a miss."""
        entry = (change_token(session), key)
        with self._lock:
            if entry in self._entries:
                self._entries.move_to_end(entry)
                return self._entries[entry]
        value = build()
        with self._lock:
            self._entries[entry] = value
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value


class RowCache(StampedCache[R | None]):
    """Detached rows (`detached`), or None for rows that do not exist, kept per process
    under the stamp and handed out merged into the asking session."""

    def merged(self, session: Session, key: Hashable, read: Callable[[], R | None]) -> R | None:
        """The row under `key` as a row of `session`, read with `read` on a miss."""
        cached = self.get(session, key, read)
        return None if cached is None else session.merge(cached, load=False)


def detached(cls: type[R], values: Mapping[str, Any]) -> R:
    """A row of `cls` built from its column values without any session: a cache keeps
    it, and `Session.merge(row, load=False)` (SQLAlchemy's way of bringing a cached row
    into a session) makes it a row of a session without a statement, the copy itself only
    read. Built rather than loaded, so that no session's own row is taken away from it."""
    row = cls(**{column.key: values[column.key] for column in cls.__table__.columns})
    make_transient_to_detached(row)
    return row
