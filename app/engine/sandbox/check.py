"""The static check: refuse escapes by reading the code, before anything runs.

Every known escape walks dunders (`__class__`, `__globals__`, `__subclasses__`) or frame,
code and traceback attributes, or reads attributes by string through `str.format`; all of
these can be spelled out only in the source, so they are refused here by name. Deploy
reports every problem with its line; the environment runs the same (cached) check before
the first run of each code string.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator

from app.engine.sandbox.errors import ScriptProblem
from app.engine.sandbox.limits import (
    MAX_CODE_CHARS,
    MAX_FORMAT_DIGITS,
    MAX_NESTING,
    SCRIPT_FILENAME,
    Mode,
)

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
