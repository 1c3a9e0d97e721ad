"""Run analyst-written Python (scripts, conditions, timer expressions, DMN entries) safely.

Everything written inside a diagram is untrusted: anyone who may upload a model would
otherwise run code in the web server. SpiffWorkflow's default environment calls plain
`eval`/`exec` with every builtin, so this module replaces it. The defences, in the order a
piece of code meets them:

1. A static check (`check_script`), run at deploy and again before every first run of a code
   string: no imports, no names or attributes starting with `_` (every known escape walks
   dunders such as `__class__`, `__globals__`, `__subclasses__`), no dangerous builtins by
   name, no frame/code/traceback attributes (`gi_frame`, `f_globals`, `tb_frame`... do not
   start with `_`), no `str.format`/`format_map` (format fields read attributes by string),
   no classes, decorators, `global`, `yield`, `async`, `with`, `match`, bare `except:` or
   attribute assignment.
2. A whitelist of builtins (`SAFE_BUILTINS`): the real `__builtins__` is never reachable,
   so a name missed by the check still fails with `NameError`.
3. An AST rewrite before compiling. C-level operations never give a trace event, so the time
   limit cannot stop them: `**`, `*`, `<<`, `+`, `%` and their augmented forms, `*x`
   unpacking and size-taking methods (`join`, `ljust`, `replace`...) go through guards that
   refuse results over `MAX_ITEMS` items or `MAX_INT_BITS` bits; `range`, `sum` and `round`
   are replaced by checked versions. Tuples are depth-checked where scripts build them
   (displays, `tuple()`, `zip`, `enumerate`, `dict.items()`, `*args`): hashing a tuple nested
   ~200,000 deep recurses in C without a check and kills the process. Guards raise
   `ScriptLimitExceeded`, a `ScriptForbidden`.
4. A time limit per run: a trace function for the current thread only (scripts also run in
   worker threads, where `signal.alarm` cannot be used) raises `ScriptTimeout` past the
   deadline and the previous tracer is restored afterwards. CPython uninstalls a tracer
   that raises, and a one-line `while True: pass` gives no line events, so the rewrite also
   makes every loop, loop item and function call tick against the same deadline.
   `Exception` is not a builtin and bare `except:` is refused, so scripts cannot catch it.

Guards live in the run's globals under `_spbe_*` names, which user code cannot spell.

Limitations: memory is bounded per operation, not in total (a loop may allocate many
million-item lists before its deadline), so run workers with an OS memory limit. `str()` of
a structure holding a million references to one long string, built in a loop, runs in C
and is only stopped by that memory limit. Objects returned by helpers are reachable by
their public attributes: helpers should return plain data.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import math
import operator
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import CodeType, FrameType
from typing import Any, Literal

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

Mode = Literal["exec", "eval"]

MAX_ITEMS = 1_000_000
"""Largest sequence, string or range a single operation may produce."""
MAX_INT_BITS = 33_220
"""Largest integer an operation may produce: about 10,000 decimal digits."""
MAX_FORMAT_DIGITS = 4
"""Widths and precisions in format specs have at most this many digits (9999)."""
MAX_ROUND_DIGITS = 10_000
MAX_TUPLE_DEPTH = 100
"""Deepest tuple nesting: CPython hashes nested tuples recursively in C, with no recursion
check, so `{t}` of a tuple nested ~200,000 deep crashes the process (SIGSEGV)."""
MAX_NESTING = 150
"""Deepest syntax nesting: the rewrite and the compiler recurse over the syntax tree."""
MAX_CODE_CHARS = 100_000
SCRIPT_FILENAME = "<string>"
"""SpiffWorkflow finds the failing line of a script by this frame file name."""

_TRACEBACK_ATTRIBUTES = frozenset({
    "ag_await", "ag_code", "ag_frame", "ag_running",
    "co_code", "co_consts", "co_filename", "co_names", "co_varnames",
    "cr_await", "cr_code", "cr_frame", "cr_origin", "cr_running",
    "f_back", "f_builtins", "f_code", "f_globals", "f_lasti", "f_lineno", "f_locals",
    "f_trace", "func_closure", "func_code", "func_globals",
    "gi_code", "gi_frame", "gi_running", "gi_suspended", "gi_yieldfrom",
    "im_class", "im_func", "im_self", "tb_frame", "tb_lasti", "tb_lineno", "tb_next",
    "with_traceback",
})  # fmt: skip
_FORBIDDEN_ATTRIBUTES: dict[str, str] = {
    **{name: "it exposes interpreter internals" for name in _TRACEBACK_ATTRIBUTES},
    "format": "format fields can read attributes; use an f-string",
    "format_map": "format fields can read attributes; use an f-string",
    "mro": "it exposes the class hierarchy",
    "args": "exception arguments are not available; use str(error)",
}
# Not in SAFE_BUILTINS either; named here so that deploy gives a clear message. `type` is
# deliberately absent: it is not a builtin in scripts (it hands out classes, and its
# three-argument form builds classes whose dunder methods come from strings), but task
# data often has a field called `type`, which scripts and conditions must be able to read.
_FORBIDDEN_NAMES = frozenset({
    "breakpoint", "classmethod", "compile", "delattr", "dir", "eval", "exec", "exit",
    "getattr", "globals", "hasattr", "help", "input", "locals", "memoryview", "object",
    "open", "property", "quit", "setattr", "staticmethod", "super", "vars",
})  # fmt: skip
_REFUSED_NODES: dict[type[ast.AST], str] = {
    ast.Import: "import is not allowed",
    ast.ImportFrom: "import is not allowed",
    ast.Global: "'global' is not allowed",
    ast.Nonlocal: "'nonlocal' is not allowed",
    ast.ClassDef: "class definitions are not allowed",
    ast.AsyncFunctionDef: "async code is not allowed",
    ast.AsyncFor: "async code is not allowed",
    ast.AsyncWith: "async code is not allowed",
    ast.Await: "async code is not allowed",
    ast.Yield: "'yield' is not allowed: generators expose their frames",
    ast.YieldFrom: "'yield' is not allowed: generators expose their frames",
    ast.With: "'with' is not allowed",
    ast.Match: "'match' is not allowed",
    ast.TryStar: "'except*' is not allowed",
}
_SIZED = (str, bytes, list, tuple, dict, set, frozenset)


@dataclass(frozen=True)
class ScriptProblem:
    """One reason a piece of code is refused, with its 1-based line inside that code."""

    line: int | None
    message: str


class ScriptForbidden(Exception):
    """Code was refused by the sandbox; `problems` says why.

    Raised before the code runs (static check) and, as `ScriptLimitExceeded`, by a guard.
    """

    def __init__(self, problems: Iterable[ScriptProblem]) -> None:
        self.problems = tuple(problems)
        text = "; ".join(
            f"line {p.line}: {p.message}" if p.line else p.message for p in self.problems
        )
        super().__init__(f"script refused: {text}")


class ScriptLimitExceeded(ScriptForbidden):
    """An operation would have produced a result too large to compute safely."""


class ScriptTimeout(Exception):
    """A script or expression ran past its time limit."""


# --------------------------------------------------------------------------- static check


def check_script(code: str, mode: Mode = "exec") -> list[ScriptProblem]:
    """Find what the sandbox refuses in `code`, without running it.

    Deploy calls this to report every problem with its line; the environment calls it
    (cached) before the first run of each code string, so a model deployed before a rule
    was added is still checked.

    Args:
        code: the script (`exec`) or expression (`eval`; surrounding whitespace is
            ignored, as `RestrictedEnvironment.evaluate` ignores it).
        mode: `exec` for script tasks and pre/post scripts, `eval` for conditions, timer
            expressions and DMN entries.

    Returns:
        The problems sorted by line; empty when the code may run.
    """
    return list(_problems(code.strip() if mode == "eval" else code, mode))


@functools.lru_cache(maxsize=2048)
def _problems(code: str, mode: Mode) -> tuple[ScriptProblem, ...]:
    if len(code) > MAX_CODE_CHARS:
        return (ScriptProblem(None, f"code is too long (over {MAX_CODE_CHARS} characters)"),)
    try:
        tree = ast.parse(code, SCRIPT_FILENAME, mode)
        compile(code, SCRIPT_FILENAME, mode, dont_inherit=True)  # `return` outside def...
    except SyntaxError as err:
        return (ScriptProblem(err.lineno, f"syntax error: {err.msg}"),)
    except (ValueError, RecursionError, MemoryError) as err:
        return (ScriptProblem(None, f"cannot be parsed: {err}"),)
    if _nesting(tree) > MAX_NESTING:
        return (ScriptProblem(None, f"code is nested too deeply (over {MAX_NESTING} levels)"),)
    found: dict[tuple[int | None, str], None] = {}
    for node in ast.walk(tree):
        line = getattr(node, "lineno", None)
        for message in _node_problems(node):
            found[(line, message)] = None
    return tuple(
        ScriptProblem(line, message)
        for line, message in sorted(found, key=lambda key: (key[0] or 0, key[1]))
    )


def _nesting(tree: ast.AST) -> int:
    """Depth of the syntax tree, computed without recursion."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _node_problems(node: ast.AST) -> Iterator[str]:
    refused = _REFUSED_NODES.get(type(node))
    if refused:
        yield refused
    if isinstance(node, ast.ExceptHandler) and node.type is None:
        yield "bare 'except:' is not allowed: name the exceptions to catch"
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.decorator_list:
        yield "decorators are not allowed"
    if isinstance(node, ast.Attribute):
        if not isinstance(node.ctx, ast.Load):
            yield "assigning or deleting attributes is not allowed"
        if node.attr in _FORBIDDEN_ATTRIBUTES:
            yield f"attribute '{node.attr}' is not allowed: {_FORBIDDEN_ATTRIBUTES[node.attr]}"
    if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
        yield from _format_spec_problems(node.format_spec)
    for name in _identifiers(node):
        if name.startswith("_"):
            yield f"name '{name}' is not allowed: names starting with '_' are reserved"
        elif name in _FORBIDDEN_NAMES and not isinstance(node, ast.Attribute):
            yield f"name '{name}' is not allowed"


