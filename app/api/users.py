"""Users: Admin Sistem lists, creates, changes and deactivates them."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api.deps import admin_accounts, authenticated, current_user, platform, session
from app.api.present import user_dict
from app.api.schemas import UserCreateSchema, UserSchema, UserUpdateSchema
from app.services.accounts.users import AccountService

blp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="Users")


@blp.route("", methods=["GET"])
@authenticated
@blp.response(200, UserSchema(many=True))
@blp.alt_response(403, description="Admin Sistem only")
def list_users() -> list[dict[str, Any]]:
    """Every user, active or not, with their roles."""
    return [user_dict(u) for u in admin_accounts().users()]


@blp.route("", methods=["POST"])
@authenticated
@blp.arguments(UserCreateSchema)
@blp.response(201, UserSchema)
@blp.alt_response(409, description="Username taken")
def create_user(body: dict[str, Any]) -> dict[str, Any]:
    """Create a user (roles are granted through /role-assignments)."""
    user = admin_accounts().create_user(
        body["username"], body["password"], body["full_name"], body["email"], body["agency"]
    )
    session().commit()
    return user_dict(user)


@blp.route("/<string:username>", methods=["GET"])
@authenticated
@blp.response(200, UserSchema)
def get_user(username: str) -> dict[str, Any]:
    """A user; Admin Sistem sees anyone, everyone else only themselves."""
    accounts = AccountService(session(), platform().clock, current_user())
    return user_dict(accounts.visible_user(username))


@blp.route("/<string:username>", methods=["PATCH"])
@authenticated
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
@blp.alt_response(
    409, description="Deactivating the last active Admin Sistem (errors name `active`)"
)
def update_user(body: dict[str, Any], username: str) -> dict[str, Any]:
    """Change details or password; `active: false` deactivates and releases claimed tasks.

    A new password or a deactivation revokes the user's API tokens; the last active Admin
    Sistem cannot be deactivated (409).
    """
    user = admin_accounts().update_user(
        username,
        full_name=body.get("full_name"),
        email=body.get("email"),
        agency_code=body.get("agency"),
        password=body.get("password"),
        active=body.get("active"),
    )
    session().commit()
    return user_dict(user)
