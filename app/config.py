"""Settings read from the environment, in one place."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
DEFAULT_MAIL_FROM = "SPBE <noreply@spbe.localhost>"


def _default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'spbe.sqlite3'}"


def _secret_key() -> str:
    """Use SECRET_KEY, else a random key kept in instance/ so tokens survive a restart."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    INSTANCE_DIR.mkdir(exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _served_over_https() -> bool:
    """PREFERRED_URL_SCHEME, Flask's name for the scheme the public address uses: behind a
    TLS-terminating proxy the app itself sees plain HTTP, so only the operator can say.

    Raises:
        SettingInvalid: a scheme other than http or https.
    """
    scheme = os.environ.get("PREFERRED_URL_SCHEME", "").strip().lower() or "http"
    if scheme not in {"http", "https"}:
        raise SettingInvalid("PREFERRED_URL_SCHEME harus http atau https / must be http or https")
    return scheme == "https"


@dataclass(frozen=True)
class PasswordCost:
    """Argon2id cost of new password hashes; the defaults are argon2-cffi's, RFC 9106's
    low-memory profile (3 passes over 64 MiB, 4 lanes). Only tests go lower."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 4

    @classmethod
    def from_env(cls) -> PasswordCost:
        """PASSWORD_TIME_COST, PASSWORD_MEMORY_KIB, PASSWORD_PARALLELISM, else defaults."""
        default = cls()
        return cls(
            time_cost=_positive("PASSWORD_TIME_COST", default.time_cost),
            memory_kib=_positive("PASSWORD_MEMORY_KIB", default.memory_kib),
            parallelism=_positive("PASSWORD_PARALLELISM", default.parallelism),
        )


class SettingInvalid(ValueError):
    """An environment variable holds a value the app cannot use; one line for the user."""


def _positive(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SettingInvalid(f"{name} harus bilangan bulat positif / must be a positive integer")
    return int(raw)


def _proxies() -> int:
    """TRUSTED_PROXIES: how many reverse proxies stand in front of the app (0 to 5)."""
    raw = os.environ.get("TRUSTED_PROXIES", "").strip() or "0"
    if not raw.isdigit() or int(raw) > 5:
        raise SettingInvalid("TRUSTED_PROXIES harus 0 sampai 5 / must be 0 to 5")
    return int(raw)


@dataclass(frozen=True)
class AttachmentKind:
    """A kind of file forms accept: the type it is served as, the types a browser may
    declare for it, and the leading bytes (at an offset) that identify it; a kind without
    signatures is text, which must hold no NUL byte."""

    content_type: str
    declared: tuple[str, ...] = ()
    signatures: tuple[tuple[int, bytes], ...] = ()


_ZIP = ((0, b"PK\x03\x04"),)
_OLE = ((0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),)
_ZIPPED = ("application/zip", "application/x-zip-compressed")
_OPENXML = "application/vnd.openxmlformats-officedocument"
#: Every kind of file the app knows how to check, by extension: documents, spreadsheets,
#: scans and screenshots. Nothing a browser would run (HTML, SVG) and no archives.
ATTACHMENT_KINDS: dict[str, AttachmentKind] = {
    "pdf": AttachmentKind("application/pdf", ("application/x-pdf",), ((0, b"%PDF-"),)),
    "png": AttachmentKind("image/png", (), ((0, b"\x89PNG\r\n\x1a\n"),)),
    "jpg": AttachmentKind("image/jpeg", ("image/pjpeg",), ((0, b"\xff\xd8\xff"),)),
    "jpeg": AttachmentKind("image/jpeg", ("image/pjpeg",), ((0, b"\xff\xd8\xff"),)),
    "gif": AttachmentKind("image/gif", (), ((0, b"GIF87a"), (0, b"GIF89a"))),
    "webp": AttachmentKind("image/webp", (), ((8, b"WEBP"),)),
    "txt": AttachmentKind("text/plain"),
    "csv": AttachmentKind(
        "text/csv", ("text/plain", "application/csv", "application/vnd.ms-excel")
    ),
    "docx": AttachmentKind(f"{_OPENXML}.wordprocessingml.document", _ZIPPED, _ZIP),
    "xlsx": AttachmentKind(f"{_OPENXML}.spreadsheetml.sheet", _ZIPPED, _ZIP),
    "pptx": AttachmentKind(f"{_OPENXML}.presentationml.presentation", _ZIPPED, _ZIP),
    "odt": AttachmentKind("application/vnd.oasis.opendocument.text", _ZIPPED, _ZIP),
    "ods": AttachmentKind("application/vnd.oasis.opendocument.spreadsheet", _ZIPPED, _ZIP),
    "doc": AttachmentKind("application/msword", (), _OLE),
    "xls": AttachmentKind("application/vnd.ms-excel", (), _OLE),
}


@dataclass(frozen=True)
class AttachmentLimits:
    """Where files attached to forms go and how much is accepted (README, "The `spbe`
    command"; docs/bpmn-conventions.md, "Forms"): per file, per instance (files and bytes,
    counting every file linked to it), and which kinds (`ATTACHMENT_KINDS` keys). A file
    never linked to an instance is removed by `spbe tick` after `abandoned_after`."""

    directory: Path = INSTANCE_DIR / "attachments"
    max_bytes: int = 10 * 1024 * 1024
    max_instance_files: int = 20
    max_instance_bytes: int = 50 * 1024 * 1024
    types: tuple[str, ...] = tuple(ATTACHMENT_KINDS)
    abandoned_after: timedelta = timedelta(days=1)

    @classmethod
    def from_env(cls) -> AttachmentLimits:
        """ATTACHMENT_DIR, ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_PER_INSTANCE (files),
        ATTACHMENT_MAX_PER_INSTANCE_BYTES and ATTACHMENT_TYPES (extensions, comma-separated),
        else the defaults.

        Raises:
            SettingInvalid: a limit that is not a positive integer, or an unknown kind.
        """
        default = cls()
        directory = os.environ.get("ATTACHMENT_DIR", "").strip()
        raw_types = os.environ.get("ATTACHMENT_TYPES", "").strip()
        types = tuple(t.strip().lower().lstrip(".") for t in raw_types.split(",") if t.strip())
        unknown = sorted(set(types) - set(ATTACHMENT_KINDS))
        if unknown:
            raise SettingInvalid(
                f"ATTACHMENT_TYPES: jenis tidak dikenal / unknown kinds {', '.join(unknown)} "
                f"(dikenal / known: {', '.join(ATTACHMENT_KINDS)})"
            )
        return cls(
            directory=Path(directory) if directory else default.directory,
            max_bytes=_positive("ATTACHMENT_MAX_BYTES", default.max_bytes),
            max_instance_files=_positive("ATTACHMENT_MAX_PER_INSTANCE", default.max_instance_files),
            max_instance_bytes=_positive(
                "ATTACHMENT_MAX_PER_INSTANCE_BYTES", default.max_instance_bytes
            ),
            types=types or default.types,
        )


@dataclass(frozen=True)
class DataLimits:
    """How much task data one instance may carry, whoever writes it (issue 13, item 3):
    its JSON text in bytes and its nesting depth. A form submission past either gets 422,
    a script's data puts the instance in `error`; nothing past them is stored, so lists,
    the database and every later step stay small."""

    max_bytes: int = 256 * 1024
    max_depth: int = 32

    @classmethod
    def from_env(cls) -> DataLimits:
        """TASK_DATA_MAX_BYTES and TASK_DATA_MAX_DEPTH, else the defaults.

        Raises:
            SettingInvalid: a limit that is not a positive integer.
        """
        default = cls()
        return cls(
            max_bytes=_positive("TASK_DATA_MAX_BYTES", default.max_bytes),
            max_depth=_positive("TASK_DATA_MAX_DEPTH", default.max_depth),
        )


@dataclass
class Settings:
    """What the app, the CLI and the worker need to know about their surroundings."""

    database_url: str = field(default_factory=_default_database_url)
    secret_key: str = field(default_factory=_secret_key)
    demo: bool = False
    forms_dir: Path = PROJECT_ROOT / "forms"
    token_max_age: int = 12 * 3600
    script_time_limit: float = 2.0
    #: Memory a script may take, in MB above what its sandbox process holds at start.
    script_memory_limit_mb: int = 256
    smtp_url: str | None = None  # None: e-mail is off, notifications stay in the app
    mail_from: str = DEFAULT_MAIL_FROM
    password_cost: PasswordCost = field(default_factory=PasswordCost)
    attachments: AttachmentLimits = field(default_factory=AttachmentLimits)
    data_limits: DataLimits = field(default_factory=DataLimits)
    https: bool = False  # served over HTTPS: the session cookie is then sent only over it
    #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are believed
    #: (0: none, so a client cannot forge its address; the sign-in limits count by it).
    trusted_proxies: int = 0

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from DATABASE_URL, SECRET_KEY, SPBE_DEMO, SMTP_URL, MAIL_FROM,
        PREFERRED_URL_SCHEME, TRUSTED_PROXIES, SCRIPT_MEMORY_LIMIT_MB, the PASSWORD_* costs
        and the ATTACHMENT_* and TASK_DATA_* limits."""
        return cls(
            database_url=os.environ.get("DATABASE_URL") or _default_database_url(),
            demo=_flag("SPBE_DEMO"),
            smtp_url=os.environ.get("SMTP_URL", "").strip() or None,
            mail_from=os.environ.get("MAIL_FROM", "").strip() or DEFAULT_MAIL_FROM,
            password_cost=PasswordCost.from_env(),
            attachments=AttachmentLimits.from_env(),
            data_limits=DataLimits.from_env(),
            script_memory_limit_mb=_positive("SCRIPT_MEMORY_LIMIT_MB", cls.script_memory_limit_mb),
            https=_served_over_https(),
            trusted_proxies=_proxies(),
        )
