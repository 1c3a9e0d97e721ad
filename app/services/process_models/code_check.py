"""The modeler's check of a condition or script as the analyst types, without running it.

Deploy refuses code that does not parse or that the sandbox forbids (app/engine/
validation.py); the modeler asks the same questions while the text is being written, so
the analyst sees the mistake and where it is before saving. Nothing is evaluated: the
text is parsed with `ast` and read by the sandbox's static check.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Literal

from app.engine.sandbox import check_script

Mode = Literal["eval", "exec"]
MODES: tuple[Mode, ...] = ("eval", "exec")


@dataclass(frozen=True)
class CodeProblem:
    """Why the code would be refused; `line` and `column` are 1-based where known."""

    message: str
    line: int | None = None
    column: int | None = None

    def as_dict(self) -> dict[str, object]:
        """The problem as the modeler's JSON answer carries it."""
        return {"message": self.message, "line": self.line, "column": self.column}


def check_code(code: str, mode: Mode) -> list[CodeProblem]:
    """Problems of `code` as an expression (`eval`: conditions, timers) or a script (`exec`).

    A syntax error comes with its line and column; what the sandbox forbids with its line.
    Empty code has no problem here: whether an element needs code is the deploy's question.
    """
    text = code.strip() if mode == "eval" else code
    if not text.strip():
        return []
    try:
        ast.parse(text, "<diagram>", mode)
    except SyntaxError as err:
        column = err.offset if err.offset and err.offset > 0 else None
        return [CodeProblem(f"syntax error: {err.msg}", err.lineno, column)]
    except (ValueError, RecursionError, MemoryError) as err:
        return [CodeProblem(f"cannot be parsed: {err}")]
    return [CodeProblem(problem.message, problem.line) for problem in check_script(text, mode)]
