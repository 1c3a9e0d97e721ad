"""The SpiffWorkflow environment and script engine that put the sandbox together.

SpiffWorkflow's default environment calls plain `eval`/`exec` with every builtin; these
classes replace it, so that every code string is checked, rewritten, run with the safe
builtins only, time-limited and memory-limited, and so that errors point back at the
sandbox exception. Code that provably cannot take much memory runs in the server
(`footprint.py`); the rest in a sandbox process under a memory limit (`pool.py`).
`make_script_engine` is the only way the app should build an engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from app.config import DataLimits
from app.engine.sandbox.deadline import _run
from app.engine.sandbox.errors import ScriptDataRejected, ScriptForbidden, sandbox_error
from app.engine.sandbox.footprint import inside_server
from app.engine.sandbox.limits import MEMORY_LIMIT_MB, Mode
from app.engine.sandbox.namespace import RESERVED, leave_data, run_globals
from app.engine.sandbox.pool import Answer, ChildPool, pool_for
from app.engine.sandbox.rewrite import _compiled
from app.engine.sandbox.standard_names import moment
from app.engine.sandbox.wire import encode, oversized
from app.engine.spiff_time import engine_now

_REPLY_SLACK = 64 * 1024


class RestrictedEnvironment(TaskDataEnvironment):  # type: ignore[misc]
    """SpiffWorkflow environment that checks, rewrites, time- and memory-limits every run.

    Task data are the globals, as in `TaskDataEnvironment`; new variables of a script
    become task data and helpers, guards and callables are removed afterwards. A run in a
    sandbox process gets a copy of the data and sends the script's data back, so values
    come back as copies (two names that shared a list no longer do, as after a save).

    Args:
        helpers: functions scripts may call by name (names must not start with `_`).
        time_limit: seconds one script or expression may run.
        memory_limit_mb: memory a sandbox process may take for one run.
        data_max_bytes: the cap on task data (`DataLimits.max_bytes`). What a script
            leaves may be up to three times that written out (the type tags, and what is
            still to be dropped), and no more comes back or stays in the server.

    Raises:
        ValueError: a helper name is not a public identifier, or a limit is not positive.
    """

    def __init__(
        self,
        helpers: Mapping[str, Callable[..., Any]] | None = None,
        time_limit: float = 2.0,
        memory_limit_mb: int = MEMORY_LIMIT_MB,
        data_max_bytes: int = DataLimits.max_bytes,
    ) -> None:
        helpers = dict(helpers or {})
        for name, helper in helpers.items():
            if not name.isidentifier() or name.startswith("_") or not callable(helper):
                raise ValueError(f"helper {name!r} must be a callable with a public name")
        if not time_limit > 0:
            raise ValueError("time_limit must be positive")
        if memory_limit_mb < 1 or data_max_bytes < 1:
            raise ValueError("memory_limit_mb and data_max_bytes must be positive")
        super().__init__(helpers)
        self.time_limit = float(time_limit)
        self.memory_limit_mb = int(memory_limit_mb)
        self.max_reply_bytes = 3 * int(data_max_bytes) + _REPLY_SLACK
        self._helper_names = frozenset(helpers)

    @property
    def pool(self) -> ChildPool:
        """The sandbox processes runs go to (shared by environments with this limit)."""
        return pool_for(self.memory_limit_mb)

    def evaluate(
        self,
        expression: str,
        context: dict[str, Any],
        external_context: Mapping[str, Any] | None = None,
    ) -> Any:
        """Evaluate a condition, timer expression or DMN entry over task data.

        Raises:
            ScriptForbidden: refused by the static check or a size guard;
                ScriptMemoryExceeded (a `ScriptLimitExceeded`) past the memory limit.
            ScriptTimeout: ran past the time limit.
            ScriptDataRejected: the value is not data, or too large to take back.
        """
        expression = expression.strip()  # diagrams often indent conditions
        code = _compiled(expression, "eval")
        external = external_context or {}
        if inside_server(expression, "eval", self._helper_names) is None:
            return self._in_sandbox(expression, "eval", context, external).value
        with moment(engine_now()):
            result = _run(
                code, run_globals("eval", context, self.globals, external), self.time_limit
            )
        if oversized(result, self.max_reply_bytes):
            raise ScriptDataRejected(self._too_large("the value"))
        return result

    def execute(
        self,
        script: str,
        context: dict[str, Any],
        external_context: Mapping[str, Any] | None = None,
    ) -> bool:
        """Run a script with task data as its globals.

        Raises:
            ScriptForbidden: refused by the static check or a size guard;
                ScriptMemoryExceeded (a `ScriptLimitExceeded`) past the memory limit.
            ScriptTimeout: ran past the time limit (data set before that point remain).
            ScriptDataRejected: the script left data that are not data or too large;
                nothing of them is kept.
            ValueError: task data would hide a helper (SpiffWorkflow's own check).
        """
        code = _compiled(script, "exec")
        external = external_context or {}
        self.check_for_overwrite(context, external)
        changed = inside_server(script, "exec", self._helper_names)
        if changed is None:
            self._in_sandbox(script, "exec", context, external)
            return True
        try:
            with moment(engine_now()):
                _run(code, run_globals("exec", context, self.globals, external), self.time_limit)
        finally:
            leave_data(context, self.globals, external)
        for name in sorted(changed & context.keys()):
            if oversized(context[name], self.max_reply_bytes):
                del context[name]  # not kept, not even until the step fails
                raise ScriptDataRejected(self._too_large(name))
        return True

    def _in_sandbox(
        self, code: str, mode: Mode, context: dict[str, Any], external: Mapping[str, Any]
    ) -> Answer:
        """Run in a sandbox process; a script's data replace `context` as it left them."""
        data = {name: value for name, value in context.items() if name not in RESERVED}
        try:
            request = {
                "code": code,
                "mode": mode,
                "context": encode(data, self.max_reply_bytes),
                "external": encode(dict(external), self.max_reply_bytes),
                "helpers": sorted(self.globals),
                "time_limit": self.time_limit,
                "max_bytes": self.max_reply_bytes,
                "now": engine_now().isoformat(),
            }
        except ValueError as err:
            raise ScriptDataRejected(
                f"Data tugas bukan JSON / task data are not JSON: {err}"
            ) from None
        answer = self.pool.run(request, self.globals, self.time_limit, self.max_reply_bytes)
        if mode == "exec" and answer.data is not None:
            context.clear()
            context.update(answer.data)
        if answer.error is not None:
            raise answer.error
        return answer

    def _too_large(self, name: str) -> str:
        return (
            f"Data skrip lebih dari {self.max_reply_bytes} bita ({name}) / the script's "
            f"data are larger than {self.max_reply_bytes} bytes ({name})"
        )


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
    """Point `err` at the sandbox error behind it, and at the script's line.

    An error from a sandbox process carries its line as `script_line` (the traceback
    SpiffWorkflow reads ends in the server); a refusal has it in its problems.
    """
    cause = sandbox_error(err)
    if cause is not None and cause is not err:
        err.__cause__ = cause
    line = getattr(err.__cause__ or err.__context__, "script_line", None)
    if isinstance(cause, ScriptForbidden) and cause.problems:
        line = cause.problems[0].line or line
    if line and not err.line_number:
        err.line_number = line
        lines = code.splitlines()
        err.error_line = lines[line - 1] if line <= len(lines) else ""


def make_script_engine(
    helpers: Mapping[str, Callable[..., Any]] | None = None,
    time_limit: float = 2.0,
    memory_limit_mb: int = MEMORY_LIMIT_MB,
    data_max_bytes: int = DataLimits.max_bytes,
) -> PythonScriptEngine:
    """Build the script engine; the only way the app should build one.

    Args:
        helpers: functions scripts may call by name.
        time_limit: seconds one script or expression may run.
        memory_limit_mb: memory a sandbox process may take for one run.
        data_max_bytes: the cap on task data (see `RestrictedEnvironment`).

    Returns:
        A `RestrictedScriptEngine`. Its `WorkflowTaskException`s have `__cause__` set to the
        `ScriptForbidden` (or `ScriptLimitExceeded`, `ScriptMemoryExceeded`) or
        `ScriptTimeout`; `sandbox_error` finds it in any exception chain.
    """
    return RestrictedScriptEngine(
        environment=RestrictedEnvironment(helpers, time_limit, memory_limit_mb, data_max_bytes)
    )
