"""The platform and one database session per request, shared by the API and the web pages.

The session opens on first use and is closed at teardown, so a request that fails half-way
leaves nothing committed (architecture.md).
"""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session

from app.services.context import Platform


def platform() -> Platform:
    """The app's long-lived services."""
    built: Platform = current_app.extensions["spbe"]
    return built


def session() -> Session:
    """This request's session, opened on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = platform().sessions()
    db_session: Session = g.db_session
    return db_session


def close_session(_exc: BaseException | None = None) -> None:
    """Teardown: roll back whatever was not committed and close."""
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()
