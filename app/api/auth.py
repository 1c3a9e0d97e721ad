"""Sign-in: username and password for a bearer token; sign-out revokes it."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_smorest import Blueprint

from app.api.deps import authenticated, current_user, issue_token, platform, session
from app.api.schemas import LoginSchema, TokenSchema
from app.errors import DomainError
from app.services.accounts.sign_in_guard import SignInGuard, SignInLocked
from app.services.accounts.users import AccountService

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign-in")


class BadCredentials(DomainError):
    """Wrong name or password; one message either way."""

    status = 401


@blp.errorhandler(SignInLocked)
def _locked(err: SignInLocked) -> Any:
    """The contract's error shape with `Retry-After`, which the app's handler cannot add."""
    response = jsonify({"message": err.message, "errors": {}})
    response.status_code = err.status
    response.headers["Retry-After"] = str(err.retry_after)
    return response


@blp.route("/login", methods=["POST"])
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, description="Bad credentials")
@blp.alt_response(
    429,
    description="Too many failed sign-ins for the account or the address",
    headers={"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
)
def login(credentials: dict[str, str]) -> dict[str, Any]:
    """Exchange a username and password for a bearer token.

    After 10 failures for one account (50 for one address) within 15 minutes, 429 with
    `Retry-After` until the oldest of them leaves the window, even with the right password.
    """
    accounts = AccountService(session(), platform().clock, passwords=platform().passwords)
    guard = SignInGuard(session(), platform().clock)
    user = guard.sign_in(
        accounts, credentials["username"], credentials["password"], request.remote_addr
    )
    session().commit()
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


@blp.route("/logout", methods=["POST"])
@authenticated
@blp.response(204)
@blp.alt_response(401, description="Missing, invalid or revoked token")
def logout() -> None:
    """Revoke the caller's tokens: this one and every other issued to them before."""
    AccountService(session(), platform().clock, current_user()).revoke_tokens(current_user())
    session().commit()
