"""Flask extensions.

flask-smorest keeps each app's OpenAPI document on the `Api` object, so one is made per
app in `app.api.register_api` rather than shared at module level.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_smorest import Api as _SmorestApi
from werkzeug.exceptions import HTTPException

_LOCATIONS = {"json", "query", "form", "files", "headers", "view_args"}


class Api(_SmorestApi):  # type: ignore[misc]
    """flask-smorest, with every error in the contract's shape `{"message", "errors"}`."""

    def handle_http_exception(self, error: HTTPException) -> Any:
        """Render an HTTP error (webargs' 422 included) as JSON with a message."""
        data = getattr(error, "data", None) or {}
        errors = data.get("errors", data.get("messages")) or {}
        if isinstance(errors, dict) and errors and set(errors) <= _LOCATIONS:
            errors = {key: value for part in errors.values() for key, value in part.items()}
        if "message" in data:
            message = data["message"]
        elif error.code == 422:
            message = "Data tidak valid / invalid data"
        else:
            message = error.description or error.name
        response = jsonify({"message": message, "errors": errors})
        response.status_code = error.code or 500
        for name, value in (data.get("headers") or {}).items():
            response.headers[name] = value
        return response
