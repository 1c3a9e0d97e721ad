"""`spbe backup` and `spbe restore`, run as an operator would (click's runner), on the
database of the run: SQLite, or PostgreSQL in the PostgreSQL phase (pg_dump/pg_restore).

A backup restored into a fresh database carries a running instance on from where it was,
with its attachment; bad archives, a foreign kind or schema and a database in use are
refused with exit code 2 and nothing changed."""

from __future__ import annotations

import io
import shutil
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner, Result
from sqlalchemy import Connection, create_engine, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from app.cli import main
from app.clock import FixedClock
from app.config import AttachmentLimits, Settings
from app.migrations import alembic_config
from app.models import Agency, Instance, Task, TaskState, User
from app.services.context import Platform
from app.services.demo import SAMPLE_REQUEST
from app.services.operations import archive
from app.services.operations.archive import Manifest
from tests.api.test_permintaan_layanan_flow import CLASSIFY
from tests.conftest import BACKEND, TEST_PASSWORD_COST
from tests.services.test_attachments import FakeUpload
from tests.test_cli import CHEAP_PASSWORDS

pytestmark = [
    pytest.mark.usefixtures("deployed"),
    pytest.mark.skipif(
        BACKEND == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")),
        reason="PostgreSQL backups need pg_dump and pg_restore on PATH",
    ),
]

PDF = b"%PDF-1.4 bukti backup"
#: A fresh database of the run's kind: its URL, and the folder its attachments go to.
Target = tuple[str, Path]


def spbe(target: Target, *args: str) -> Result:
    """The command as an operator runs it against `target`."""
    url, files = target
    env = {"DATABASE_URL": url, "ATTACHMENT_DIR": str(files), **CHEAP_PASSWORDS}
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture
def source(platform: Platform) -> Target:
    """The test's own database, reset to the deployed demo state."""
    return platform.settings.database_url, platform.settings.attachments.directory


@pytest.fixture
def fresh(platform: Platform, tmp_path: Path) -> Iterator[Callable[[], Target]]:
    """Makes empty databases beside the test's: SQLite files, or PostgreSQL databases
    created on the test's server and dropped afterwards."""
    created: list[str] = []
    server = make_url(platform.settings.database_url)

    def make() -> Target:
        name = f"restored{len(created)}"
        files = tmp_path / f"{name}-files"
        if BACKEND == "sqlite":
            created.append(name)
            return f"sqlite:///{tmp_path / name}.sqlite3", files
        database = f"{server.database}_{name}"
        with _admin(server) as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        created.append(database)
        return server.set(database=database).render_as_string(hide_password=False), files

    yield make
    if BACKEND == "postgresql":
        with _admin(server) as connection:
            for database in created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


@contextmanager
def _admin(server: URL) -> Iterator[Connection]:
    """A connection to the server's `postgres` database, for CREATE and DROP DATABASE."""
    engine = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def _open_task(platform: Platform, instance_id: int) -> Task:
    with platform.sessions() as session:
        return session.scalars(
            select(Task).where(
                Task.instance_id == instance_id,
                Task.state.in_((TaskState.READY, TaskState.HELD)),
            )
        ).one()


def _platform_on(target: Target, clock: FixedClock) -> Platform:
    url, files = target
    settings = Settings(
        database_url=url,
        secret_key="test-secret-key",
        password_cost=TEST_PASSWORD_COST,
        attachments=AttachmentLimits(directory=files),
    )
    return Platform.build(settings, FixedClock(clock.now()))


def _backup(target: Target, path: Path) -> Path:
    result = spbe(target, "backup", str(path))
    assert result.exit_code == 0, result.output
    return path


