"""What one run of a code string sees as its globals, and what a script leaves in task data.

The server (for code it runs itself) and the sandbox process (for the rest) build a run's
globals and clean up after a script the same way, so the two paths give the same task data.
The order follows SpiffWorkflow's `TaskDataEnvironment`: an expression sees task data over
helpers and external context; a script runs in the task data itself, so its new variables
become task data. Guards and `__builtins__` go in last, so data cannot replace them. The
builtins (the safe ones and the standard names of `standard_names.py`) are looked up after
the data, so a field of the same name hides one, as a variable hides a builtin in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.engine.sandbox.limits import Mode
from app.engine.sandbox.rewrite import _GUARDS
from app.engine.sandbox.safe_builtins import SAFE_BUILTINS
from app.engine.sandbox.standard_names import STANDARD_NAMES, import_loaded

#: Names every run's globals get and no task data keeps.
RESERVED = frozenset({*_GUARDS, "__builtins__"})
_BUILTINS = {**SAFE_BUILTINS, **STANDARD_NAMES, "__import__": import_loaded}


def run_globals(
    mode: Mode,
    context: dict[str, Any],
    helpers: Mapping[str, Callable[..., Any]],
    external: Mapping[str, Any],
) -> dict[str, Any]:
    """The globals of one run: a new dict for an expression, `context` itself for a script."""
    runtime = {**_GUARDS, "__builtins__": dict(_BUILTINS)}
    if mode == "eval":
        return {**helpers, **external, **context, **runtime}
    context.update(helpers)
    context.update(external)
    context.update(runtime)
    return context


def leave_data(
    context: dict[str, Any], helpers: Mapping[str, Any], external: Mapping[str, Any]
) -> None:
    """Remove from a script's globals what is not task data: guards, builtins, helpers,
    external context and anything callable (functions and lambdas a script defined)."""
    for name in list(context):
        if name in RESERVED or name in helpers or name in external or callable(context[name]):
            del context[name]
