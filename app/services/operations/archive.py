"""The backup file: one gzip-compressed tar holding the database, the attachments the
database names and a manifest, written atomically and read back only after every byte was
checked.

A single file is what an operator copies off the machine, and tar keeps each attachment's
bytes as they are (they are already compressed, mostly). The manifest comes last, so that
it can carry the SHA-256 of everything written before it; reading stages every member in a
temporary folder and checks it against the manifest before a restore touches anything.
Members are named by this module only (`database.sqlite3` or `database.pgdump`,
`attachments/<stored name>`, `manifest.json`); any other name refuses the file, so an
archive cannot write outside the folder it is staged in.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tarfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

FORMAT = "spbe-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
ATTACHMENTS = "attachments/"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
#: Names the app gives stored files (`secrets.token_hex`): no dot, no slash.
STORED_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_CHUNK = 1024 * 1024


class BackupRefused(Exception):
    """A backup or restore the app will not do (an unreadable or foreign archive, a target
    that is not empty, a missing tool); the message is one line for the operator, and
    nothing was changed."""


@dataclass(frozen=True)
class StoredFile:
    """One file in the archive: its name there and the digest of its bytes."""

    name: str
    size: int
    sha256: str


@dataclass
class Manifest:
    """What a backup holds, for a restore to check and for the operator to read."""

    database: str
    revision: str
    app_version: str
    created_at: str
    database_file: StoredFile
    counts: dict[str, int]
    attachments: list[StoredFile] = field(default_factory=list)
    #: Stored names the database lists whose file was gone when the backup ran.
    missing_attachments: list[str] = field(default_factory=list)

    def to_json(self) -> bytes:
        """The manifest as stored in the archive."""
        body = {"format": FORMAT, "format_version": FORMAT_VERSION, **asdict(self)}
        return json.dumps(body, indent=2).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        """Read a stored manifest.

        Raises:
            BackupRefused: not a manifest of this format and version.
        """
        try:
            body = json.loads(raw)
            if body.pop("format") != FORMAT or body.pop("format_version") != FORMAT_VERSION:
                raise BackupRefused(
                    _refusal("bukan cadangan SPBE versi ini / not a backup of this format")
                )
            return cls(
                **{
                    **body,
                    "database_file": StoredFile(**body["database_file"]),
                    "attachments": [StoredFile(**item) for item in body["attachments"]],
                }
            )
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise BackupRefused(
                _refusal(f"manifest tidak terbaca / unreadable manifest ({err})")
            ) from None


def _refusal(reason: str) -> str:
    return f"Berkas cadangan ditolak / backup refused: {reason}"


class _Hashing:
    """A reader that digests what passes through it, so a file is read once when added."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.digest.update(chunk)
        return chunk


class ArchiveWriter:
    """Adds files to an archive being written; see `writing`."""

    def __init__(self, tar: tarfile.TarFile) -> None:
        self._tar = tar

    def add(self, name: str, source: Path) -> StoredFile:
        """Copy `source` into the archive as `name`, returning its size and digest."""
        with source.open("rb") as stream:
            info = tarfile.TarInfo(name)
            info.size = os.fstat(stream.fileno()).st_size
            info.mode = 0o600
            info.mtime = int(os.fstat(stream.fileno()).st_mtime)
            hashing = _Hashing(stream)
            self._tar.addfile(info, hashing)  # type: ignore[arg-type]
        return StoredFile(name, info.size, hashing.digest.hexdigest())

    def finish(self, manifest: Manifest) -> None:
        """Write the manifest, last, since it names every digest written before it."""
        raw = manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(raw)
        info.mode = 0o600
        self._tar.addfile(info, _BytesReader(raw))  # type: ignore[arg-type]


class _BytesReader:
    def __init__(self, raw: bytes) -> None:
        self._raw = raw

    def read(self, size: int = -1) -> bytes:
        chunk, self._raw = (self._raw, b"") if size < 0 else (self._raw[:size], self._raw[size:])
        return chunk


