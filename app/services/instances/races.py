"""Turning a lost race between two writers into a 409 instead of a 500."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app.errors import Conflict


@contextmanager
def lost_race_is_conflict() -> Iterator[None]:
    """Map the signs of a concurrent write to `Conflict`.

    The instance row carries a version column, so an UPDATE after someone else's commit
    matches no row (StaleDataError, whenever SQLAlchemy flushes). SQLite may instead
    refuse the second writer outright ("database is locked").
    """
    try:
        yield
    except StaleDataError:
        raise Conflict(
            "Data berubah bersamaan, coba lagi / changed concurrently, try again"
        ) from None
    except OperationalError as err:
        if "locked" in str(err.orig).lower():
            raise Conflict("Basis data sibuk, coba lagi / database busy, try again") from None
        raise
