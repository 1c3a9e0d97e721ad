"""How every page blueprint is made: error pages in the user's language, and the CSRF
token checked on every POST, PUT, PATCH and DELETE (the API is exempt: it uses tokens)."""

from __future__ import annotations

from flask import Blueprint, request

from app.web import errors
from app.web.extensions import csrf

_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def blueprint(name: str, import_name: str, **options: object) -> Blueprint:
    """A page blueprint with error pages and CSRF protection attached."""
    bp = Blueprint(name, import_name, **options)  # type: ignore[arg-type]
    errors.attach(bp)

    @bp.before_request
    def check_csrf() -> None:
        if request.method in _UNSAFE:
            csrf.protect()

    return bp