@contextmanager
def writing(target: Path) -> Iterator[ArchiveWriter]:
    """An archive written to `target.part` and renamed to `target` only once complete, so
    an interrupted backup never leaves a file that looks whole."""
    partial = target.with_name(target.name + ".part")
    try:
        # Owner-only from the first byte: the file holds password hashes and personal data.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with (
            os.fdopen(descriptor, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar,
        ):
            yield ArchiveWriter(tar)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


@dataclass
class Staged:
    """An archive unpacked into a folder and checked: its manifest, the database file and
    the attachments by stored name."""

    manifest: Manifest
    database: Path
    attachments: dict[str, Path]


def stage(source: Path, folder: Path) -> Staged:
    """Unpack `source` into `folder` and check every member against the manifest.

    Raises:
        BackupRefused: the file is missing, not a gzip tar, truncated or altered, holds a
            member this module never writes, or its contents differ from the manifest.
    """
    if not source.is_file():
        raise BackupRefused(_refusal(f"{source} tidak ada / does not exist"))
    found: dict[str, StoredFile] = {}
    manifest_raw: bytes | None = None
    try:
        with tarfile.open(source, "r:gz") as tar:
            for member in tar:
                manifest_raw = _stage_member(tar, member, folder, found, manifest_raw)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as err:
        raise BackupRefused(_refusal(f"arsip rusak / damaged archive ({err})")) from None
    if manifest_raw is None:
        raise BackupRefused(_refusal(f"{MANIFEST} tidak ada / has no {MANIFEST}"))
    manifest = Manifest.from_json(manifest_raw)
    expected = {item.name: item for item in [manifest.database_file, *manifest.attachments]}
    if manifest.database_file.name != DATABASE_FILES.get(manifest.database):
        raise BackupRefused(
            _refusal(
                f"jenis basis data tidak cocok / database kind {manifest.database!r} does not "
                f"match {manifest.database_file.name}"
            )
        )
    if expected != found:
        differ = sorted(set(expected.items()) ^ set(found.items()), key=str)[:3]
        raise BackupRefused(
            _refusal(
                f"isi tidak cocok dengan manifest / contents differ from the manifest: {differ}"
            )
        )
    return Staged(
        manifest=manifest,
        database=folder / manifest.database_file.name,
        attachments={
            item.name.removeprefix(ATTACHMENTS): folder / item.name for item in manifest.attachments
        },
    )


def _stage_member(
    tar: tarfile.TarFile,
    member: tarfile.TarInfo,
    folder: Path,
    found: dict[str, StoredFile],
    manifest_raw: bytes | None,
) -> bytes | None:
    """Stage one member (hashing it) and return the manifest's bytes once read."""
    name = member.name
    known = (
        name == MANIFEST
        or name in DATABASE_FILES.values()
        or (name.startswith(ATTACHMENTS) and STORED_NAME.fullmatch(name.removeprefix(ATTACHMENTS)))
    )
    if not member.isfile() or not known or name in found or (name == MANIFEST and manifest_raw):
        raise BackupRefused(_refusal(f"anggota tak dikenal / unexpected member {name!r}"))
    stream = tar.extractfile(member)
    assert stream is not None  # a regular file, checked above
    if name == MANIFEST:
        return stream.read()
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            digest.update(chunk)
            out.write(chunk)
    found[name] = StoredFile(name, member.size, digest.hexdigest())
    return manifest_raw


def summary(manifest: Manifest) -> str:
    """One line saying what a backup holds, for the operator."""
    counts = ", ".join(f"{count} {table}" for table, count in manifest.counts.items())
    size = sum(item.size for item in manifest.attachments)
    return (
        f"{manifest.database} at revision {manifest.revision}, made {manifest.created_at} "
        f"by spbe {manifest.app_version}: {counts}; "
        f"{len(manifest.attachments)} attachment file(s), {size} bytes"
    )
