"""Settings read from the environment, in one place."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
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


@dataclass
class Settings:
    """What the app, the CLI and the worker need to know about their surroundings."""

    database_url: str = field(default_factory=_default_database_url)
    secret_key: str = field(default_factory=_secret_key)
    demo: bool = False
    forms_dir: Path = PROJECT_ROOT / "forms"
    token_max_age: int = 12 * 3600
    script_time_limit: float = 2.0
    smtp_url: str | None = None  # None: e-mail is off, notifications stay in the app
    mail_from: str = DEFAULT_MAIL_FROM
    password_cost: PasswordCost = field(default_factory=PasswordCost)

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from DATABASE_URL, SECRET_KEY, SPBE_DEMO, SMTP_URL, MAIL_FROM and
        the PASSWORD_* costs."""
        return cls(
            database_url=os.environ.get("DATABASE_URL") or _default_database_url(),
            demo=_flag("SPBE_DEMO"),
            smtp_url=os.environ.get("SMTP_URL", "").strip() or None,
            mail_from=os.environ.get("MAIL_FROM", "").strip() or DEFAULT_MAIL_FROM,
            password_cost=PasswordCost.from_env(),
        )
