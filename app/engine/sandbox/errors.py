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


class ScriptTimeout(Exception):
    """A script or expression ran past its time limit."""


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
