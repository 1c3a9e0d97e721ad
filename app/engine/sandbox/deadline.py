"""The time limit: a per-thread deadline, checked by a tracer and by ticks in the code.

Scripts also run in worker threads, where `signal.alarm` cannot be used, so the limit is
a trace function for the current thread only, and the previous tracer is restored
afterwards. CPython uninstalls a tracer that raises, and a one-line `while True: pass`
gives no line events, so the rewrite also makes every loop, loop item and function call
tick against the same deadline. `Exception` is not a builtin and bare `except:` is
refused, so scripts cannot catch `ScriptTimeout`.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable, Iterator
from types import CodeType, FrameType
from typing import Any

from app.engine.sandbox.errors import ScriptTimeout
from app.engine.sandbox.guards import _check_depth
from app.engine.sandbox.limits import SCRIPT_FILENAME

_local = threading.local()


class _Budget:
    """The deadline of the run in progress on this thread."""

    __slots__ = ("deadline", "limit")

    def __init__(self, deadline: float, limit: float) -> None:
        self.deadline = deadline
        self.limit = limit

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise ScriptTimeout(f"script exceeded its time limit of {self.limit:g} s")

    def trace(self, frame: FrameType, event: str, arg: object) -> Any:
        """Global tracer: every new frame (script, helper, guard) checks the deadline."""
        self.check()
        return self.trace_script if frame.f_code.co_filename == SCRIPT_FILENAME else None

    def trace_script(self, frame: FrameType, event: str, arg: object) -> Any:
        """Local tracer for script frames only: checks on every line.

        A generator frame kept in task data keeps this tracer; once its run is over it
        stops tracing instead of raising a stale timeout in someone else's code.
        """
        if getattr(_local, "budget", None) is not self:
            return None
        self.check()
        return self.trace_script


def _tick(*varargs: tuple[Any, ...]) -> None:
    """Loop bodies and function entries: check the deadline (and a function's *args)."""
    budget: _Budget | None = getattr(_local, "budget", None)
    if budget is not None:
        budget.check()
    for packed in varargs:
        _check_depth(packed)


def _iterate(iterable: Iterable[Any]) -> Iterator[Any]:
    """Every loop and comprehension: one deadline check per item."""
    for item in iterable:
        budget: _Budget | None = getattr(_local, "budget", None)
        if budget is not None and time.monotonic() > budget.deadline:
            budget.check()
        yield item


def _run(code: CodeType, namespace: dict[str, Any], time_limit: float) -> Any:
    """Evaluate `code` in `namespace` under a deadline, on the current thread only.

    Raising from a trace function uninstalls it, which is why loops also tick (see
    `_Guard` in `rewrite.py`). No Python frame is entered between the end of the code
    and restoring the previous tracer, so a late deadline cannot fire inside this function.
    """
    outer: _Budget | None = getattr(_local, "budget", None)
    deadline = time.monotonic() + time_limit
    if outer is not None:  # a helper running a nested script keeps the outer deadline
        deadline = min(deadline, outer.deadline)
    budget = _Budget(deadline, time_limit)
    previous = sys.gettrace()
    _local.budget = budget
    sys.settrace(budget.trace)
    try:
        return eval(code, namespace)  # noqa: S307 - checked, rewritten, whitelisted builtins
    finally:
        sys.settrace(previous)
        _local.budget = outer
