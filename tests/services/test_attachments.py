"""AttachmentService: storing uploads (size, kind), resolving the references a form posts,
who may read a file back, and removing abandoned ones."""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.config import AttachmentLimits, SettingInvalid
from app.errors import FormInvalid, NotFound
from app.models import Attachment, User
from app.services.audit.attachments import AttachmentService, content_type_of, reference
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
    limits = replace(platform.settings.attachments, directory=tmp_path / "lampiran", max_bytes=100)
    return AttachmentService(session, platform.instances(session), limits)


def test_store_writes_under_a_chosen_name_and_records_the_file(
    service: AttachmentService, session: Session
):
    user = _user(session, "pengguna")
    stored = service.store(FakeUpload(b"%PDF-1", "../../etc/surat.pdf"), user)
    assert stored.name == "surat.pdf"
    assert stored.size == 6
    assert len(stored.sha256) == 64
    path = service.directory / stored.stored_name
    assert path.read_bytes() == b"%PDF-1"
    assert list(service.directory.iterdir()) == [path]  # no temporary file left
    assert reference(stored) == {
        "attachment_id": stored.id,
        "name": "surat.pdf",
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
        service.store(FakeUpload(content), _user(session, "pengguna"), "a.bukti")
    assert message in raised.value.errors["a.bukti"][0]
    assert not any(service.directory.iterdir())
    assert session.scalars(select(Attachment)).all() == []


def test_resolve_replaces_uploads_and_checks_kept_ids(service: AttachmentService, session: Session):
    user = _user(session, "pengguna")
    earlier = service.store(FakeUpload(b"%PDF-lama"), user)
    data = {
        "catatan": "teks",
        "bukti": FakeUpload(b"%PDF-baru"),
        "daftar": [{"lampiran": {"attachment_id": earlier.id}}],
    }
    resolved = service.resolve(data, user, None)
    assert resolved["catatan"] == "teks"
    assert resolved["bukti"]["name"] == "bukti.pdf"
    assert resolved["daftar"][0]["lampiran"] == reference(earlier)

    other = _user(session, "admin.layanan")
    with pytest.raises(FormInvalid) as refused:
        service.resolve({"bukti": {"attachment_id": earlier.id}}, other, None)
    assert list(refused.value.errors) == ["bukti"]
    with pytest.raises(FormInvalid):
        service.resolve({"daftar": [{"attachment_id": 424242}]}, user, None)


def test_start_links_and_open_follows_who_may_read_the_instance(
    service: AttachmentService, session: Session, platform: Platform
):
    requester = _user(session, "pengguna")
    upload = service.store(FakeUpload(b"%PDF-isi"), requester)
    data = {**SAMPLE_REQUEST, "tangkapan_layar": {"attachment_id": upload.id}}
    instance = platform.instances(session).start("permintaan-layanan", data, requester)
    session.refresh(upload)
    assert upload.instance_id == instance.id
    assert instance.data["tangkapan_layar"] == reference(upload)

    row, path = service.open(upload.id, _user(session, "admin.layanan"))  # staff in scope
    assert path.read_bytes() == b"%PDF-isi"
    assert row.id == upload.id

    stranger_file = service.store(FakeUpload(b"%PDF-x"), _user(session, "penyedia"))
    with pytest.raises(NotFound) as forbidden:
        service.open(stranger_file.id, requester)  # not linked, not theirs
    with pytest.raises(NotFound) as unknown:
        service.open(99999, requester)
    assert forbidden.value.message == unknown.value.message
    path.unlink()
    with pytest.raises(NotFound):
        service.open(upload.id, requester)


@pytest.mark.parametrize(
    ("name", "declared", "head", "accepted"),
    [
        ("a.pdf", "application/pdf", b"%PDF-1.7", "application/pdf"),
        ("A.PNG", "application/octet-stream", b"\x89PNG\r\n\x1a\n", "image/png"),
        ("c.csv", "application/vnd.ms-excel", b"a;b\n1;2", "text/csv"),
        ("s.webp", "image/webp", b"RIFF\x00\x00\x00\x00WEBPVP8", "image/webp"),
        ("x.html", "text/html", b"<html>", None),  # not an allowed kind
        ("x.pdf", "text/html", b"%PDF-1.7", None),  # declared type does not fit
        ("x.png", "image/png", b"%PDF-1.7", None),  # content is not a PNG
        ("x.txt", "text/plain", b"a\x00b", None),  # binary posing as text
        ("noext", "application/pdf", b"%PDF-1.7", None),
    ],
)
def test_content_type_of_checks_extension_declared_type_and_content(
    name: str, declared: str, head: bytes, accepted: str | None
):
    allowed = ("pdf", "png", "csv", "webp", "txt")
    if accepted is None:
        with pytest.raises(ValueError, match="/"):
            content_type_of(name, declared, head, allowed)
    else:
        assert content_type_of(name, declared, head, allowed) == accepted


def test_delete_abandoned_removes_only_old_unlinked_files(
    service: AttachmentService, session: Session, platform: Platform, clock: FixedClock
):
    requester = _user(session, "pengguna")
    old = service.store(FakeUpload(b"%PDF-lama"), requester)
    kept = service.store(FakeUpload(b"%PDF-dipakai"), requester)
    platform.instances(session).start(
        "permintaan-layanan", {**SAMPLE_REQUEST, "tangkapan_layar": reference(kept)}, requester
    )
    clock.advance(timedelta(hours=23))
    young = service.store(FakeUpload(b"%PDF-baru"), requester)
    clock.advance(timedelta(hours=2))
    removed = service.delete_abandoned()
    assert removed == [old.stored_name]
    service.unlink_files(removed)
    assert not (service.directory / old.stored_name).exists()
    assert {a.id for a in session.scalars(select(Attachment))} == {kept.id, young.id}


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("ATTACHMENT_DIR", str(tmp_path))
    monkeypatch.setenv("ATTACHMENT_MAX_BYTES", "2048")
    monkeypatch.setenv("ATTACHMENT_MAX_PER_INSTANCE", "5")
    monkeypatch.setenv("ATTACHMENT_TYPES", ".PDF, png")
    limits = AttachmentLimits.from_env()
    assert (limits.directory, limits.max_bytes, limits.max_instance_files) == (tmp_path, 2048, 5)
    assert limits.types == ("pdf", "png")
    monkeypatch.setenv("ATTACHMENT_TYPES", "pdf,exe")
    with pytest.raises(SettingInvalid, match="exe"):
        AttachmentLimits.from_env()
    monkeypatch.setenv("ATTACHMENT_TYPES", "")
    monkeypatch.setenv("ATTACHMENT_MAX_PER_INSTANCE_BYTES", "0")
    with pytest.raises(SettingInvalid, match="ATTACHMENT_MAX_PER_INSTANCE_BYTES"):
        AttachmentLimits.from_env()
