"""Which code runs inside the server: code that provably cannot take much memory.

The rest runs in a sandbox process under a memory limit (`pool.py`), which costs a round
trip of a few hundred microseconds, while almost every gateway condition and most diagram
scripts are a comparison or an assignment from a helper
(`prioritas = prioritas_tabel_3(dampak, kelompok, klasifikasi)`). Read once per code
string, code runs in the server when it has

- no loops, comprehensions, generator expressions, function definitions or lambdas;
- calls only to helpers (which run in the server anyway), to the builtins of
  `FAST_BUILTINS`, whose result is no larger than their arguments, and to `.get` (a
  lookup), and none of these names is assigned or deleted in the code;
- at most `MAX_FAST_OPS` operations that can build a larger value: binary operators,
  f-string fields, `*x` and `**d` unpacking, slices, and each item of a list, tuple, set
  or dict display that is not a constant.

The bound: a run starts from task data that are capped by `DataLimits` and are trees
(loaded from JSON, sent back by the sandbox process, or measured after a run here). Each
operation above yields at most `MAX_ITEMS` items written out in full (the guards count
repetition that way; `+` and displays add their operands up), so a run holds at most a few
million items more than its data, a few tens of MB, and nothing it builds takes long to
print, compare or hash in C. What a script stores is measured after the run (the names
`inside_server` returns), so a diagram loop repeating a script cannot pile data up either.
"""

from __future__ import annotations

import ast
import functools

from app.engine.sandbox.limits import MAX_FAST_OPS, SCRIPT_FILENAME, Mode

FAST_BUILTINS = frozenset({
    "abs", "all", "any", "bool", "divmod", "float", "int", "isinstance", "len", "max",
    "min", "round", "sum",
})  # fmt: skip
"""Builtins code in the server may call: none returns more than it was given (`sum` and
`round` are the checked versions, and `sum` adds numbers only)."""
_FAST_METHODS = frozenset({"get"})
_REPEATING = (
    ast.For, ast.While, ast.comprehension, ast.GeneratorExp, ast.ListComp, ast.SetComp,
    ast.DictComp, ast.FunctionDef, ast.Lambda,
)  # fmt: skip


@functools.lru_cache(maxsize=1024)
def inside_server(code: str, mode: Mode, helpers: frozenset[str]) -> frozenset[str] | None:
    """Whether `code` (already checked) may run in the server, and what it may change.

    Args:
        code: a script or expression that passed `check_script`.
        mode: `exec` or `eval`.
        helpers: the names of the helpers the environment offers.

    Returns:
        None when the code must run in the sandbox process; else the variables a script
        assigns or changes in place, to be measured after the run (empty for expressions).
    """
    tree = ast.parse(code, SCRIPT_FILENAME, mode)
    called: set[str] = set()
    bound: set[str] = set()
    changed: set[str] = set()
    ops = 0
    for node in ast.walk(tree):
        if isinstance(node, _REPEATING):
            return None
        if isinstance(node, ast.Call):
            name = _callee(node.func, helpers)
            if name is None:
                return None
            called.add(name)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
            changed.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.Subscript) and not isinstance(node.ctx, ast.Load):
            root = _root(node)
            if root is None:
                return None
            changed.add(root)
        ops += _builds(node)
    if ops > MAX_FAST_OPS or called & bound:
        return None
    return frozenset(changed)


def _callee(func: ast.expr, helpers: frozenset[str]) -> str | None:
    """The name a call may use in the server ("" for `.get`), else None."""
    if isinstance(func, ast.Name) and (func.id in helpers or func.id in FAST_BUILTINS):
        return func.id
    if isinstance(func, ast.Attribute) and func.attr in _FAST_METHODS:
        return ""
    return None


def _root(node: ast.expr) -> str | None:
    """The variable `a` in `a[i].b[j] = ...`; None when the target is not one."""
    while isinstance(node, ast.Subscript | ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _builds(node: ast.AST) -> int:
    """How many operations that can build a larger value `node` itself performs."""
    if isinstance(node, ast.BinOp | ast.AugAssign | ast.FormattedValue | ast.Starred):
        return 1
    if isinstance(node, ast.Subscript):
        return int(isinstance(node.slice, ast.Slice))
    if isinstance(node, ast.Call):
        return sum(1 for keyword in node.keywords if keyword.arg is None)  # f(**d) copies d
    if isinstance(node, ast.List | ast.Tuple | ast.Set) and isinstance(
        getattr(node, "ctx", ast.Load()), ast.Load
    ):
        return sum(1 for item in node.elts if not isinstance(item, ast.Constant | ast.Starred))
    if isinstance(node, ast.Dict):
        parts = [*node.keys, *node.values]
        return sum(1 for part in parts if not isinstance(part, ast.Constant))  # None: **d
    return 0
