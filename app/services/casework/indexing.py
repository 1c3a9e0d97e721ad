"""Keeping the search index in step with the cases (issue 12, item 5).

`index_instance` runs inside `project_instance`, after every start and step, and
`index_comment` inside `CommentService.post`, so the document changes in the transaction
that changes the case; the database then updates its own index (a generated tsvector on
PostgreSQL, FTS5 triggers on SQLite: migration 0019). Only fields that describe the case
are copied: never NIP/NIK, telephone or e-mail, so no snippet can show them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Agency, Comment, Instance, SearchDocument, Service, Visibility

#: The data fields that describe a case, after its title (`judul`).
DESCRIBING = ("uraian", "gejala", "uraian_perubahan", "uraian_kejadian")


def _scope_names(session: Session, instance: Instance, data: dict[str, Any]) -> list[str]:
    """The names of the service the data names (what the step is about to move the case
    to, see `InstanceService._follow_service`), else the instance's, and of its PD."""
    current = instance.service
    code = data.get("layanan")
    if current is not None and code in (None, current.code):
        return [current.name, current.agency.name]
    query = select(Service.name, Agency.name).join(Agency, Agency.id == Service.agency_id)
    row = (
        session.execute(query.where(Service.code == code)).first()
        if isinstance(code, str)
        else None
    )
    if row is None and instance.service_id is not None:
        row = session.execute(query.where(Service.id == instance.service_id)).first()
    if row is not None:
        return [row[0], row[1]]
    if instance.agency_id is not None:
        return [session.scalar(select(Agency.name).where(Agency.id == instance.agency_id)) or ""]
    return []


def _document(session: Session, instance: Instance, new: bool) -> SearchDocument:
    """The instance's document: stored, added earlier in this transaction, or new (`new`:
    the instance was started in this transaction, so nothing is stored to look for)."""
    document = next(
        (
            pending
            for pending in session.new
            if isinstance(pending, SearchDocument) and pending.instance_id == instance.id
        ),
        None,
    )
    if document is None and not new:
        document = session.get(SearchDocument, instance.id)
    if document is None:
        document = SearchDocument(instance_id=instance.id, public_notes="", internal_notes="")
        session.add(document)
    return document


def _described(instance: Instance, data: dict[str, Any]) -> tuple[Any, ...]:
    """What the document is made from: the number, title, description and service."""
    return (
        instance.reference,
        data.get("judul"),
        data.get("layanan"),
        *(data.get(key) for key in DESCRIBING),
    )


def index_instance(
    session: Session,
    instance: Instance,
    previous: dict[str, Any] | None = None,
    new: bool = False,
) -> None:
    """Write the instance's number, title, description and scope into its document.

    `previous` is the data before the step: when nothing the document is made from
    changed, the document is left as it is, which spares a step two reads and a write
    (a renamed service shows in a case's document from its next such change). `new`: the
    instance starts in this transaction and has no document yet. Reads without
    flushing, so the instance row is still written once per step.
    """
    data = instance.data if isinstance(instance.data, dict) else {}
    if previous is not None and _described(instance, previous) == _described(instance, data):
        return
    with session.no_autoflush:
        parts = [str(data[k]) for k in DESCRIBING if isinstance(data.get(k), str)]
        parts += _scope_names(session, instance, data)
        document = _document(session, instance, new)
        document.reference = instance.reference or ""
        document.title = str(data.get("judul") or "")
        document.body = "\n".join(part for part in parts if part)


def index_comment(session: Session, instance: Instance, comment: Comment) -> None:
    """Add a comment's body to its instance's document, among the notes its visibility
    lets readers match (internal ones: staff only)."""
    with session.no_autoflush:
        if session.get(SearchDocument, instance.id) is None:
            index_instance(session, instance)
        document = _document(session, instance, new=False)
    if comment.visibility == Visibility.INTERNAL:
        document.internal_notes = "\n".join(filter(None, [document.internal_notes, comment.body]))
    else:
        document.public_notes = "\n".join(filter(None, [document.public_notes, comment.body]))
