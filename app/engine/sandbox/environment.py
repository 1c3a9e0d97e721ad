"""The SpiffWorkflow environment and script engine that put the sandbox together.

SpiffWorkflow's default environment calls plain `eval`/`exec` with every builtin; these
classes replace it, so that every code string is checked, rewritten, run with the safe
builtins only and time-limited, and so that errors point back at the sandbox exception.
`make_script_engine` is the only way the app should build an engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from app.engine.sandbox.deadline import _run
from app.engine.sandbox.errors import ScriptForbidden, sandbox_error
from app.engine.sandbox.rewrite import _GUARDS, _compiled
from app.engine.sandbox.safe_builtins import SAFE_BUILTINS


def _runtime_globals() -> dict[str, Any]:
    """Guards and a fresh copy of the builtins, put in last so task data cannot shadow them."""
    return {**_GUARDS, "__builtins__": dict(SAFE_BUILTINS)}


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
