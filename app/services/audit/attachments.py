"""Files uploaded with forms: stored by the app, referenced from task data, read back only
by people who may see the instance they belong to.

A form's file field holds a reference (`{"attachment_id", "name", "size",
"content_type"}`, docs/bpmn-conventions.md, "Forms"), never the bytes, so instance data
and events stay small. The bytes go to a directory the app owns under a name it chooses
(a random hex string), so an uploader's file name never becomes a path.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.errors import FormInvalid, NotFound, NotPermitted
from app.models import Attachment, Instance, User
from app.services.instances.lifecycle import InstanceService

#: Default largest file accepted, in bytes.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_CHUNK = 64 * 1024


class Upload(Protocol):
    """What an uploaded file offers (werkzeug's FileStorage has these)."""

    filename: str | None
    mimetype: str
    stream: IO[bytes]


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


class AttachmentService:
    """Stores uploads, resolves the references a form posts, and checks who may read."""

    def __init__(
        self,
        session: Session,
        instances: InstanceService,
        directory: Path,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        """`instances` decides who may read an instance's files."""
        self.session = session
        self.instances = instances
        self.directory = directory
        self.max_bytes = max_bytes

    def store(
        self, upload: Upload, user: User, instance_id: int | None, field: str = ""
    ) -> Attachment:
        """Write an upload to disk and record it.

        Raises:
            FormInvalid: the file is empty or larger than `max_bytes` (keyed by `field`).
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        stored_name = secrets.token_hex(16)
        digest = hashlib.sha256()
        size = 0
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as target:
                for chunk in iter(lambda: upload.stream.read(_CHUNK), b""):
                    size += len(chunk)
                    if size > self.max_bytes:
                        limit = self.max_bytes // (1024 * 1024)
                        raise FormInvalid(
                            "Berkas terlalu besar / file too large",
                            {field: [f"berkas melebihi {limit} MB / file exceeds {limit} MB"]},
                        )
                    digest.update(chunk)
                    target.write(chunk)
            if size == 0:
                raise FormInvalid(
                    "Berkas kosong / empty file", {field: ["berkas kosong / the file is empty"]}
                )
            os.replace(temporary, self.directory / stored_name)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        attachment = Attachment(
            instance_id=instance_id,
            uploaded_by_id=user.id,
            name=_safe_name(upload.filename or ""),
            content_type=(upload.mimetype or "application/octet-stream")[:100],
            size=size,
            sha256=digest.hexdigest(),
            stored_name=stored_name,
            uploaded_at=self.instances.clock.now(),
        )
        self.session.add(attachment)
        self.session.flush()
        return attachment

    def kept(self, attachment_id: int, user: User, instance_id: int | None) -> Attachment:
        """An earlier upload a form posts again by its id: only the uploader's own, and
        only for the same instance (or one not linked yet).

        Raises:
            NotPermitted: someone else's file, or another instance's.
        """
        attachment = self.session.get(Attachment, attachment_id)
        if (
            attachment is None
            or attachment.uploaded_by_id != user.id
            or attachment.instance_id not in (None, instance_id)
        ):
            raise NotPermitted("Lampiran bukan milik Anda / not your attachment")
        return attachment

    def resolve(self, data: Any, user: User, instance_id: int | None, path: str = "") -> Any:
        """`data` with every new upload stored and every kept id checked, both replaced by
        their reference. Nothing else changes."""
        if is_upload(data):
            return reference(self.store(data, user, instance_id, path))
        if isinstance(data, dict):
            if set(data) == {"attachment_id"} and isinstance(data["attachment_id"], int):
                return reference(self.kept(data["attachment_id"], user, instance_id))
            return {
                key: self.resolve(value, user, instance_id, f"{path}.{key}" if path else key)
                for key, value in data.items()
            }
        if isinstance(data, list):
            return [
                self.resolve(value, user, instance_id, f"{path}.{i}" if path else str(i))
                for i, value in enumerate(data)
            ]
        return data

    def link(self, data: Any, user: User, instance: Instance) -> None:
        """Tie the uploader's unlinked files that `data` names to the instance just
        started with it (start forms upload before the instance exists)."""
        ids = list(_attachment_ids(data))
        if ids:
            self.session.execute(
                update(Attachment)
                .where(
                    Attachment.id.in_(ids),
                    Attachment.uploaded_by_id == user.id,
                    Attachment.instance_id.is_(None),
                )
                .values(instance_id=instance.id)
            )

    def open(self, attachment_id: int, user: User) -> tuple[Attachment, Path]:
        """An attachment and its file, for the uploader or anyone who may see its instance.

        Raises:
            NotFound: no such attachment, or its file is gone.
            NotPermitted: the user may not see the instance it belongs to.
        """
        attachment = self.session.scalar(select(Attachment).where(Attachment.id == attachment_id))
        if attachment is None:
            raise NotFound("Lampiran tidak ditemukan / attachment not found")
        if attachment.uploaded_by_id != user.id:
            if attachment.instance_id is None:
                raise NotPermitted("Lampiran bukan milik Anda / not your attachment")
            self.instances.get(attachment.instance_id, user)
        path = self.directory / attachment.stored_name
        if not path.is_file():
            raise NotFound("Berkas lampiran hilang / the attachment's file is missing")
        return attachment, path


def _attachment_ids(data: Any) -> Iterator[int]:
    if isinstance(data, dict):
        if isinstance(data.get("attachment_id"), int):
            yield data["attachment_id"]
        for value in data.values():
            yield from _attachment_ids(value)
    elif isinstance(data, list):
        for value in data:
            yield from _attachment_ids(value)
