"""The AST rewrite that sends checked code through the guards and the deadline.

C-level operations never give a trace event, so before compiling, operators, unpacking,
size-taking methods and tuple displays become calls to the guards, and every loop, loop
item and function call ticks against the deadline. Guards live in the run's globals under
`_spbe_*` names, which user code cannot spell: the static check refuses any name starting
with `_`.
"""

from __future__ import annotations

import ast
import contextlib
import functools
from collections.abc import Callable
from types import CodeType
from typing import Any

from app.engine.sandbox.check import _problems
from app.engine.sandbox.deadline import _iterate, _tick
from app.engine.sandbox.errors import ScriptForbidden, ScriptProblem
from app.engine.sandbox.guards import (
    _GUARDED_METHODS,
    _aug_item,
    _iop,
    _method,
    _op,
    _sized,
    _tuple,
)
from app.engine.sandbox.limits import MAX_CODE_CHARS, SCRIPT_FILENAME, Mode


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
    return _rewritten(code, mode)


@functools.lru_cache(maxsize=1024)
def _rewritten(code: str, mode: Mode) -> CodeType:
    """Rewrite and compile code the server has already checked (`_compiled`).

    The sandbox process calls this directly: only the server sends it code, after
    `_compiled` passed it, and the check is the server's to make.

    Raises:
        ScriptForbidden: the code is nested too deeply for this thread's stack.
    """
    try:
        tree = _Guard().visit(ast.parse(code, SCRIPT_FILENAME, mode))
        return compile(ast.fix_missing_locations(tree), SCRIPT_FILENAME, mode, dont_inherit=True)
    except RecursionError:  # MAX_NESTING is checked, but the caller's stack may be deep
        raise ScriptForbidden([ScriptProblem(None, "code is nested too deeply")]) from None


# What each `_spbe_*` name the rewrite emits is bound to in a run's globals.
_GUARDS: dict[str, Callable[..., Any]] = {
    "_spbe_op": _op, "_spbe_iop": _iop, "_spbe_aug_item": _aug_item, "_spbe_slice": slice,
    "_spbe_tick": _tick, "_spbe_iter": _iterate, "_spbe_sized": _sized,
    "_spbe_method": _method, "_spbe_tuple": _tuple,
}  # fmt: skip
