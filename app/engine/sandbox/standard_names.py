"""The standard names scripts get besides the builtins: dates, times and arithmetic.

Diagrams written for SpiffWorkflow use `datetime`, `timedelta` and the `math` functions
(SpiffWorkflow's default environment leaves every builtin and `import` open, so they
import them). Imports are refused here, so these names are offered ready to use, in
every script, condition, timer expression and decision table entry, on the server and
in a sandbox process alike. They sit with the builtins, so task data may use the same
names (a form field called `date` or `time` hides them, as a local variable would).

Nothing offered reaches the system: no module object (`math` is a fixed set of pure
functions, `time` the `datetime.time` class, not the `time` module), and the classes are
either the real ones, whose public attributes are data and methods on data, or stand-ins
whose real class sits under a `_` name that scripts cannot spell. Calls to them run in a
sandbox process (`footprint.py` keeps only helpers and a few builtins in the server), so
a slow or large C-level computation is stopped there like any other.

Two differences from plain Python, both so that diagrams behave the same on every run:

- `datetime.now()`, `datetime.today()`, `datetime.utcnow()` and `date.today()` read the
  engine's clock (the moment of the step, as timers do; `moment`), not the wall clock;
  `now()` and `today()` answer an aware datetime in UTC (`now(tz)` in `tz`), `utcnow()`
  a naive one, and `date.today()` the date in UTC.
- datetime's C code imports `time` and `_strptime` for `strftime`, `strptime` and
  `timetuple`, through the builtins of the calling code; `import_loaded` lets exactly
  those two (already loaded here) through and hands no module to anyone.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

_moment: ContextVar[datetime | None] = ContextVar("spbe_script_moment", default=None)

#: The modules datetime's C implementation imports by name (strftime, timetuple: `time`;
#: strptime: `_strptime`), loaded here before any run, since `import_loaded` loads nothing.
_LOADED_FOR_DATETIME = frozenset({"time", "_strptime"})
for _module in _LOADED_FOR_DATETIME:
    importlib.import_module(_module)


@contextmanager
def moment(at: datetime | None) -> Iterator[None]:
    """Let the enclosed runs' `datetime.now()` answer `at` (aware; None: the wall clock).

    Raises:
        ValueError: `at` is naive.
    """
    if at is not None and at.tzinfo is None:
        raise ValueError("the moment of a run must be an aware datetime")
    token = _moment.set(at)
    try:
        yield
    finally:
        _moment.reset(token)


def current_moment() -> datetime:
    """The moment bound by `moment`, in UTC (the wall clock when none is bound)."""
    at = _moment.get()
    return datetime.now(UTC) if at is None else at.astimezone(UTC)


def import_loaded(name: str, *_args: Any, **_kwargs: Any) -> None:
    """`__import__` in a run's builtins: only for datetime's C code, which asks for `time`
    or `_strptime` and then reads the module from `sys.modules` itself. Scripts cannot
    spell the name; if one ever did, it would get None, or the NameError a missing
    builtin gives.

    Raises:
        NameError: for any other module.
    """
    if name not in _LOADED_FOR_DATETIME:
        raise NameError("name '__import__' is not defined")


class _StandIn(type):
    """Metaclass of the stand-ins: calling one builds the real class, `isinstance` checks it.

    The real class is `_real`, a name scripts cannot spell, so they reach only what the
    stand-in lists.
    """

    _real: type

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._real(*args, **kwargs)

    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, cls._real)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, cls._real)

    def __repr__(cls) -> str:
        return repr(cls._real)


def _now(tz: tzinfo | None = None) -> datetime:
    at = current_moment()
    return at if tz is None else at.astimezone(tz)


def _utcnow() -> datetime:
    return current_moment().replace(tzinfo=None)


def _today() -> date:
    return current_moment().date()


class ScriptDate(metaclass=_StandIn):
    """`date` as scripts see it: `today()` reads the engine's clock."""

    _real = date
    today = staticmethod(_today)
    fromisoformat = date.fromisoformat
    fromisocalendar = date.fromisocalendar
    fromordinal = date.fromordinal
    min, max, resolution = date.min, date.max, date.resolution


class ScriptDatetime(metaclass=_StandIn):
    """`datetime` as scripts see it: `now()`, `today()` and `utcnow()` read the engine's
    clock. It also answers the `datetime` module's names (`datetime.timedelta`,
    `datetime.datetime`...), so code written after `import datetime` runs once the import
    line, which the sandbox refuses, is dropped."""

    _real = datetime
    now = staticmethod(_now)
    today = staticmethod(_now)
    utcnow = staticmethod(_utcnow)
    fromisoformat = datetime.fromisoformat
    fromisocalendar = datetime.fromisocalendar
    fromordinal = datetime.fromordinal
    fromtimestamp = datetime.fromtimestamp
    strptime = datetime.strptime
    combine = datetime.combine
    min, max, resolution = datetime.min, datetime.max, datetime.resolution
    date = ScriptDate
    time = time
    timedelta = timedelta
    timezone = timezone


ScriptDatetime.datetime = ScriptDatetime  # type: ignore[attr-defined]

_MATH_NAMES = (
    "acos", "asin", "atan", "atan2", "ceil", "copysign", "cos", "degrees", "dist", "e",
    "exp", "fabs", "floor", "fmod", "fsum", "gcd", "hypot", "inf", "isclose", "isfinite",
    "isinf", "isnan", "isqrt", "log", "log10", "log2", "nan", "pi", "pow", "radians",
    "remainder", "sin", "sqrt", "tan", "tau", "trunc",
)  # fmt: skip


def _math() -> object:
    """`math` as scripts see it: the pure functions and constants of `_MATH_NAMES` on an
    object without instance attributes, so nothing can be changed on it (no `factorial`,
    `comb` or `prod`, whose results grow without bound)."""
    names = {name: getattr(math, name) for name in _MATH_NAMES}
    namespace = type("math", (), {"__slots__": (), "__repr__": lambda self: "<math>", **names})
    return namespace()


STANDARD_NAMES: Mapping[str, object] = {
    "datetime": ScriptDatetime,
    "date": ScriptDate,
    "time": time,
    "timedelta": timedelta,
    "timezone": timezone,
    "math": _math(),
}
"""The names every run sees besides `SAFE_BUILTINS` (see the module docstring)."""
