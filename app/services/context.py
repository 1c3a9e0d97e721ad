"""The long-lived parts services are built from, made once per process, and the one
place that wires them into services: the faces (API, pages, CLI, worker) ask the platform
for a service (`platform.instances(session)`), never build one from the platform's parts."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.clock import Clock, SystemClock
from app.config import Settings
from app.database import make_engine, make_session_factory
from app.engine.runtime import Runtime
from app.engine.specs import SpecCache
from app.models import User
from app.services.accounts.passwords import Passwords
from app.services.audit.attachments import AttachmentService
from app.services.casework.comments import CommentService
from app.services.casework.search import SearchService
from app.services.instances.lifecycle import InstanceService
from app.services.instances.schedules import ScheduleService
from app.services.instances.supervision import SupervisionService
from app.services.instances.timers import TimerService
from app.services.instances.tracking import TrackingService
from app.services.notifications.messages import MailConfig
from app.services.tasks.inbox import TaskService


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
            runtime=Runtime(
                time_limit=settings.script_time_limit,
                limits=settings.data_limits,
                memory_limit_mb=settings.script_memory_limit_mb,
            ),
            passwords=Passwords(settings.password_cost),
        )

    @property
    def mail(self) -> MailConfig:
        """Whether notifications also go out by e-mail, and from whom."""
        return MailConfig.from_settings(self.settings)

    def instances(self, session: Session) -> InstanceService:
        """The instance lifecycle in `session`."""
        return InstanceService(
            session, self.clock, self.specs, self.runtime, self.mail, self.settings.attachments
        )

    def tasks(self, session: Session) -> TaskService:
        """The inbox and task actions in `session`."""
        return TaskService(
            session, self.clock, self.specs, self.runtime, self.mail, self.settings.attachments
        )

    def attachments(self, session: Session) -> AttachmentService:
        """Files attached to forms in `session`, under the configured directory and limits."""
        return AttachmentService(session, self.instances(session), self.settings.attachments)

    def supervision(self, session: Session) -> SupervisionService:
        """Supervisors' actions on instances in `session`."""
        return SupervisionService(session, self.clock, self.specs, self.runtime, self.mail)

    def tracking(self, session: Session) -> TrackingService:
        """The supervisors' instance list and page in `session`."""
        return TrackingService(session, self.clock, self.specs, self.runtime, self.mail)

    def comments(self, session: Session) -> CommentService:
        """The work log of instances in `session`."""
        return CommentService(session, self.clock, self.instances(session), self.mail)

    def search(self, session: Session) -> SearchService:
        """Full-text search over the cases, in `session`."""
        return SearchService(session, self.instances(session))

    def schedules(self, session: Session, actor: User | None = None) -> ScheduleService:
        """Periodic schedules in `session`, changed by `actor` (None: the system)."""
        return ScheduleService(session, self.clock, self.specs, actor)

    def timers(self) -> TimerService:
        """The timer pass of `spbe tick` and `spbe worker`, a transaction per instance."""
        return TimerService(self.sessions, self.instances)
