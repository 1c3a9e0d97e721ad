"""What services are built from besides their session, as Protocols.

A service names the few collaborators it needs in its constructor (`InstanceService(session,
clock, specs, runtime, mail)`); `Platform` builds them once per process and wires services
(app/services/context.py), and tests hand them the real parts. The clock is
`app.clock.Clock`; e-mail is `notifications.messages.MailConfig`, a plain value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from app.engine.specs import ParseCache, ParsedModel


class Specs(Protocol):
    """Parsed models by version (`app.engine.specs.SpecCache`)."""

    parses: ParseCache

    def get(self, version_id: int, load: Callable[[], ParsedModel]) -> ParsedModel:
        """The cached model of a version, parsed with `load` on a miss."""
        ...
