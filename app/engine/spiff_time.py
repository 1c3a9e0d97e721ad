"""Make SpiffWorkflow's timers read our injectable clock.

SpiffWorkflow 3.2 computes and checks timer due times with `datetime.now(timezone.utc)`
inside `SpiffWorkflow.bpmn.specs.event_definitions.timer`. The runtime must use the
app's clock instead (tests never sleep; `spbe tick --at` replays a moment), so that one
module's `datetime` name is pointed at a subclass whose `now()` asks the clock bound
for the current engine call. Outside such a call it is the real `datetime.now`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, tzinfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer

from app.clock import Clock

_current_clock: ContextVar[Clock | None] = ContextVar("spbe_engine_clock", default=None)


class _ClockedDatetime(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        clock = _current_clock.get()
        if clock is None:
            return datetime.now(tz)
        moment = clock.now()
        return moment.astimezone(tz) if tz is not None else moment


_spiff_timer.datetime = _ClockedDatetime  # type: ignore[attr-defined,misc]


def engine_now() -> datetime:
    """The time of the engine call in progress (the real time outside one), for script
    helpers that count from now."""
    return _ClockedDatetime.now(UTC)


@contextmanager
def engine_clock(clock: Clock) -> Iterator[None]:
    """Run the enclosed engine calls as if `clock.now()` were the time."""
    token = _current_clock.set(clock)
    try:
        yield
    finally:
        _current_clock.reset(token)
