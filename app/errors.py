"""Domain exceptions. Services raise them; the API maps each to one status code.

Nothing here imports Flask: the CLI and the worker use the same exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class DomainError(Exception):
    """Base class: a failure the user can understand and act on."""

    status = 400

    def __init__(self, message: str, errors: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors


class NotFound(DomainError):
    """The id names nothing (or nothing the caller may see)."""

    status = 404


class NotPermitted(DomainError):
    """The caller is signed in but may not do this."""

    status = 403


class Conflict(DomainError):
    """The thing changed under the caller: claimed by someone else, already completed."""

    status = 409


class TaskNotReady(Conflict):
    """The task is no longer waiting for input (completed or cancelled)."""


class InvalidInput(DomainError):
    """The request is well formed but its content is wrong (422)."""

    status = 422


class FormInvalid(InvalidInput):
    """Submitted data fails the task's JSON Schema; `errors` maps field path to messages."""


@dataclass(frozen=True)
class DeployProblem:
    """One thing wrong (or doubtful) in an uploaded model, located as precisely as known."""

    file: str
    message: str
    line: int | None = None
    element_id: str | None = None
    severity: str = "error"

    def as_dict(self) -> dict[str, Any]:
        """Plain form for JSON answers and CLI output."""
        return {
            "file": self.file,
            "line": self.line,
            "element_id": self.element_id,
            "message": self.message,
        }


class DeploymentInvalid(InvalidInput):
    """The upload is refused as a whole; nothing was stored."""

    def __init__(self, problems: list[DeployProblem]) -> None:
        self.problems = problems
        count = len(problems)
        super().__init__(
            f"Model tidak valid: {count} kesalahan / invalid model: {count} error(s)",
            [p.as_dict() for p in problems],
        )
