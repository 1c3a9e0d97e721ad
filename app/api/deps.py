"""Per-request access to the platform, the database session and the signed-in user."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.errors import InvalidInput
from app.models import User
from app.request_scope import platform, session
from app.services.accounts.users import AccountService, signed_in_user

F = TypeVar("F", bound=Callable[..., Any])

_TOKEN_SALT = "spbe-api-token"  # noqa: S105 - a salt that namespaces tokens, not a secret


class Unauthorized(Exception):
    """No valid bearer token: 401."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(platform().settings.secret_key, salt=_TOKEN_SALT)


def issue_token(user: User) -> str:
    """A signed bearer token naming the user and their `token_version`; valid for the
    configured max age, and until the version is bumped (`AccountService.revoke_tokens`)."""
    return _serializer().dumps({"uid": user.id, "ver": user.token_version})


def current_user() -> User:
    """The user the bearer token names; set by `authenticated`."""
    user: User = g.user
    return user


def user_from_token() -> User:
    """The user a person's bearer token names (`authenticated` calls it).

    Raises:
        Unauthorized: no token, a bad or expired one, or a revoked one.
    """
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Token tidak ada / missing bearer token")
    try:
        payload = _serializer().loads(token.strip(), max_age=platform().settings.token_max_age)
    except SignatureExpired:
        raise Unauthorized("Token kedaluwarsa / token expired") from None
    except BadSignature:
        raise Unauthorized("Token tidak valid / invalid token") from None
    user_id = payload.get("uid") if isinstance(payload, dict) else None
    user = signed_in_user(session(), user_id) if isinstance(user_id, int) else None
    if user is None or not user.active:
        raise Unauthorized("Token tidak valid / invalid token")
    if payload.get("ver") != user.token_version:
        raise Unauthorized("Token sudah dicabut / token revoked")
    return user


def authenticated(view: F) -> F:
    """Require a valid bearer token; the user is then `current_user()`."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g.user = user_from_token()
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


#: The OpenAPI request body of a spreadsheet upload, read by `uploaded_sheet`.
SHEET_UPLOAD = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            }
        }
    }
}


def uploaded_sheet() -> tuple[bytes, str]:
    """The content and name of the file a CSV/XLSX import sent in the form field `file`.

    Raises:
        InvalidInput: no file was sent.
    """
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("Unggah berkas pada kolom 'file' / upload a file in field 'file'")
    return upload.read(), upload.filename or ""


def admin_accounts() -> AccountService:
    """The account service acting as the signed-in user, who must be Admin Sistem.

    Raises:
        NotPermitted: the user does not hold Admin Sistem.
    """
    service = AccountService(session(), platform().clock, current_user(), platform().passwords)
    service.require_admin()
    return service


#: The languages the API answers in (`Accept-Language`), Indonesian unless asked.
LANGUAGES = ("id", "en")


def reader_language() -> str:
    """The reader's language from `Accept-Language`: texts the API words itself (the case
    record's values) come in it."""
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]