def _identifiers(node: ast.AST) -> Iterator[str]:
    """Every name the code spells in `node`: variables, attributes, arguments, keywords."""
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Attribute):
        yield node.attr
    elif isinstance(node, ast.arg | ast.keyword):
        if node.arg:  # None for **kwargs in a call
            yield node.arg
    elif isinstance(
        node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.ExceptHandler
    ):
        if node.name:  # None for an unnamed except clause
            yield node.name
    elif isinstance(node, ast.alias):
        yield node.name
        if node.asname:
            yield node.asname
    elif isinstance(node, ast.Global | ast.Nonlocal):
        yield from node.names


def _format_spec_problems(spec: ast.expr) -> Iterator[str]:
    """Refuse `f"{x:{width}}"` and huge widths: C-level padding is not interruptible."""
    parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
    if not all(isinstance(part, ast.Constant) for part in parts):
        yield "expressions inside a format spec are not allowed"
        return
    text = "".join(str(part.value) for part in parts if isinstance(part, ast.Constant))
    if re.search(rf"\d{{{MAX_FORMAT_DIGITS + 1},}}", text):
        yield "format width or precision is too large"


# --------------------------------------------------------------------------- rewrite


def _call(guard: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(id=guard, ctx=ast.Load()), args=list(args), keywords=[])


