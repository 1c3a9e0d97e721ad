"""How values and errors cross between the server and a sandbox process: JSON, never pickle.

The sandbox process runs untrusted code, so nothing it sends may run code in the server,
as unpickling would. Messages are single JSON lines, and values are decoded into a closed
set of types only. Task data are JSON anyway, but within one engine step a script's values
keep their Python types and a later gateway reads them (`t = (1, 2)` stays a tuple, `{1: 'a'}`
keeps its int key), so lists, tuples, sets, frozensets and dicts travel as JSON arrays
tagged with their type, and so do dates, times and durations (`datetime`, `date`, `time` as
ISO-8601 text, `timedelta` as days, seconds and microseconds), which scripts build with the
standard names and the workflow state stores.

Shared and nested containers are written out in full, with a byte budget: what comes back
is a tree whose size is what it costs, so the server never holds a small value that is
huge once printed, compared or hashed (`a = [a, a]` thirty times; a tuple nested in
itself). A value that does not fit, refers to itself or is not data (a function, a range,
bytes) is refused with `ValueError`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from app.engine.sandbox.limits import MAX_NESTING, SCRIPT_FILENAME

_TAGS: dict[type, str] = {list: "L", tuple: "T", set: "S", frozenset: "F", dict: "D"}
_BUILD: dict[str, Callable[[list[Any]], Any]] = {
    "L": list, "T": tuple, "S": set, "F": frozenset,
    "D": lambda flat: dict(zip(flat[::2], flat[1::2], strict=True)),
}  # fmt: skip
_SCALARS = (str, int, float, bool, type(None))


def _from_text(parse: Callable[[str], Any]) -> Callable[[list[Any]], Any]:
    def build(flat: list[Any]) -> Any:
        if len(flat) != 1 or type(flat[0]) is not str:
            raise ValueError("a date or time that is not one ISO-8601 text")
        return parse(flat[0])

    return build


def _duration(flat: list[Any]) -> timedelta:
    if len(flat) != 3 or any(type(part) is not int for part in flat):
        raise ValueError("a duration that is not days, seconds and microseconds")
    return timedelta(days=flat[0], seconds=flat[1], microseconds=flat[2])


_BUILD.update({
    "dt": _from_text(datetime.fromisoformat), "da": _from_text(date.fromisoformat),
    "ti": _from_text(time.fromisoformat), "td": _duration,
})  # fmt: skip
# datetime before date: a datetime is a date too.
_MOMENTS: tuple[tuple[type, str], ...] = ((datetime, "dt"), (date, "da"), (time, "ti"))

# Exceptions a script can meet, rebuilt by name on the other side (a script may catch a
# helper's ValueError; SpiffWorkflow names the error by its class). Others travel as the
# nearest of these their class derives from, else as RuntimeError.
_ERRORS: dict[str, type[Exception]] = {
    cls.__name__: cls
    for cls in (
        ArithmeticError, AssertionError, AttributeError, IndexError, KeyError, LookupError,
        NameError, NotImplementedError, OverflowError, RecursionError, RuntimeError,
        StopIteration, TypeError, UnboundLocalError, ValueError, ZeroDivisionError,
    )
}  # fmt: skip
_MESSAGE_CHARS = 2000
_JSON_INT_BITS = 14_000
"""Longest integer JSON carries: CPython writes at most 4,300 digits (about 14,284 bits)."""


def encode(value: Any, budget: int) -> Any:
    """`value` as JSON-ready objects, at most about `budget` bytes once dumped.

    Raises:
        ValueError: not data, nested deeper than MAX_NESTING (or in itself), or too large.
    """
    left = [budget]

    def walk(item: Any, depth: int) -> Any:
        left[0] -= len(item) + 3 if isinstance(item, str) else 8
        if left[0] < 0:
            raise ValueError(f"larger than {budget} bytes")
        kind = type(item)
        if kind is int and item.bit_length() > _JSON_INT_BITS:
            raise ValueError("an integer too long for JSON")
        if kind in _SCALARS:
            return item
        if isinstance(item, str):  # an enum member a helper returned: its value
            return str(item)
        if isinstance(item, int | float):
            return int(item) if isinstance(item, int) else float(item)
        tag = _TAGS.get(kind)
        if tag is None:
            return _moment(item)
        if depth > MAX_NESTING:
            raise ValueError(f"nested deeper than {MAX_NESTING}")
        parts = [p for pair in item.items() for p in pair] if kind is dict else item
        return [tag, *(walk(part, depth + 1) for part in parts)]

    return walk(value, 0)


def _moment(item: Any) -> list[Any]:
    """A date, time or duration as tagged JSON; ValueError for anything else."""
    for kind, tag in _MOMENTS:
        if isinstance(item, kind):
            return [tag, item.isoformat()]
    if isinstance(item, timedelta):
        return ["td", item.days, item.seconds, item.microseconds]
    raise ValueError(f"a value of type {type(item).__name__} is not data")


def decode(message: Any) -> Any:
    """Rebuild a value `encode` wrote.

    Raises:
        ValueError: not what `encode` writes (a hostile or broken sender).
    """

    def walk(item: Any, depth: int) -> Any:
        if type(item) in _SCALARS:
            return item
        if type(item) is not list or not item or depth > MAX_NESTING:
            raise ValueError("not an encoded value")
        build = _BUILD.get(item[0]) if type(item[0]) is str else None
        if build is None:
            raise ValueError("unknown tag")
        return build([walk(part, depth + 1) for part in item[1:]])

    try:
        return walk(message, 0)
    except (TypeError, ValueError, OverflowError) as err:  # unhashable keys, odd items...
        raise ValueError(f"not an encoded value: {err}") from None


def oversized(value: Any, budget: int) -> bool:
    """Whether `value` written out in full would take more than about `budget` bytes.

    The measure `encode` applies, without building anything: for values a script leaves
    in the server's own task data.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        budget -= len(item) + 3 if isinstance(item, str) else 8
        if budget < 0:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
    return False


def script_line(err: BaseException) -> int | None:
    """The line of the script where `err` was raised, as SpiffWorkflow finds it.

    Walks the traceback by hand: after a MemoryError there may be no memory for more.
    """
    line, tb = None, err.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == SCRIPT_FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def error_to_wire(err: Exception) -> dict[str, Any]:
    """An exception a script or helper raised, as a message: its class and text."""
    name = next((cls.__name__ for cls in type(err).__mro__ if cls.__name__ in _ERRORS), None)
    args = err.args
    text = args[0] if len(args) == 1 and isinstance(args[0], str) else str(err)
    if name is None:
        name, text = "RuntimeError", f"{type(err).__name__}: {text}"
    return {"type": name, "message": text[:_MESSAGE_CHARS]}


def error_from_wire(message: Any) -> Exception:
    """Rebuild an exception `error_to_wire` wrote (unknown names become RuntimeError)."""
    if not isinstance(message, dict):
        raise ValueError("not an encoded error")
    cls = _ERRORS.get(str(message.get("type")), RuntimeError)
    return cls(str(message.get("message", ""))[:_MESSAGE_CHARS])
