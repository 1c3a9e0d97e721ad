"""What the sandbox raises, and how to find it again inside SpiffWorkflow's wrappers.

The exceptions live in their own module because every other part of the sandbox raises
them: the static check, the size guards, the tracer and the environment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


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


class ScriptMemoryExceeded(ScriptLimitExceeded):
    """A script took more memory than its process may have (the sandbox's memory limit).

    Raised in the server for a `MemoryError` in the sandbox process, which is then replaced,
    so nothing the script took is kept.
    """

    def __init__(self, limit_mb: int, line: int | None = None) -> None:
        super().__init__([ScriptProblem(line, memory_message(limit_mb))])
        self.limit_mb = limit_mb


def memory_message(limit_mb: int) -> str:
    """The memory limit in words, for people reading an instance's error."""
    return (
        f"Skrip melebihi batas memori {limit_mb} MB / "
        f"script exceeded its memory limit of {limit_mb} MB"
    )


class ScriptDataRejected(ValueError):
    """What a script left or returned is not data: not JSON-like, or too large to take back.

    Task data must be JSON anyway; this is raised when a value leaves the sandbox process
    (or, on the in-process path, when a script stores more than the process could send),
    before anything of it reaches task data.
    """


class ScriptTimeout(Exception):
    """A script or expression ran past its time limit."""


def sandbox_error(
    err: BaseException,
) -> ScriptForbidden | ScriptTimeout | ScriptDataRejected | None:
    """The sandbox refusal, timeout or data refusal behind `err`, following
    `__cause__`/`__context__`.

    Works for a bare `ScriptForbidden`/`ScriptTimeout` (SpiffWorkflow sometimes calls the
    environment directly) and for the `WorkflowTaskException` that wraps one.
    """
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        if isinstance(current, ScriptForbidden | ScriptTimeout | ScriptDataRejected):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