_OPERATORS: dict[type[ast.operator], str] = {
    ast.Pow: "**", ast.Mult: "*", ast.LShift: "<<", ast.Add: "+", ast.Mod: "%",
}  # fmt: skip


def _vararg(args: ast.arguments) -> list[ast.expr]:
    return [ast.Name(id=args.vararg.arg, ctx=ast.Load())] if args.vararg else []


class _Guard(ast.NodeTransformer):
    """Rewrites checked code so that C-level blow-ups and loops go through the guards."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        symbol = _OPERATORS.get(type(node.op))
        if symbol is None:
            return node
        return ast.copy_location(
            _call("_spbe_op", ast.Constant(symbol), node.left, node.right), node
        )

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        symbol = _OPERATORS.get(type(node.op))
        target = node.target
        if symbol is None:
            return node
        if isinstance(target, ast.Name):  # x += y  ->  x = _spbe_iop("+", x, y)
            load = ast.Name(id=target.id, ctx=ast.Load())
            value = _call("_spbe_iop", ast.Constant(symbol), load, node.value)
            return ast.copy_location(ast.Assign(targets=[target], value=value), node)
        if isinstance(target, ast.Subscript):  # d[k] += y, evaluating d and k once
            key = target.slice
            if isinstance(key, ast.Slice):
                none = ast.Constant(None)
                key = _call("_spbe_slice", key.lower or none, key.upper or none, key.step or none)
            call = _call("_spbe_aug_item", target.value, key, ast.Constant(symbol), node.value)
            return ast.copy_location(ast.Expr(value=call), node)
        return node  # attribute targets are refused by the check

    def visit_While(self, node: ast.While) -> ast.AST:
        self.generic_visit(node)
        node.body.insert(0, ast.copy_location(ast.Expr(value=_call("_spbe_tick")), node))
        return node

    def visit_For(self, node: ast.For) -> ast.AST:
        self.generic_visit(node)
        node.iter = ast.copy_location(_call("_spbe_iter", node.iter), node.iter)
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        self.generic_visit(node)
        node.iter = ast.copy_location(_call("_spbe_iter", node.iter), node.iter)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        self.generic_visit(node)  # every call ticks; *args is a new tuple of any depth
        tick = ast.Expr(value=_call("_spbe_tick", *_vararg(node.args)))
        node.body.insert(0, ast.copy_location(tick, node))
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        self.generic_visit(node)  # lambda: body  ->  lambda: _spbe_tick() or body
        tick = _call("_spbe_tick", *_vararg(node.args))
        node.body = ast.BoolOp(op=ast.Or(), values=[tick, node.body])
        return node

    def visit_Tuple(self, node: ast.Tuple) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.ctx, ast.Load) or all(
            isinstance(e, ast.Constant) for e in node.elts
        ):
            return node
        return ast.copy_location(_call("_spbe_tuple", node), node)

    def visit_Starred(self, node: ast.Starred) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Load):  # [*x, *x] doubles per loop in C
            node.value = _call("_spbe_sized", node.value)
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Load) and node.attr in _GUARDED_METHODS:
            return ast.copy_location(
                _call("_spbe_method", node.value, ast.Constant(node.attr)), node
            )
        return node


@functools.lru_cache(maxsize=1024)
def _compiled(code: str, mode: Mode) -> CodeType:
    """Check, rewrite and compile `code` once per distinct string.

    Raises:
        SyntaxError: the code does not parse (SpiffWorkflow reports its line).
        ScriptForbidden: the static check refused it.
    """
    if len(code) <= MAX_CODE_CHARS:  # a syntax error stays a SyntaxError, with its line
        with contextlib.suppress(ValueError, RecursionError, MemoryError):  # checked below
            compile(code, SCRIPT_FILENAME, mode, dont_inherit=True)
    problems = _problems(code, mode)
    if problems:
        raise ScriptForbidden(problems)
    try:
        tree = _Guard().visit(ast.parse(code, SCRIPT_FILENAME, mode))
        return compile(ast.fix_missing_locations(tree), SCRIPT_FILENAME, mode, dont_inherit=True)
    except RecursionError:  # MAX_NESTING is checked, but the caller's stack may be deep
        raise ScriptForbidden([ScriptProblem(None, "code is nested too deeply")]) from None


# --------------------------------------------------------------------------- time limit

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


def _run(code: CodeType, namespace: dict[str, Any], time_limit: float) -> Any:
    """Evaluate `code` in `namespace` under a deadline, on the current thread only.

    Raising from a trace function uninstalls it, which is why loops also tick (see
    `_Guard`). No Python frame is entered between the end of the code and restoring the
    previous tracer, so a late deadline cannot fire inside this function.
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


