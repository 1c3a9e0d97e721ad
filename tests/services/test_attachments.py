"""AttachmentService: storing uploads, resolving the references a form posts, and who may
read a file back."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import FormInvalid, NotFound, NotPermitted
from app.models import Attachment, User
from app.services.audit.attachments import AttachmentService, reference
from app.services.context import Platform
from app.services.demo import SAMPLE_REQUEST

pytestmark = pytest.mark.usefixtures("deployed")


@dataclass
class FakeUpload:
    """An upload as a browser posts it: a name, a type and a stream of bytes."""

    content: bytes
    filename: str | None = "bukti.pdf"
    mimetype: str = "application/pdf"
    stream: IO[bytes] = field(init=False)

    def __post_init__(self) -> None:
        self.stream = io.BytesIO(self.content)


def _user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


@pytest.fixture
def service(session: Session, platform: Platform, tmp_path: Path) -> AttachmentService:
    return AttachmentService(
        session, platform.instances(session), tmp_path / "lampiran", max_bytes=100
    )


def test_store_writes_under_a_chosen_name_and_records_the_file(
    service: AttachmentService, session: Session
):
    user = _user(session, "pengguna")
    stored = service.store(FakeUpload(b"%PDF-1", "../../etc/passwd"), user, None)
    assert stored.name == "passwd"
    assert stored.size == 6
    assert len(stored.sha256) == 64
    path = service.directory / stored.stored_name
    assert path.read_bytes() == b"%PDF-1"
    assert list(service.directory.iterdir()) == [path]  # no temporary file left
    assert reference(stored) == {
        "attachment_id": stored.id,
        "name": "passwd",
        "size": 6,
        "content_type": "application/pdf",
    }


@pytest.mark.parametrize(
    ("content", "message"), [(b"x" * 101, "berkas melebihi"), (b"", "berkas kosong")]
)
def test_store_refuses_too_large_and_empty_files(
    service: AttachmentService, session: Session, content: bytes, message: str
):
    with pytest.raises(FormInvalid) as raised:
        service.store(FakeUpload(content), _user(session, "pengguna"), None, "a.bukti")
    assert message in raised.value.errors["a.bukti"][0]
    assert not any(service.directory.iterdir())
    assert session.scalars(select(Attachment)).all() == []


def test_resolve_replaces_uploads_and_checks_kept_ids(service: AttachmentService, session: Session):
    user = _user(session, "pengguna")
    earlier = service.store(FakeUpload(b"lama"), user, None)
    data = {
        "catatan": "teks",
        "bukti": FakeUpload(b"baru"),
        "daftar": [{"lampiran": {"attachment_id": earlier.id}}],
    }
    resolved = service.resolve(data, user, None)
    assert resolved["catatan"] == "teks"
    assert resolved["bukti"]["name"] == "bukti.pdf"
    assert resolved["daftar"][0]["lampiran"] == reference(earlier)

    other = _user(session, "admin.layanan")
    with pytest.raises(NotPermitted):
        service.resolve({"bukti": {"attachment_id": earlier.id}}, other, None)
    with pytest.raises(NotPermitted):
        service.resolve({"bukti": {"attachment_id": 424242}}, user, None)


def test_link_and_open_follow_who_may_see_the_instance(
    service: AttachmentService, session: Session, platform: Platform
):
    requester = _user(session, "pengguna")
    upload = service.store(FakeUpload(b"isi"), requester, None)
    instance = platform.instances(session).start("permintaan-layanan", SAMPLE_REQUEST, requester)
    service.link({"bukti": reference(upload)}, requester, instance)
    session.flush()
    session.refresh(upload)
    assert upload.instance_id == instance.id

    row, path = service.open(upload.id, _user(session, "admin.layanan"))  # staff in scope
    assert path.read_bytes() == b"isi"
    assert row.id == upload.id

    stranger_file = service.store(FakeUpload(b"x"), _user(session, "penyedia"), None)
    with pytest.raises(NotPermitted):
        service.open(stranger_file.id, requester)  # not linked, not theirs
    with pytest.raises(NotFound):
        service.open(99999, requester)
    path.unlink()
    with pytest.raises(NotFound):
        service.open(upload.id, requester)