def _tables(target: Target) -> set[str]:
    engine = create_engine(target[0])
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_backup_and_restore_carries_an_instance_on_with_its_attachment(
    platform: Platform, source: Target, fresh: Callable[[], Target], tmp_path: Path
) -> None:
    with platform.sessions() as session, session.begin():
        requester = _user(session, "pengguna")
        upload = platform.attachments(session).store(FakeUpload(PDF), requester)
        data = {**SAMPLE_REQUEST, "tangkapan_layar": {"attachment_id": upload.id}}
        instance = platform.instances(session).start("permintaan-layanan", data, requester)
    waiting = _open_task(platform, instance.id)

    made = spbe(source, "backup", str(tmp_path))
    assert made.exit_code == 0, made.output
    [path] = tmp_path.glob("spbe-backup-*.tar.gz")
    assert path.stat().st_mode & 0o077 == 0  # personal data: the owner's alone
    assert "attachments: 1 file(s)" in made.output

    target = fresh()
    restored = spbe(target, "restore", str(path))
    assert restored.exit_code == 0, restored.output
    assert "restored: every count as in the backup" in restored.output

    assert isinstance(platform.clock, FixedClock)
    again = _platform_on(target, platform.clock)
    try:
        assert _open_task(again, instance.id).bpmn_id == waiting.bpmn_id
        with again.sessions() as session, session.begin():
            again.tasks(session).complete(waiting.id, CLASSIFY, _user(session, "admin.layanan"))
        after = _open_task(again, instance.id)
        assert after.bpmn_id != waiting.bpmn_id  # the case moved on in the restored database
        with again.sessions() as session:
            row, file = again.attachments(session).open(upload.id, _user(session, "pelaksana"))
            assert (row.name, file.read_bytes()) == ("bukti.pdf", PDF)
            assert session.get(Instance, instance.id).data["tangkapan_layar"]["name"] == "bukti.pdf"
    finally:
        again.engine.dispose()
    assert _open_task(platform, instance.id).id == waiting.id  # the source is untouched


def test_backup_while_a_transaction_writes_holds_only_committed_rows(
    platform: Platform, source: Target, tmp_path: Path
) -> None:
    with platform.sessions() as session:
        committed = len(session.scalars(select(Agency)).all())
    with platform.engine.connect() as writer:
        writer.execute(Agency.__table__.insert().values(code="BELUM", name="Belum disimpan"))
        path = _backup(source, tmp_path / "online.tar.gz")  # the writer is still open
        writer.rollback()
    assert _manifest(path).counts["agencies"] == committed


def test_restore_into_a_database_in_use_is_refused_unless_forced(
    source: Target, fresh: Callable[[], Target], tmp_path: Path
) -> None:
    path = _backup(source, tmp_path / "b.tar.gz")
    refused = spbe(source, "restore", str(path))
    assert refused.exit_code == 2
    assert "not empty" in refused.output
    assert "--force" in refused.output

    target = fresh()
    assert spbe(target, "restore", str(path)).exit_code == 0
    assert spbe(target, "restore", str(path)).exit_code == 2
    forced = spbe(target, "restore", "--force", str(path))
    assert forced.exit_code == 0, forced.output
    assert "every count as in the backup" in forced.output


def test_backup_never_overwrites_a_file(source: Target, tmp_path: Path) -> None:
    existing = tmp_path / "ada.tar.gz"
    existing.write_bytes(b"lama")
    result = spbe(source, "backup", str(existing))
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert existing.read_bytes() == b"lama"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ada.tar.gz"]


def _manifest(path: Path) -> Manifest:
    with tarfile.open(path, "r:gz") as tar:
        stream = tar.extractfile(archive.MANIFEST)
        assert stream is not None
        return Manifest.from_json(stream.read())


def _repack(path: Path, out: Path, change: Callable[[str, bytes], tuple[str, bytes]]) -> Path:
    """`path` written again with every member passed through `change`."""
    with tarfile.open(path, "r:gz") as tar, tarfile.open(out, "w:gz") as copy:
        for member in tar:
            stream = tar.extractfile(member)
            assert stream is not None
            name, raw = change(member.name, stream.read())
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            copy.addfile(info, io.BytesIO(raw))
    return out


def _other_manifest(**changes: str) -> Callable[[str, bytes], tuple[str, bytes]]:
    def change(name: str, raw: bytes) -> tuple[str, bytes]:
        if name != archive.MANIFEST:
            return name, raw
        manifest = Manifest.from_json(raw)
        for key, value in changes.items():
            setattr(manifest, key, value)
        return name, manifest.to_json()

    return change


def _flip_database_byte(name: str, raw: bytes) -> tuple[str, bytes]:
    if name in archive.DATABASE_FILES.values():
        raw = raw[:-10] + bytes([raw[-10] ^ 0xFF]) + raw[-9:]
    return name, raw


def _escaping_member(name: str, raw: bytes) -> tuple[str, bytes]:
    return ("attachments/../../evil" if name == archive.MANIFEST else name), raw