# --------------------------------------------------------------------------- size guards


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
        # [s] * n with a long s is a small list but a huge str() or join() later.
        if repeated and (
            count * len(seq) > MAX_ITEMS
            or (isinstance(seq, list | tuple) and count * _weight(seq) > MAX_ITEMS)
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


def _iterate(iterable: Iterable[Any]) -> Iterator[Any]:
    """Every loop and comprehension: one deadline check per item."""
    for item in iterable:
        budget: _Budget | None = getattr(_local, "budget", None)
        if budget is not None and time.monotonic() > budget.deadline:
            budget.check()
        yield item


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

_GUARDS: dict[str, Callable[..., Any]] = {
    "_spbe_op": _op, "_spbe_iop": _iop, "_spbe_aug_item": _aug_item, "_spbe_slice": slice,
    "_spbe_tick": _tick, "_spbe_iter": _iterate, "_spbe_sized": _sized,
    "_spbe_method": _method, "_spbe_tuple": _tuple,
}  # fmt: skip


def _runtime_globals() -> dict[str, Any]:
    """Guards and a fresh copy of the builtins, put in last so task data cannot shadow them."""
    return {**_GUARDS, "__builtins__": dict(SAFE_BUILTINS)}


# --------------------------------------------------------------------------- environment


class RestrictedEnvironment(TaskDataEnvironment):  # type: ignore[misc]
    """SpiffWorkflow environment that checks, rewrites and time-limits every code string.

    Task data are the globals, as in `TaskDataEnvironment`; new variables of a script
    become task data and helpers, guards and callables are removed afterwards.

    Args:
        helpers: functions scripts may call by name (names must not start with `_`).
        time_limit: seconds one script or expression may run.

    Raises:
        ValueError: a helper name is not a public identifier, or time_limit is not positive.
    """

    def __init__(
        self, helpers: Mapping[str, Callable[..., Any]] | None = None, time_limit: float = 2.0
    ) -> None:
        helpers = dict(helpers or {})
        for name, helper in helpers.items():
            if not name.isidentifier() or name.startswith("_") or not callable(helper):
                raise ValueError(f"helper {name!r} must be a callable with a public name")
        if not time_limit > 0:
            raise ValueError("time_limit must be positive")
        super().__init__(helpers)
        self.time_limit = float(time_limit)

    def evaluate(
        self,
        expression: str,
        context: dict[str, Any],
        external_context: Mapping[str, Any] | None = None,
    ) -> Any:
        """Evaluate a condition, timer expression or DMN entry over task data.

        Raises:
            ScriptForbidden: refused by the static check or a size guard.
            ScriptTimeout: ran past the time limit.
        """
        code = _compiled(expression.strip(), "eval")  # diagrams often indent conditions
        namespace = {**self.globals, **(external_context or {}), **context, **_runtime_globals()}
        return _run(code, namespace, self.time_limit)

    def execute(
        self,
        script: str,
        context: dict[str, Any],
        external_context: Mapping[str, Any] | None = None,
    ) -> bool:
        """Run a script with task data as its globals.

        Raises:
            ScriptForbidden: refused by the static check or a size guard.
            ScriptTimeout: ran past the time limit (data set before that point remain).
            ValueError: task data would hide a helper (SpiffWorkflow's own check).
        """
        code = _compiled(script, "exec")
        self.check_for_overwrite(context, external_context or {})
        context.update(self.globals)
        context.update(external_context or {})
        context.update(_runtime_globals())
        try:
            _run(code, context, self.time_limit)
        finally:
            for name in _GUARDS:
                context.pop(name, None)
            self._remove_globals_and_functions_from_context(context, external_context)
        return True


def sandbox_error(err: BaseException) -> ScriptForbidden | ScriptTimeout | None:
    """The sandbox refusal or timeout behind `err`, following `__cause__`/`__context__`.

    Works for a bare `ScriptForbidden`/`ScriptTimeout` (SpiffWorkflow sometimes calls the
    environment directly) and for the `WorkflowTaskException` that wraps one.
    """
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        if isinstance(current, ScriptForbidden | ScriptTimeout):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


class RestrictedScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """PythonScriptEngine whose errors point at the sandbox exception.

    SpiffWorkflow wraps errors in `WorkflowTaskException` without keeping the original;
    this sets `err.__cause__` to the `ScriptForbidden`/`ScriptTimeout` and, for refusals,
    the line of the first problem.
    """

    def evaluate(
        self, task: Any, expression: str, external_context: Mapping[str, Any] | None = None
    ) -> Any:
        """Evaluate `expression` over the task's data (see `RestrictedEnvironment`)."""
        try:
            return super().evaluate(task, expression, external_context)
        except WorkflowTaskException as err:
            _link(err, expression)
            raise

    def execute(
        self, task: Any, script: str, external_context: Mapping[str, Any] | None = None
    ) -> Any:
        """Run `script` with the task's data as globals (see `RestrictedEnvironment`)."""
        try:
            return super().execute(task, script, external_context)
        except WorkflowTaskException as err:
            _link(err, script)
            raise


def _link(err: WorkflowTaskException, code: str) -> None:
    cause = sandbox_error(err)
    if cause is None or cause is err:
        return
    err.__cause__ = cause
    if isinstance(cause, ScriptForbidden) and cause.problems and not err.line_number:
        line = cause.problems[0].line
        if line:
            err.line_number = line
            lines = code.splitlines()
            err.error_line = lines[line - 1] if line <= len(lines) else ""


def make_script_engine(
    helpers: Mapping[str, Callable[..., Any]] | None = None, time_limit: float = 2.0
) -> PythonScriptEngine:
    """Build the script engine; the only way the app should build one.

    Args:
        helpers: functions scripts may call by name.
        time_limit: seconds one script or expression may run.

    Returns:
        A `RestrictedScriptEngine`. Its `WorkflowTaskException`s have `__cause__` set to the
        `ScriptForbidden` (or `ScriptLimitExceeded`) or `ScriptTimeout`; `sandbox_error`
        finds it in any exception chain.
    """
    return RestrictedScriptEngine(environment=RestrictedEnvironment(helpers, time_limit))
