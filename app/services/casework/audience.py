"""Who reads what of a case's work log: internal notes are for staff, public replies for
the requester too (issue 12, item 2).

Reading the instance at all is `InstanceService.get` / `visible_clause`; this module only
splits its readers in two. The requester is the instance's starter (the `Pemohon`); a
starter who holds a staff role (a service desk filing a complaint for a caller) is staff
and reads internal notes like the colleagues they work with.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from app.models import Instance, User, Visibility
from app.services.accounts.permissions import STAFF, allows

#: The history entry a comment leaves (app/services/casework/comments.py).
COMMENT_EVENT = "comment_added"


class _HistoryEntry(Protocol):
    kind: str
    data: Any


E = TypeVar("E", bound=_HistoryEntry)


def sees_internal(session: Session, user: User, instance: Instance) -> bool:
    """Whether `user`, who may read `instance`, also reads and writes its internal notes.

    Everyone who may read the instance does but its requester; a requester who holds a
    staff role somewhere counts as staff.
    """
    return user.id != instance.started_by_id or allows(session, user, STAFF)


def is_internal_note(entry: _HistoryEntry) -> bool:
    """Whether a history entry is an internal note's."""
    data = entry.data if isinstance(entry.data, dict) else {}
    return entry.kind == COMMENT_EVENT and data.get("visibility") == Visibility.INTERNAL


def audible(session: Session, user: User, instance: Instance, history: Iterable[E]) -> list[E]:
    """The history without the internal notes `user` may not read, so the instance's
    timeline (page and API) never shows the requester a staff-only note."""
    entries = list(history)
    if sees_internal(session, user, instance):
        return entries
    return [entry for entry in entries if not is_internal_note(entry)]
