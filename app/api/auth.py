"""Sign-in: username and password for a bearer token."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api.deps import issue_token, platform, session
from app.api.schemas import LoginSchema, TokenSchema
from app.errors import DomainError
from app.services.accounts.users import AccountService

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign-in")


class BadCredentials(DomainError):
    """Wrong name or password; one message either way."""

    status = 401


@blp.route("/login", methods=["POST"])
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, description="Bad credentials")
def login(credentials: dict[str, str]) -> dict[str, Any]:
    """Exchange a username and password for a bearer token."""
    accounts = AccountService(session(), platform().clock, passwords=platform().passwords)
    user = accounts.authenticate(credentials["username"], credentials["password"])
    if user is None:
        raise BadCredentials("Nama pengguna atau kata sandi salah / wrong username or password")
    return {
        "access_token": issue_token(user),
        "token_type": "Bearer",
        "user": {
            "username": user.username,
            "full_name": user.full_name,
            "roles": accounts.roles_of(user),
        },
    }
