"""What services are built from besides their session, as Protocols.

A service names the few collaborators it needs in its constructor (`InstanceService(session,
clock, specs, runtime, mail)`); `Platform` builds them once per process and wires services
(app/services/context.py), and tests hand them the real parts. The clock is
`app.clock.Clock`; e-mail is `notifications.messages.MailConfig`, a plain value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy.orm import Session

from app.clock import Clock
from app.engine.specs import ParseCache, ParsedModel
from app.models import Instance, User
from app.services.notifications.messages import MailConfig


class Specs(Protocol):
    """Parsed models by version (`app.engine.specs.SpecCache`)."""

    parses: ParseCache

    def get(self, version_id: int, load: Callable[[], ParsedModel]) -> ParsedModel:
        """The cached model of a version, parsed with `load` on a miss."""
        ...


class Instances(Protocol):
    """The instance lifecycle as the services it calls use it back
    (`instances.lifecycle.InstanceService`): a form's hook into the CMDB, capacity filing
    a complaint, the change calendar reading changes. A protocol, so that what the
    lifecycle imports does not import it in turn."""

    session: Session
    clock: Clock
    mail: MailConfig

    def start(self, process_model_id: str, data: dict[str, Any], user: User) -> Instance:
        """Start the newest version of a model as `user` (checked as a start by hand)."""
        ...

    def newest_model(self, process_model_id: str) -> ParsedModel:
        """The newest deployed version of a model, parsed (NotFound: none)."""
        ...

    def visible_clause(self, user: User) -> Any:
        """The SQL condition for the instances `user` may see."""
        ...
