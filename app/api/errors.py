"""One mapping from domain exceptions to the contract's `{"message", "errors"}` answers."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify
from sqlalchemy.exc import OperationalError

from app.api.deps import Unauthorized
from app.errors import DomainError

log = logging.getLogger(__name__)


def _answer(
    status: int, message: str, errors: Any = None, headers: dict[str, str] | None = None
) -> Any:
    response = jsonify({"message": message, "errors": errors if errors is not None else {}})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def register_error_handlers(app: Flask) -> None:
    """Install the handlers; every answer is JSON, a 500 is logged with its traceback."""

    @app.errorhandler(DomainError)
    def domain_error(err: DomainError) -> Any:
        return _answer(err.status, err.message, err.errors)

    @app.errorhandler(Unauthorized)
    def unauthorized(err: Unauthorized) -> Any:
        return _answer(401, str(err), headers={"WWW-Authenticate": 'Bearer realm="spbe"'})

    @app.errorhandler(OperationalError)
    def database_unavailable(err: OperationalError) -> Any:
        log.error("database error: %s", err)
        return _answer(503, "Basis data tidak tersedia / database unavailable, try again")
