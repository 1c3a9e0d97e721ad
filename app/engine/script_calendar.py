"""The working calendar BPMN scripts compute with, chosen per instance.

Script helpers are registered once with the script engine, but the calendar differs per
instance: its service's support hours, its PD's office hours and time zone. So the
helpers look the calendar up in a context variable that the runtime sets around each
engine call, as `clock_bridge` does for the time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

from app.sla.calendar import WorkingCalendar, indonesian_government_default, script_helpers
from app.sla.holidays_id import indonesian_holidays

_current: ContextVar[WorkingCalendar | None] = ContextVar("spbe_script_calendar", default=None)


@cache
def _fallback() -> WorkingCalendar:
    """Office hours in WIB with the national holidays, for calls that name no calendar
    (a model run outside any service, a benchmark)."""
    return indonesian_government_default("Asia/Jakarta", indonesian_holidays(range(2020, 2036)))


@contextmanager
def script_calendar(calendar: WorkingCalendar | None) -> Iterator[None]:
    """Let the enclosed engine calls' scripts compute on `calendar` (None: the fallback)."""
    token = _current.set(calendar)
    try:
        yield
    finally:
        _current.reset(token)


def calendar_helpers() -> dict[str, Callable[..., Any]]:
    """`tambah_waktu_kerja` and the other helpers of `script_helpers`, on the calendar
    of the engine call in progress."""

    def bound(name: str) -> Callable[..., Any]:
        def helper(*args: Any) -> Any:
            return script_helpers(_current.get() or _fallback())[name](*args)

        helper.__name__ = name
        return helper

    return {name: bound(name) for name in script_helpers(_fallback())}
