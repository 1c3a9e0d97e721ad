"""Files attached to forms: stored by the app, referenced from task data, read back only
by people who may read the record they belong to.

A form's file field holds a reference (`{"attachment_id", "name", "size",
"content_type"}`, docs/bpmn-conventions.md, "Forms"), never the bytes, so instance data
and events stay small. The bytes go to a directory the app owns under a name it chooses
(a random hex string), so an uploader's file name never becomes a path; the row keeps their
SHA-256.

A file is uploaded first (with a page's form, or `POST /api/v1/attachments`) and belongs to
its uploader alone until a start or a task completion that references it succeeds: then
it is linked to that instance (`AttachmentClaims`, called by `InstanceService.start` and
`TaskService.complete`, so the pages and the API share it). A file never linked (its form
was refused, or the post abandoned) is removed by `spbe tick` a day later, unless a record
other than a case holds it: a DRP version's document (`ContinuityPlan.document_id`), which
no form may reference either.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session

from app.clock import Clock
from app.config import ATTACHMENT_KINDS, AttachmentLimits
from app.errors import Conflict, FormInvalid, NotFound, NotPermitted
from app.models import (
    Attachment,
    Comment,
    CommentAttachment,
    ContinuityPlan,
    Instance,
    User,
    Visibility,
)
from app.services.casework.audience import sees_internal

log = logging.getLogger(__name__)

_CHUNK = 64 * 1024
#: Leading bytes kept to recognise a file's kind.
_HEAD = 64
#: Declared types that say nothing (a browser that does not know the extension).
_GENERIC = ("", "application/octet-stream", "binary/octet-stream")
#: The one answer for an id that names nothing and one the caller may not read.
_NOT_FOUND = "Lampiran tidak ditemukan / attachment not found"
#: Files held by a record that is not a case, so neither abandoned nor free for a form.
_HELD_ELSEWHERE = exists().where(ContinuityPlan.document_id == Attachment.id)


class Upload(Protocol):
    """What an uploaded file offers (werkzeug's FileStorage has these)."""

    filename: str | None
    mimetype: str
    stream: IO[bytes]


class InstanceReader(Protocol):
    """The instance read's rule and clock (`InstanceService`); a protocol, since the
    lifecycle itself checks and links a start's files here."""

    clock: Clock

    def get(self, instance_id: int, user: User) -> Instance:
        """The instance if `user` may read it (raises NotFound / NotPermitted)."""
        ...


class FileTooLarge(FormInvalid):
    """An upload over the per-file limit: 413 on the API, a field error on a page."""

    status = 413


def is_upload(value: Any) -> bool:
    """Whether a parsed form value is a file just uploaded (not yet stored)."""
    return hasattr(value, "stream") and hasattr(value, "filename")


def reference(attachment: Attachment) -> dict[str, Any]:
    """The value a file field holds in task data."""
    return {
        "attachment_id": attachment.id,
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
    }


def _safe_name(filename: str) -> str:
    """The last part of an uploaded file's name, without control characters."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return cleaned[:255] or "berkas"


def _size(count: int) -> str:
    """A byte count as a person reads a limit: 10 MB, 512 KB, 100 B."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count} B"


def _refused(field: str, message: str) -> FormInvalid:
    return FormInvalid(f"Lampiran ditolak / attachment refused: {message}", {field: [message]})


def content_type_of(name: str, declared: str, head: bytes, allowed: tuple[str, ...]) -> str:
    """The type a file is stored and served as, from its extension, once the extension is
    allowed, the browser's declared type fits it, and its first bytes are that kind's.

    Raises:
        ValueError: the file is not an allowed kind (the message says why, in both
            languages).
    """
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = ATTACHMENT_KINDS.get(extension) if extension in allowed else None
    if kind is None:
        kinds = ", ".join("." + t for t in allowed)
        raise ValueError(
            f"jenis berkas tidak diterima, yang diterima: {kinds} / "
            f"file type not accepted, accepted: {kinds}"
        )
    declared = (declared or "").split(";", 1)[0].strip().lower()
    if declared not in (kind.content_type, *kind.declared, *_GENERIC):
        raise ValueError(
            f"tipe {declared} tidak cocok dengan .{extension} / "
            f"type {declared} does not match .{extension}"
        )
    if kind.signatures:
        fits = any(head[at : at + len(sig)] == sig for at, sig in kind.signatures)
    else:
        fits = b"\x00" not in head
    if not fits:
        raise ValueError(f"isi berkas bukan .{extension} / the file's content is not .{extension}")
    return kind.content_type


@dataclass
class Claimed:
    """A submission's references checked: `data` with each replaced by the stored one,
    and the files it links for the first time, by the path of the field naming them."""

    data: Any = None
    new: dict[str, Attachment] = field(default_factory=dict)


class AttachmentClaims:
    """Which files a start or completion may reference, and linking them to the instance.

    Its rule: a reference names a file already linked to this instance (a form sent back
    with earlier fields), or one the caller uploaded and nobody has linked yet; the instance
    then holds at most `max_instance_files` files and `max_instance_bytes` bytes.
    """

    def __init__(self, session: Session, limits: AttachmentLimits) -> None:
        self.session = session
        self.limits = limits

    def check(self, data: Any, user: User, instance_id: int | None) -> Claimed:
        """`data` with every `{"attachment_id": n, ...}` replaced by the stored reference.

        Raises:
            FormInvalid: a reference to a file that is not there for the caller, or too many
                files for the instance (keyed by the path of the field naming the file).
        """
        errors: dict[str, list[str]] = {}
        claimed = Claimed()
        claimed.data = self._walk(data, user, instance_id, "", errors, claimed)
        if not errors:
            message = self.over_instance_limits(instance_id, list(claimed.new.values()))
            if message is not None:
                errors.update({path: [message] for path in claimed.new})
        if errors:
            raise FormInvalid("Lampiran tidak valid / invalid attachment", errors)
        return claimed

    def _walk(
        self,
        data: Any,
        user: User,
        instance_id: int | None,
        path: str,
        errors: dict[str, list[str]],
        claimed: Claimed,
    ) -> Any:
        if isinstance(data, list):
            return [
                self._walk(v, user, instance_id, _join(path, str(i)), errors, claimed)
                for i, v in enumerate(data)
            ]
        if not isinstance(data, dict):
            return data
        if "attachment_id" not in data:
            return {
                k: self._walk(v, user, instance_id, _join(path, k), errors, claimed)
                for k, v in data.items()
            }
        ident = data["attachment_id"]
        attachment = (
            self.session.get(Attachment, ident)
            if isinstance(ident, int) and not isinstance(ident, bool)
            else None
        )
        if attachment is None:
            usable = False
        elif attachment.instance_id is None:
            usable = attachment.uploaded_by_id == user.id and (
                self.session.scalar(
                    select(ContinuityPlan.id).where(ContinuityPlan.document_id == attachment.id)
                )
                is None
            )
        else:
            usable = attachment.instance_id == instance_id
        if attachment is None or not usable:
            errors[path or "attachment_id"] = [
                "Lampiran tidak ada atau bukan unggahan Anda / no such attachment among your "
                "uploads"
            ]
            return data
        if attachment.instance_id is None and attachment not in claimed.new.values():
            claimed.new[path] = attachment
        return reference(attachment)

    def over_instance_limits(
        self, instance_id: int | None, new: Sequence[Attachment]
    ) -> str | None:
        """Why linking `new` (files not linked to any instance yet) would take the instance
        over `max_instance_files` or `max_instance_bytes`, or None when it fits.

        Public so that every way of linking files to a case (a form's file fields, a work
        log comment) applies the one rule.
        """
        if not new:
            return None
        files, size = 0, 0
        if instance_id is not None:
            files, size = self.session.execute(
                select(func.count(), func.coalesce(func.sum(Attachment.size), 0)).where(
                    Attachment.instance_id == instance_id
                )
            ).one()
        limits = self.limits
        if files + len(new) > limits.max_instance_files:
            return (
                f"paling banyak {limits.max_instance_files} lampiran per kasus / "
                f"at most {limits.max_instance_files} attachments per case"
            )
        if size + sum(a.size for a in new) > limits.max_instance_bytes:
            total = _size(limits.max_instance_bytes)
            return f"lampiran kasus melebihi {total} / the case's attachments exceed {total}"
        return None

    def link(self, claimed: Claimed, instance: Instance) -> None:
        """Tie the files a successful start or completion referenced to its instance.

        Raises:
            Conflict: one of them was removed or linked elsewhere meanwhile.
        """
        ids = [a.id for a in claimed.new.values()]
        if not ids:
            return
        result = self.session.execute(
            update(Attachment)
            .where(Attachment.id.in_(ids), Attachment.instance_id.is_(None))
            .values(instance_id=instance.id)
            .execution_options(synchronize_session="fetch")
        )
        if result.rowcount != len(ids):  # type: ignore[attr-defined]
            raise Conflict("Lampiran berubah bersamaan / an attachment changed meanwhile")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class AttachmentService:
    """Stores uploads, reads them back for those who may read their record, and removes
    the abandoned ones."""

    def __init__(
        self, session: Session, instances: InstanceReader, limits: AttachmentLimits
    ) -> None:
        """`instances` decides who may read an instance's files."""
        self.session = session
        self.instances = instances
        self.limits = limits
        self.directory = limits.directory
        self.claims = AttachmentClaims(session, limits)

    def store(
        self,
        upload: Upload,
        user: User,
        field: str = "file",
        kinds: tuple[str, ...] | None = None,
    ) -> Attachment:
        """Write an upload to disk and record it as the uploader's, linked to nothing yet.

        `kinds` narrows the configured kinds for a field that takes fewer (a DRP document:
        PDF, DOCX, ODT); the size limit is the same for every file.

        Raises:
            FileTooLarge: over `max_bytes` (keyed by `field`).
            FormInvalid: the file is empty, or not one of the allowed kinds.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        name = _safe_name(upload.filename or "")
        stored_name = secrets.token_hex(16)
        digest = hashlib.sha256()
        size = 0
        head = b""
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as target:
                for chunk in iter(lambda: upload.stream.read(_CHUNK), b""):
                    size += len(chunk)
                    if size > self.limits.max_bytes:
                        limit = _size(self.limits.max_bytes)
                        message = f"berkas melebihi {limit} / file exceeds {limit}"
                        raise FileTooLarge(
                            f"Berkas terlalu besar / file too large: {message}", {field: [message]}
                        )
                    if len(head) < _HEAD:
                        head += chunk[: _HEAD - len(head)]
                    digest.update(chunk)
                    target.write(chunk)
            if size == 0:
                raise _refused(field, "berkas kosong / the file is empty")
            try:
                allowed = self.limits.types if kinds is None else kinds
                content_type = content_type_of(name, upload.mimetype, head, allowed)
            except ValueError as err:
                raise _refused(field, str(err)) from None
            os.replace(temporary, self.directory / stored_name)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        attachment = Attachment(
            instance_id=None,
            uploaded_by_id=user.id,
            name=name,
            content_type=content_type,
            size=size,
            sha256=digest.hexdigest(),
            stored_name=stored_name,
            uploaded_at=self.instances.clock.now(),
        )
        self.session.add(attachment)
        self.session.flush()
        return attachment

    def resolve(self, data: Any, user: User, instance_id: int | None) -> Any:
        """A page's posted form with every new upload stored and every reference checked,
        both replaced by their reference (linking waits for the start or completion).

        Raises:
            FormInvalid: an upload refused (see `store`) or a reference the user may not
                post (see `AttachmentClaims.check`).
        """
        return self.claims.check(self._stored(data, user, ""), user, instance_id).data

    def _stored(self, data: Any, user: User, path: str) -> Any:
        if is_upload(data):
            return reference(self.store(data, user, path))
        if isinstance(data, dict):
            return {k: self._stored(v, user, _join(path, k)) for k, v in data.items()}
        if isinstance(data, list):
            return [self._stored(v, user, _join(path, str(i))) for i, v in enumerate(data)]
        return data

    def open(self, attachment_id: int, user: User) -> tuple[Attachment, Path]:
        """An attachment and its file: one linked to an instance for whoever may read that
        instance (`InstanceService.get`), and when an internal note carries it, only for
        staff who read internal notes (casework/audience.py); one not linked yet for its
        uploader alone.

        Raises:
            NotFound: no such attachment, one the user may not read (the same answer, so
                an id tells an outsider nothing), or its file is gone.
        """
        attachment = self.session.get(Attachment, attachment_id)
        if attachment is None:
            raise NotFound(_NOT_FOUND)
        if attachment.instance_id is None:
            if attachment.uploaded_by_id != user.id:
                raise NotFound(_NOT_FOUND)
        else:
            try:
                instance = self.instances.get(attachment.instance_id, user)
            except NotPermitted:
                raise NotFound(_NOT_FOUND) from None
            if self._on_internal_note(attachment) and not sees_internal(
                self.session, user, instance
            ):
                raise NotFound(_NOT_FOUND)
        return attachment, self.file_of(attachment)

    def file_of(self, attachment: Attachment) -> Path:
        """Where a stored file's bytes are, for a caller that has checked the reader
        (`open` for forms' files, the continuity service for DRP documents).

        Raises:
            NotFound: the file is gone from the directory.
        """
        path = self.directory / attachment.stored_name
        if not path.is_file():
            raise NotFound("Berkas lampiran hilang / the attachment's file is missing")
        return path

    def _on_internal_note(self, attachment: Attachment) -> bool:
        return (
            self.session.scalar(
                select(Comment.id)
                .join(CommentAttachment, CommentAttachment.comment_id == Comment.id)
                .where(
                    CommentAttachment.attachment_id == attachment.id,
                    Comment.visibility == Visibility.INTERNAL,
                )
            )
            is not None
        )

    def delete_abandoned(self) -> list[str]:
        """Delete the rows of files no instance took within `abandoned_after` of their
        upload, and no other record holds (a DRP version's document); returns their stored
        names, for `unlink_files` once the deletion commits (a file left on disk by a
        failed commit is only an orphan, never a dangling row)."""
        cutoff = self.instances.clock.now() - self.limits.abandoned_after
        return list(
            self.session.scalars(
                delete(Attachment)
                .where(
                    Attachment.instance_id.is_(None),
                    Attachment.uploaded_at < cutoff,
                    ~_HELD_ELSEWHERE,
                )
                .returning(Attachment.stored_name)
                .execution_options(synchronize_session=False)
            )
        )

    def unlink_files(self, stored_names: list[str]) -> None:
        """Remove files from disk after their rows are gone (missing ones are fine)."""
        for stored in stored_names:
            (self.directory / stored).unlink(missing_ok=True)


def remove_abandoned(
    sessions: Callable[[], Session], attachments_for: Callable[[Session], AttachmentService]
) -> int:
    """What `spbe tick` does for files: delete those never linked to an instance (uploaded
    with a form that was refused, or by a post nobody finished) a day after the upload,
    rows in one transaction, then the bytes; returns how many."""
    with sessions() as session, session.begin():
        service = attachments_for(session)
        removed = service.delete_abandoned()
    service.unlink_files(removed)
    if removed:
        log.info("removed %d abandoned attachment(s)", len(removed))
    return len(removed)
