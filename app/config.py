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

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from DATABASE_URL, SECRET_KEY, SPBE_DEMO, SMTP_URL and MAIL_FROM."""
        return cls(
            database_url=os.environ.get("DATABASE_URL") or _default_database_url(),
            demo=_flag("SPBE_DEMO"),
            smtp_url=os.environ.get("SMTP_URL", "").strip() or None,
            mail_from=os.environ.get("MAIL_FROM", "").strip() or DEFAULT_MAIL_FROM,
        )
