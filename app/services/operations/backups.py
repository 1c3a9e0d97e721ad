"""`spbe backup` and `spbe restore`: the database and the attachments it names, in one file
(archive.py), and back into a fresh database.

SQLite is copied with SQLite's online backup API, which reads one consistent state while
the server and workers keep writing (in WAL mode they are not even held up); PostgreSQL
with `pg_dump --format=custom` inside a repeatable-read transaction whose snapshot pg_dump
shares (`--snapshot`), so the counts and the list of attachments in the manifest describe
exactly the rows dumped. Attachment files never change once stored (a new upload gets a
new name), so copying those the snapshot names after it was taken is consistent too.

A restore checks the whole archive before it changes anything, refuses a database that
already holds data unless forced, and migrates the restored schema up when the backup is
older than the code (a newer one is refused: this code cannot know its schema).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, func, inspect, select, text

from app.clock import Clock
from app.migrations import alembic_config, upgrade
from app.models import (
    Agency,
    Attachment,
    Base,
    Comment,
    Event,
    Instance,
    ProcessModelVersion,
    Service,
    Task,
    User,
)
from app.services.operations import archive
from app.services.operations.archive import BackupRefused, Manifest, StoredFile

Progress = Callable[[str], None]

#: The tables a manifest counts: what an operator recognises, and what a restore compares.
COUNTED: dict[str, type[Base]] = {
    "users": User,
    "agencies": Agency,
    "services": Service,
    "model versions": ProcessModelVersion,
    "instances": Instance,
    "tasks": Task,
    "events": Event,
    "comments": Comment,
    "attachments": Attachment,
}
#: Rows in any of these mean the database is in use: a fresh one (even migrated) has none.
_IN_USE = ("users", "agencies", "model versions", "instances", "attachments")
_PROGRESS_EVERY = 200


@dataclass
class _Facts:
    """What a snapshot of the database says about itself."""

    revision: str
    counts: dict[str, int]
    stored_names: list[str]


def _facts(connection: Connection) -> _Facts:
    """Revision, counts and attachment names, read in `connection`'s transaction.

    Raises:
        BackupRefused: the database has no schema (never migrated).
    """
    revision = MigrationContext.configure(connection).get_current_revision()
    if revision is None:
        raise BackupRefused(
            "Basis data belum bermigrasi, tidak ada yang dicadangkan / the database has no "
            "schema, nothing to back up (spbe db upgrade)"
        )
    # A database the code has not migrated yet may lack a newer table: count what is there.
    tables = set(inspect(connection).get_table_names())
    counts = {
        name: int(connection.scalar(select(func.count()).select_from(model)) or 0)
        for name, model in COUNTED.items()
        if model.__tablename__ in tables
    }
    names: list[str] = []
    if Attachment.__tablename__ in tables:
        names = list(connection.scalars(select(Attachment.stored_name).order_by(Attachment.id)))
    return _Facts(revision, counts, names)


def _app_version() -> str:
    try:
        return version("spbe")
    except PackageNotFoundError:
        return "unknown"


def _tool(name: str) -> str:
    """The path of a PostgreSQL client program.

    Raises:
        BackupRefused: it is not on PATH.
    """
    path = shutil.which(name)
    if path is None:
        raise BackupRefused(
            f"{name} tidak ditemukan / {name} not found: PostgreSQL backups need PostgreSQL's "
            f"client programs on PATH, of the server's major version or newer (Debian: "
            f"apt-get install postgresql-client); see docs/operations.md"
        )
    return path


def _run(command: list[str], env: dict[str, str]) -> None:
    """Run a PostgreSQL client program.

    Raises:
        BackupRefused: it failed; its last line of error output says why.
    """
    # The program is resolved by shutil.which and the arguments are built here.
    done = subprocess.run(  # noqa: S603
        command, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()] or ["(no output)"]
        raise BackupRefused(f"{Path(command[0]).name} gagal / failed: {lines[-1]}")


class Backups:
    """Backs up and restores the database `engine` points at, with the attachment files
    under `attachments` (ATTACHMENT_DIR)."""

    def __init__(self, engine: Engine, attachments: Path, clock: Clock) -> None:
        self.engine = engine
        self.attachments = attachments
        self.clock = clock
        self.kind = engine.dialect.name

    # -- backup ---------------------------------------------------------------------------

    def create(self, target: Path, progress: Progress) -> tuple[Path, Manifest]:
        """Write a backup to `target` (a folder: a timestamped file in it) and return
        where it went and its manifest.

        Raises:
            BackupRefused: `target` exists or cannot be written, the database has no
                schema, or pg_dump is missing or failed (nothing is left at `target`).
        """
        now = self.clock.now().astimezone(UTC)
        if target.is_dir():
            target = target / f"spbe-backup-{now:%Y%m%dT%H%M%SZ}.tar.gz"
        if target.exists():
            raise BackupRefused(
                f"{target} sudah ada, tidak ditimpa / already exists, not overwritten"
            )
        if not target.parent.is_dir():
            raise BackupRefused(f"folder {target.parent} tidak ada / does not exist")
        try:
            return target, self._write(target, now, progress)
        except OSError as err:  # a full disk, a folder the operator may not write
            raise BackupRefused(
                f"{target} tidak dapat ditulis / cannot be written: {err}"
            ) from None

    def _write(self, target: Path, now: datetime, progress: Progress) -> Manifest:
        with tempfile.TemporaryDirectory() as work, archive.writing(target) as writer:
            dump = Path(work) / archive.DATABASE_FILES[self.kind]
            progress(f"database: copying ({self.kind})")
            facts = self._dump_sqlite(dump) if self.kind == "sqlite" else self._dump_pg(dump)
            database_file = writer.add(dump.name, dump)
            progress(f"database: {database_file.size} bytes at revision {facts.revision}")
            files, missing = self._add_attachments(writer, facts.stored_names, progress)
            manifest = Manifest(
                database=self.kind,
                revision=facts.revision,
                app_version=_app_version(),
                created_at=now.isoformat(),
                database_file=database_file,
                counts=facts.counts,
                attachments=files,
                missing_attachments=missing,
            )
            writer.finish(manifest)
        return manifest

    def _sqlite_path(self) -> str:
        database = self.engine.url.database
        if not database or database == ":memory:":
            raise BackupRefused("SQLite di memori tidak dapat dicadangkan / in-memory SQLite")
        return database

    def _dump_sqlite(self, dump: Path) -> _Facts:
        """Copy the live database with the online backup API, then read the facts from the
        copy: the very state the archive holds."""
        with (
            closing(sqlite3.connect(self._sqlite_path(), timeout=10)) as source,
            closing(sqlite3.connect(dump)) as copy,
        ):
            source.backup(copy)
        return self._sqlite_facts(dump)

    @staticmethod
    def _sqlite_facts(path: Path) -> _Facts:
        engine = create_engine(f"sqlite:///{path}")
        try:
            with engine.connect() as connection:
                return _facts(connection)
        finally:
            engine.dispose()

    def _pg_env(self) -> tuple[str, dict[str, str]]:
        """The libpq URI of the database (no driver, no password) and an environment
        carrying the password, which never appears on a command line."""
        url = self.engine.url
        env = dict(os.environ)
        if url.password:
            env["PGPASSWORD"] = str(url.password)
        uri = url.set(drivername="postgresql", password=None)
        return uri.render_as_string(hide_password=False), env

    def _dump_pg(self, dump: Path) -> _Facts:
        """pg_dump in the snapshot of a repeatable-read transaction that also reads the
        facts, so the manifest and the dump agree."""
        pg_dump = _tool("pg_dump")
        uri, env = self._pg_env()
        with self.engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
                facts = _facts(connection)
                _run(
                    [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={dump}", uri],
                    env,
                )
        return facts

    def _add_attachments(
        self, writer: archive.ArchiveWriter, stored_names: list[str], progress: Progress
    ) -> tuple[list[StoredFile], list[str]]:
        """Add the files the snapshot names; a file gone from disk is reported, not fatal,
        since the rest of the installation is still worth having."""
        files: list[StoredFile] = []
        missing: list[str] = []
        for done, stored in enumerate(stored_names, start=1):
            path = self.attachments / stored
            if archive.STORED_NAME.fullmatch(stored) and path.is_file():
                files.append(writer.add(archive.ATTACHMENTS + stored, path))
            else:
                missing.append(stored)
            if done % _PROGRESS_EVERY == 0:
                progress(f"attachments: {done} of {len(stored_names)}")
        progress(f"attachments: {len(files)} file(s) from {self.attachments}")
        if missing:
            progress(f"warning: {len(missing)} attachment file(s) missing: {', '.join(missing)}")
        return files, missing

    # -- restore --------------------------------------------------------------------------

    def restore(self, source: Path, force: bool, progress: Progress) -> Manifest:
        """Restore the backup at `source` into this database and attachment folder.

        Raises:
            BackupRefused: the archive is unreadable or altered, made from another kind of
                database or by a newer schema, the database already holds data (unless
                `force`), or pg_restore is missing or failed. Every check but pg_restore's
                own runs before anything is changed.
        """
        with tempfile.TemporaryDirectory() as work:
            progress(f"reading {source}")
            staged = archive.stage(source, Path(work))
            manifest = staged.manifest
            progress(f"backup: {archive.summary(manifest)}")
            if manifest.database != self.kind:
                raise BackupRefused(
                    f"Cadangan {manifest.database} tidak dapat dipulihkan ke {self.kind} / "
                    f"a {manifest.database} backup cannot be restored into {self.kind}"
                )
            head = self._check_revision(manifest.revision)
            if not force:
                self._require_empty()
            progress(f"database: restoring ({self.kind})")
            if self.kind == "sqlite":
                self._restore_sqlite(staged.database, manifest.revision, progress)
            else:
                self._restore_pg(staged.database)
            self.engine.dispose()
            if manifest.revision != head:
                progress(f"database: migrating from {manifest.revision} to {head}")
                upgrade(self.engine)
            self._put_attachments(staged.attachments, progress)
        self._compare_counts(manifest, progress)
        return manifest

    def _check_revision(self, revision: str) -> str:
        """The code's head revision, once `revision` is known to this code.

        Raises:
            BackupRefused: the backup's schema is newer than (or foreign to) this code.
        """
        scripts = ScriptDirectory.from_config(alembic_config(self.engine))
        try:
            scripts.get_revision(revision)
        except CommandError:
            raise BackupRefused(
                f"Skema cadangan {revision} tidak dikenal versi ini / the backup's schema "
                f"{revision} is unknown to this spbe (made by a newer version? restore with it)"
            ) from None
        head = scripts.get_current_head()
        assert head is not None  # the project has migrations
        return head

    def _require_empty(self) -> None:
        """Raises BackupRefused when the target database holds data."""
        tables = set(inspect(self.engine).get_table_names())
        with self.engine.connect() as connection:
            held = {
                name: count
                for name in _IN_USE
                if COUNTED[name].__tablename__ in tables
                and (
                    count := int(
                        connection.scalar(select(func.count()).select_from(COUNTED[name])) or 0
                    )
                )
            }
        if held:
            rows = ", ".join(f"{count} {name}" for name, count in held.items())
            raise BackupRefused(
                f"Basis data tujuan tidak kosong / the target database is not empty ({rows}): "
                "restore into a fresh database, or add --force to replace everything in it"
            )

    def _restore_sqlite(self, staged: Path, revision: str, progress: Progress) -> None:
        """Check the staged copy, then write it over the target with the backup API (which
        replaces every page, journal included, unlike copying the file)."""
        progress("database: checking the copy (PRAGMA integrity_check)")
        with closing(sqlite3.connect(staged)) as copy:
            try:
                verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
                held = copy.execute("SELECT version_num FROM alembic_version").fetchone()
            except sqlite3.DatabaseError as err:
                raise BackupRefused(
                    f"Basis data cadangan rusak / damaged database: {err}"
                ) from None
            if verdict != "ok" or held is None or held[0] != revision:
                raise BackupRefused(
                    f"Basis data cadangan rusak / damaged database: {verdict}, revision {held}"
                )
            self.engine.dispose()
            with closing(sqlite3.connect(self._sqlite_path(), timeout=10)) as target:
                copy.backup(target)

    def _restore_pg(self, staged: Path) -> None:
        """pg_restore into an emptied public schema, in one transaction: a failure leaves
        the schema empty (never half a database), and the restore can run again."""
        pg_restore = _tool("pg_restore")
        uri, env = self._pg_env()
        _run([pg_restore, "--list", str(staged)], env)  # a readable dump, before any change
        self.engine.dispose()
        with self.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        _run(
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={uri}",
                str(staged),
            ],
            env,
        )

    def _put_attachments(self, staged: dict[str, Path], progress: Progress) -> None:
        """Copy the files into ATTACHMENT_DIR, each whole under its name or not at all."""
        self.attachments.mkdir(parents=True, exist_ok=True)
        for done, (stored, path) in enumerate(sorted(staged.items()), start=1):
            partial = self.attachments / f"{stored}.part"
            shutil.copyfile(path, partial)
            os.replace(partial, self.attachments / stored)
            if done % _PROGRESS_EVERY == 0:
                progress(f"attachments: {done} of {len(staged)}")
        progress(f"attachments: {len(staged)} file(s) into {self.attachments}")

    def _compare_counts(self, manifest: Manifest, progress: Progress) -> None:
        """Say whether the restored rows are the backup's, as the manifest counted them."""
        with self.engine.connect() as connection:
            counts = _facts(connection).counts
        differ = {k: (v, counts.get(k)) for k, v in manifest.counts.items() if counts.get(k) != v}
        if differ:
            progress(f"warning: counts differ from the backup's (backup, now): {differ}")
        else:
            progress("restored: every count as in the backup")
