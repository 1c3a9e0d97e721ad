"""Run-time guards for the C-level operations that the time limit cannot interrupt.

`**`, `*`, `<<`, `+`, `%`, `*x` unpacking and size-taking methods (`join`, `ljust`,
`replace`...) run in C and give no trace event, so a single one can allocate gigabytes or
spin for minutes. The rewrite (`rewrite.py`) routes them through these functions, which
estimate the result first and refuse it over `MAX_ITEMS` items or `MAX_INT_BITS` bits.
Tuples are depth-checked where scripts build them: hashing a tuple nested ~200,000 deep
recurses in C without a check and kills the process. Every guard raises
`ScriptLimitExceeded` with the line of the script frame that called it.
"""

from __future__ import annotations

import math
import operator
import re
import sys
from collections.abc import Iterable, Mapping
from types import FrameType
from typing import Any

from app.engine.sandbox.errors import ScriptLimitExceeded, ScriptProblem
from app.engine.sandbox.limits import (
    MAX_FORMAT_DIGITS,
    MAX_INT_BITS,
    MAX_ITEMS,
    MAX_TUPLE_DEPTH,
    SCRIPT_FILENAME,
)

_SIZED = (str, bytes, list, tuple, dict, set, frozenset)


def _refuse(message: str) -> ScriptLimitExceeded:
    """The refusal, with the line of the nearest script frame calling the guard."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename != SCRIPT_FILENAME:
        frame = frame.f_back
    return ScriptLimitExceeded([ScriptProblem(frame.f_lineno if frame else None, message)])


def _weight(items: Iterable[Any]) -> int:
    """Total length of `items`, unsized items counting 1; in C when all are sized."""
    try:
        return sum(map(len, items))
    except TypeError:
        return sum(len(item) if isinstance(item, _SIZED) else 1 for item in items)


def _expanded(items: Iterable[Any], budget: int) -> int:
    """Size of `items` written out in full, counting stops past `budget`.

    Nested containers count their own contents every time they appear (sharing saves
    memory, but not the work of printing, comparing or hashing them in C), strings their
    length, anything else 1.
    """
    total, stack = 0, list(items)
    while stack and total <= budget:
        item = stack.pop()
        if isinstance(item, list | tuple | set | frozenset | dict) and item:
            stack.extend(item.items() if isinstance(item, dict) else item)
        else:
            total += len(item) if isinstance(item, str | bytes) and item else 1
    return total


def _check_depth(value: object) -> None:
    """Refuse a tuple nested more than MAX_TUPLE_DEPTH deep (shared parts counted once)."""
    if not isinstance(value, tuple):
        return
    depths: dict[int, int] = {}
    stack: list[tuple[tuple[Any, ...], bool]] = [(value, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            inner = [depths[id(item)] for item in node if isinstance(item, tuple)]
            depths[id(node)] = 1 + max(inner, default=0)
            if depths[id(node)] > MAX_TUPLE_DEPTH:
                raise _refuse(f"tuples may not be nested more than {MAX_TUPLE_DEPTH} deep")
        elif id(node) not in depths:
            stack.append((node, True))
            stack.extend((item, False) for item in node if isinstance(item, tuple))


def _tuple(value: tuple[Any, ...]) -> tuple[Any, ...]:
    _check_depth(value)
    return value


def _check_op(symbol: str, a: object, b: object) -> None:
    if isinstance(a, int) and isinstance(b, int):
        if symbol == "**" and b > 0 and abs(a) > 1 and b * math.log2(abs(a)) > MAX_INT_BITS:
            raise _refuse("result of '**' would be too large")
        if symbol == "*" and a.bit_length() + b.bit_length() > MAX_INT_BITS:
            raise _refuse("result of '*' would be too large")
        if symbol == "<<" and a and b > 0 and a.bit_length() + b > MAX_INT_BITS:
            raise _refuse("result of '<<' would be too large")
    elif symbol == "*":
        seq, count = (a, b) if isinstance(b, int) else (b, a)
        repeated = isinstance(seq, _SIZED) and isinstance(count, int) and count > 1
        # [s] * n with a long s is a small list but a huge str() or join() later, and
        # [[[0] * 100] * 100] * 100 a million zeros once printed, compared or hashed.
        if repeated and (
            count * len(seq) > MAX_ITEMS
            or (
                isinstance(seq, list | tuple)
                and count * _expanded(seq, MAX_ITEMS // count + 1) > MAX_ITEMS
            )
        ):
            raise _refuse(f"repetition would produce more than {MAX_ITEMS} items")
    elif symbol == "+" and isinstance(a, _SIZED) and isinstance(b, _SIZED):
        if len(a) + len(b) > MAX_ITEMS:
            raise _refuse(f"concatenation would produce more than {MAX_ITEMS} items")
    elif symbol == "%" and isinstance(a, str | bytes):
        spec = a if isinstance(a, str) else a.decode("latin-1")
        for width in re.findall(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?", spec):
            if any(w == "*" or len(w) > MAX_FORMAT_DIGITS for w in width):
                raise _refuse("'%' format width or precision is too large")


_BINARY = {"**": operator.pow, "*": operator.mul, "<<": operator.lshift,
           "+": operator.add, "%": operator.mod}  # fmt: skip
_INPLACE = {"**": operator.ipow, "*": operator.imul, "<<": operator.ilshift,
            "+": operator.iadd, "%": operator.imod}  # fmt: skip


def _op(symbol: str, a: Any, b: Any) -> Any:
    _check_op(symbol, a, b)
    return _BINARY[symbol](a, b)


def _iop(symbol: str, a: Any, b: Any) -> Any:
    _check_op(symbol, a, b)
    return _INPLACE[symbol](a, b)  # keeps in-place semantics: lists stay the same object


def _aug_item(container: Any, key: Any, symbol: str, value: Any) -> None:
    container[key] = _iop(symbol, container[key], value)


def _sized(value: Any) -> Any:
    if isinstance(value, _SIZED) and len(value) > MAX_ITEMS:
        raise _refuse(f"unpacking more than {MAX_ITEMS} items is not allowed")
    return value


def _arg(args: tuple[Any, ...], kwargs: dict[str, Any], index: int, name: str,
         default: Any) -> Any:  # fmt: skip
    return args[index] if len(args) > index else kwargs.get(name, default)


def _estimate(name: str, obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """Size of what `obj.name(*args, **kwargs)` would produce, before C computes it."""
    if name in ("ljust", "rjust", "center", "zfill"):
        return int(_arg(args, kwargs, 0, "width", 0))
    if name == "to_bytes":
        return int(_arg(args, kwargs, 0, "length", 1))
    if name == "expandtabs":
        tab = "\t" if isinstance(obj, str) else b"\t"
        return len(obj) + obj.count(tab) * max(int(_arg(args, kwargs, 0, "tabsize", 8)), 0)
    if name == "replace":
        old, new = args[0], args[1]
        hits = len(obj) + 1 if not old else obj.count(old)
        count = int(_arg(args, kwargs, 2, "count", -1))
        hits = hits if count < 0 else min(hits, count)
        return len(obj) + hits * max(len(new) - len(old), 0)
    if name == "join":
        return sum(map(len, args[0])) + len(obj) * max(len(args[0]) - 1, 0)
    if name == "translate" and isinstance(obj, str) and isinstance(args[0], Mapping):
        return len(obj) * max(_weight(args[0].values()), 1)
    if name == "extend":
        return len(obj) + (len(args[0]) if isinstance(args[0], _SIZED) else 0)
    return 0


_GUARDED_METHODS = frozenset({
    "center", "expandtabs", "extend", "items", "join", "ljust", "popitem", "replace",
    "rjust", "to_bytes", "translate", "zfill",
})  # fmt: skip
_GUARDED_TYPES = (str, bytes, list, int, dict)


def _method(obj: Any, name: str) -> Any:
    """`obj.name` for the guarded methods of str, bytes, list, int and dict.

    A checked wrapper, for the bound form, the unbound form (`str.join(sep, parts)`) and
    aliases (`j = s.join`): size-taking methods refuse results over MAX_ITEMS, and
    `dict.items()`/`popitem()` depth-check the pairs they build (and `items()` returns a
    list, as a live view could later pair a key with a deeper value).
    """
    value = getattr(obj, name)
    unbound = any(obj is cls for cls in _GUARDED_TYPES)
    if not (unbound or isinstance(obj, _GUARDED_TYPES)):
        return value

    def checked(*args: Any, **kwargs: Any) -> Any:
        self_, rest = (args[0], args[1:]) if unbound and args else (obj, args)
        head = args[:1] if unbound else ()
        if isinstance(self_, dict) and name in ("items", "popitem"):
            result = list(value(*args, **kwargs)) if name == "items" else value(*args)
            for pair in result if name == "items" else [result]:
                _check_depth(pair)
            return result
        if name == "join" and rest and not isinstance(rest[0], list | tuple):
            rest = (list(rest[0]), *rest[1:])  # materialise once, measure, then join
        try:
            size = _estimate(name, self_, rest, kwargs)
        except (TypeError, ValueError, IndexError, AttributeError, OverflowError):
            size = 0  # wrong arguments: the real method raises the proper error
        if size > MAX_ITEMS:
            raise _refuse(f"'{name}' would produce more than {MAX_ITEMS} items")
        return value(*head, *rest, **kwargs)

    return checked
