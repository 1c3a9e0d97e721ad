"""The only builtins scripts see: a whitelist, with checked stand-ins for the risky ones.

The real `__builtins__` is never reachable, so a name the static check misses still fails
with `NameError`. `range`, `sum`, `round`, `tuple`, `zip` and `enumerate` are replaced by
versions that refuse results too large (or tuples too deep) to compute safely in C.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from app.engine.sandbox.guards import _check_depth, _refuse, _tuple
from app.engine.sandbox.limits import MAX_ITEMS, MAX_ROUND_DIGITS


class _TupleType(type):
    """`tuple` as scripts see it: isinstance works, calling it checks the nesting depth."""

    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, tuple)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, tuple)

    def __call__(cls, iterable: Iterable[Any] = (), /) -> tuple[Any, ...]:
        return _tuple(tuple(iterable))


class _SafeTuple(metaclass=_TupleType):
    """Stands in for `tuple` in SAFE_BUILTINS."""


def _zip(*iterables: Iterable[Any], strict: bool = False) -> Iterator[tuple[Any, ...]]:
    """`zip` whose tuples are depth-checked: `list(zip([t]))[0]` nests `t` once more."""
    for row in zip(*iterables, strict=strict):
        _check_depth(row)
        yield row


def _enumerate(iterable: Iterable[Any], start: int = 0) -> Iterator[tuple[int, Any]]:
    """`enumerate` whose pairs are depth-checked, like `_zip`."""
    for row in enumerate(iterable, start):
        _check_depth(row)
        yield row


def _range(*args: int) -> range:
    """`range` that refuses more than MAX_ITEMS items (list(range(10**10)) is C-level)."""
    result = range(*args)
    try:
        too_long = len(result) > MAX_ITEMS
    except OverflowError:
        too_long = True
    if too_long:
        raise _refuse(f"range() of more than {MAX_ITEMS} items is not allowed")
    return result


def _round(number: Any, ndigits: int | None = None) -> Any:
    """`round` that refuses huge ndigits: `round(1, -10**9)` computes 10**(10**9) in C."""
    if ndigits is not None and abs(ndigits) > MAX_ROUND_DIGITS:
        raise _refuse(f"round() to more than {MAX_ROUND_DIGITS} digits is not allowed")
    return round(number, ndigits)


def _sum(iterable: Iterable[Any], /, start: Any = 0) -> Any:
    """`sum` of numbers only: summing lists or tuples is quadratic and runs in C."""
    if not isinstance(start, int | float | complex):
        raise _refuse("sum() only adds numbers; build lists with a comprehension")
    return sum(iterable, start)


SAFE_BUILTINS: Mapping[str, object] = {
    **{fn.__name__: fn for fn in (
        abs, all, any, bool, chr, dict, divmod, filter, float, frozenset, int,
        isinstance, len, list, map, max, min, ord, reversed, set, sorted, str,
        ArithmeticError, AssertionError, AttributeError, IndexError, KeyError,
        LookupError, NameError, OverflowError, TypeError, ValueError, ZeroDivisionError,
    )},
    "enumerate": _enumerate, "range": _range, "round": _round, "sum": _sum,
    "tuple": _SafeTuple, "zip": _zip,
}  # fmt: skip
"""The only builtins scripts see. No `Exception`/`BaseException`, so with bare `except:`
refused a script cannot catch `ScriptTimeout` or `ScriptForbidden`; no `iter` (its
two-argument form is an endless C-level iterator), `pow`, `bytes`, `type`, `print`."""
