"""The long-lived parts every service needs, built once per process."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.clock import Clock, SystemClock
from app.config import Settings
from app.database import make_engine, make_session_factory
from app.engine.runtime import Runtime
from app.engine.specs import SpecCache
from app.services.accounts.passwords import Passwords


@dataclass
class Platform:
    """Engine, sessions, clock, spec cache, runtime and password hashing: shared by API,
    CLI and worker."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)
    specs: SpecCache = field(default_factory=SpecCache)
    runtime: Runtime = field(default_factory=Runtime)
    passwords: Passwords = field(default_factory=Passwords)

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Platform:
        """Connect to the configured database (raises DatabaseUnavailable)."""
        engine = make_engine(settings.database_url)
        return cls(
            settings=settings,
            engine=engine,
            sessions=make_session_factory(engine),
            clock=clock or SystemClock(),
            runtime=Runtime(time_limit=settings.script_time_limit),
            passwords=Passwords(settings.password_cost),
        )