def _revisions(platform: Platform) -> tuple[str, str]:
    """The code's head revision and the one before it."""
    scripts = ScriptDirectory.from_config(alembic_config(platform.engine))
    head = scripts.get_current_head()
    assert head is not None
    previous = scripts.get_revision(head).down_revision
    assert isinstance(previous, str)
    return head, previous


def _bad_archives(good: Path, folder: Path, head: str) -> dict[str, tuple[Path, str]]:
    """Each kind of bad input, with what the refusal says."""
    other_kind = "postgresql" if BACKEND == "sqlite" else "sqlite"
    not_gzip = folder / "bukan.tar.gz"
    not_gzip.write_bytes(b"bukan arsip sama sekali" * 10)
    truncated = folder / "terpotong.tar.gz"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return {
        "missing": (folder / "tidak-ada.tar.gz", "does not exist"),
        "not gzip": (not_gzip, "damaged archive"),
        "truncated": (truncated, "damaged archive"),
        "altered": (_repack(good, folder / "ubah.tar.gz", _flip_database_byte), "differ"),
        "escaping": (_repack(good, folder / "lari.tar.gz", _escaping_member), "unexpected"),
        "other kind": (
            _repack(good, folder / "jenis.tar.gz", _other_manifest(database=other_kind)),
            "does not match",
        ),
        "newer schema": (
            _repack(good, folder / "baru.tar.gz", _other_manifest(revision=f"{head}_next")),
            "unknown to this spbe",
        ),
    }


def test_bad_archives_are_refused_and_change_nothing(
    platform: Platform, source: Target, fresh: Callable[[], Target], tmp_path: Path
) -> None:
    good = _backup(source, tmp_path / "baik.tar.gz")
    target = fresh()
    tables = _tables(target)
    for case, (path, says) in _bad_archives(good, tmp_path, _revisions(platform)[0]).items():
        result = spbe(target, "restore", str(path))
        assert (case, result.exit_code) == (case, 2), result.output
        assert says in result.output, (case, result.output)
        assert "Traceback" not in result.output
    assert _tables(target) == tables
    assert not target[1].exists()


def test_a_backup_of_another_database_kind_is_refused(
    source: Target, fresh: Callable[[], Target], tmp_path: Path
) -> None:
    """A whole archive of the other kind (manifest and dump agreeing), not a relabelled one."""
    other = "postgresql" if BACKEND == "sqlite" else "sqlite"
    dump = tmp_path / archive.DATABASE_FILES[other]
    dump.write_bytes(b"bukan basis data")
    path = tmp_path / "lain.tar.gz"
    good = _manifest(_backup(source, tmp_path / "baik.tar.gz"))
    with archive.writing(path) as writer:
        good.database, good.database_file, good.attachments = other, writer.add(dump.name, dump), []
        writer.finish(good)
    result = spbe(fresh(), "restore", str(path))
    assert result.exit_code == 2
    assert f"a {other} backup cannot be restored into {BACKEND}" in result.output


def test_restore_migrates_an_older_backup_up_to_this_version(
    platform: Platform, fresh: Callable[[], Target], tmp_path: Path
) -> None:
    head, previous = _revisions(platform)
    old = fresh()
    assert spbe(old, "db", "upgrade", "--revision", previous).exit_code == 0
    path = _backup(old, tmp_path / "lama.tar.gz")

    target = fresh()
    result = spbe(target, "restore", str(path))
    assert result.exit_code == 0, result.output
    assert f"migrating from {previous} to {head}" in result.output
    engine = create_engine(target[0])
    try:
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) == head
    finally:
        engine.dispose()


def test_backup_reports_a_missing_attachment_file_and_still_completes(
    platform: Platform, source: Target, tmp_path: Path
) -> None:
    with platform.sessions() as session, session.begin():
        stored = platform.attachments(session).store(FakeUpload(PDF), _user(session, "pengguna"))
    (platform.settings.attachments.directory / stored.stored_name).unlink()
    result = spbe(source, "backup", str(tmp_path / "sebagian.tar.gz"))
    assert result.exit_code == 0, result.output
    assert f"warning: 1 attachment file(s) missing: {stored.stored_name}" in result.output
    assert _manifest(tmp_path / "sebagian.tar.gz").missing_attachments == [stored.stored_name]
